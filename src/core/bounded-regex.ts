/**
 * Regex matching with a time limit, for patterns written in playbooks (ask/env `pattern`, check
 * `expect.stdout`). Lint rejects patterns that can take exponential time (`pattern/catastrophic`),
 * but `run` skips that analysis to start fast, a linked playbook is never linted by `run`, and a
 * polynomial pattern can still crawl on a long pasted answer. JavaScript cannot interrupt a
 * running RegExp from the same thread except through V8's script timeout, so the match runs as a
 * one-line script in a dedicated context with `timeout`: a runaway match is cut off and reported
 * as `too-slow` instead of freezing the agent's terminal. No I/O; the cost is about 0.2 ms a call.
 */
import { Script, createContext } from 'node:vm';

/** How long one match may take before it is abandoned. Human-sized answers match in microseconds. */
export const REGEX_TIME_LIMIT_MS = 500;

export type BoundedMatch = 'match' | 'no-match' | 'too-slow';

// Made on first use: a V8 context costs about half a millisecond, and most runs match no pattern.
interface Sandbox {
  readonly script: Script;
  readonly context: { re: RegExp | undefined; text: string };
}
let sandbox: Sandbox | undefined;

export function boundedRegexTest(re: RegExp, text: string, limitMs: number = REGEX_TIME_LIMIT_MS): BoundedMatch {
  sandbox ??= { script: new Script('re.test(text)'), context: createContext({ re: undefined, text: '' }) as Sandbox['context'] };
  const { script, context } = sandbox;
  context.re = re;
  context.text = text;
  try {
    re.lastIndex = 0;
    return script.runInContext(context, { timeout: limitMs }) === true ? 'match' : 'no-match';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return 'too-slow';
    throw error;
  } finally {
    context.re = undefined;
    context.text = '';
  }
}

/**
 * A check block's `expect` applied to what its command did. The command runner only knows
 * "exited 0 in time"; the playbook decides what passing means (`expect.exit`, default 0, and
 * `expect.stdout`, a regex matched with a time limit). A command that timed out or could not
 * start fails whatever `expect` says (docs/playbook-format.md).
 */
import { boundedRegexTest } from './bounded-regex.js';
import type { CheckResult } from './flow-types.js';
import type { CheckBlock } from './model.js';

export function applyCheckExpect(check: Pick<CheckBlock, 'expect'>, result: CheckResult): CheckResult {
  if (result.timedOut || result.error !== undefined || result.exitCode === undefined) return { ...result, passed: false };
  if (result.exitCode !== (check.expect.exit ?? 0)) return { ...result, passed: false };
  const pattern = check.expect.stdout;
  if (pattern === undefined) return { ...result, passed: true };
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    return { ...result, passed: false, error: `expect.stdout ${pattern} is not a valid regular expression` };
  }
  const matched = boundedRegexTest(re, result.stdout.trim());
  if (matched === 'too-slow') return { ...result, passed: false, error: `expect.stdout ${pattern} took too long to match the output` };
  return { ...result, passed: matched === 'match' };
}

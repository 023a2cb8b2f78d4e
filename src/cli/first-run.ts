/**
 * The terminal side of the first run (src/app/first-run.ts): called at the start of an
 * interactive run only, so a pipe, `--no-input` or CI never sees it. Costs one settings read
 * when the agent name is already set.
 */
import { InterruptedError } from '../core/errors.js';
import { isPromptExit } from '../io/prompter.js';
import { readSettingsFast } from '../io/settings-read.js';
import type { CliContext } from './context.js';
import { styleFor } from './style.js';

export async function firstRunIfNeeded(ctx: CliContext, options: { color: boolean }): Promise<void> {
  const { needsFirstRun, askFirstRun, saveFirstRun } = await import('../app/first-run.js');
  const { settings } = readSettingsFast(ctx.env);
  if (!needsFirstRun(settings)) return;
  const { bold, dim } = await styleFor(options.color);
  ctx.streams.stderr.write(`${bold('Welcome to triage.')} ${dim('Three questions before your first case, asked only this once.')}\n`);
  const { createInquirerPrompter } = await import('../io/inquirer-prompter.js');
  const prompter = createInquirerPrompter({ input: ctx.streams.stdin, output: ctx.streams.stderr });
  let answers;
  try {
    answers = await askFirstRun(prompter, settings);
  } catch (error) {
    if (isPromptExit(error)) throw new InterruptedError('Interrupted before the case started; nothing was saved.');
    throw error;
  }
  const path = await saveFirstRun(ctx.env, answers);
  ctx.streams.stderr.write(`Saved your name, company and sign-off in ${path}.\n${dim('Change them any time: triage config set agent.name "…" (see triage config list).')}\n\n`);
}

/**
 * `--copy` for every command that has it: copy, then say in one stderr line what happened.
 * Where there is no clipboard the command still prints the text (the callers do that whatever
 * this returns), so `--copy` never loses the result.
 */
import type { FinishedCase } from '../app/finish-case.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import type { Emit, OutputFormat } from '../render/case-output.js';
import type { CliContext } from './context.js';

/**
 * Returns whether the text is on the clipboard. `what` names it ("the reply"); `where` says
 * where the text is instead ("on stdout", "in report.md").
 */
export async function copyWithNotice(ctx: CliContext, text: string, what: string, where = 'on stdout'): Promise<boolean> {
  const { copyToClipboard } = await import('../io/clipboard.js');
  const result = await copyToClipboard(text, { env: ctx.env });
  if (result.copied) {
    ctx.streams.stderr.write(`Copied ${what} to the clipboard.\n`);
    return true;
  }
  ctx.streams.stderr.write(`No clipboard available (${result.reason}); ${what} is ${where}.\n`);
  return false;
}

/**
 * What `run --copy` copies: the reply, which the agent pastes into the help desk, whenever it is
 * printed; otherwise what was printed (the report, or JSON).
 */
export function caseCopyText(finished: FinishedCase, format: OutputFormat, emit: Emit, output: string): { text: string; what: string } {
  if (emit !== 'report' && format !== 'json' && finished.reply) return { text: sanitizeForTerminal(finished.reply), what: 'the reply' };
  return { text: output, what: emit === 'reply' ? 'the reply' : 'the report' };
}

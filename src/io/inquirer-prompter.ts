/**
 * Prompter over @inquirer/prompts, drawing on stderr so stdout stays the result.
 * "Go back" is a menu entry in selects and `<` typed alone in text prompts.
 */
import { checkbox, select, Separator } from '@inquirer/prompts';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { linePrompt } from './line-prompt.js';
import { BACK, type Back, type PromptChoice, type Prompter, type TextOptions } from './prompter.js';

export const BACK_LABEL = '← Go back';
const BACK_VALUE = '\u0000back';

export interface InquirerPrompterOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

export function createInquirerPrompter(options: InquirerPrompterOptions): Prompter {
  const context = { input: options.input, output: options.output, clearPromptOnDone: false };

  return {
    async choose(message, choices, opts) {
      const items: (Separator | { name: string; value: string; description?: string })[] = choices.map((c) => ({
        name: sanitizeForTerminal(c.label),
        value: c.value,
        ...(c.description ? { description: sanitizeForTerminal(c.description) } : {}),
      }));
      if (opts.allowBack) items.push(new Separator(), { name: BACK_LABEL, value: BACK_VALUE });
      const answer = await select({ message: sanitizeForTerminal(message), choices: items, default: opts.default, pageSize: 12, loop: false }, context);
      return answer === BACK_VALUE ? BACK : answer;
    },

    async chooseMany(message, choices, opts) {
      // "Go back" is an entry, as in selects, so that choosing nothing stays a possible answer.
      const items: (Separator | { name: string; value: string; checked?: boolean })[] = choices.map((c: PromptChoice) => ({
        name: sanitizeForTerminal(c.label),
        value: c.value,
        ...(c.checked ? { checked: true } : {}),
      }));
      if (opts.allowBack) items.push(new Separator(), { name: BACK_LABEL, value: BACK_VALUE });
      const answer = await checkbox({ message: sanitizeForTerminal(message), choices: items, loop: false }, context);
      return answer.includes(BACK_VALUE) ? BACK : answer;
    },

    async text(message, opts: TextOptions) {
      const hint = [opts.hint, opts.allowBack ? 'type < to go back' : undefined].filter(Boolean).join('; ');
      const fullMessage = sanitizeForTerminal(hint ? `${message} (${hint})` : message);
      const validate = (value: string): string | true => {
        if (opts.allowBack && value.trim() === '<') return true;
        const problem = opts.validate?.(value);
        return problem === undefined ? true : sanitizeForTerminal(problem);
      };
      if (opts.secret) {
        const value = await linePrompt({ message: fullMessage, mask: '•', validate }, context);
        return opts.allowBack && value.trim() === '<' ? BACK : sanitizeForTerminal(value);
      }
      if (opts.multiline) return multiline(fullMessage, opts, context);
      const value = await linePrompt({ message: fullMessage, ...(opts.default === undefined ? {} : { default: sanitizeForTerminal(opts.default) }), validate }, context);
      // Pasted text can carry escape sequences; they must not reach the report raw.
      return opts.allowBack && value.trim() === '<' ? BACK : sanitizeForTerminal(value);
    },

    async confirm(message, opts) {
      const answer = await this.choose(
        message,
        [
          { label: 'Yes', value: 'yes' },
          { label: 'No', value: 'no' },
        ],
        { allowBack: opts.allowBack, default: opts.default === false ? 'no' : opts.default === true ? 'yes' : undefined },
      );
      return answer === BACK ? BACK : answer === 'yes';
    },
  };
}

/**
 * Line by line until an empty line, so pasted multi-line text (logs, errors) survives. Read with
 * one readline for the whole answer, not one inquirer prompt per line: a paste arrives as many
 * lines at once, and a prompt per line would keep only the first.
 */
async function multiline(message: string, opts: TextOptions, context: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream }): Promise<string | Back> {
  context.output.write(`? ${message} (several lines; an empty line ends)\n`);
  const lines = await readLinesUntilEmpty(context, Boolean(opts.allowBack));
  if (lines.length === 1 && opts.allowBack && lines[0]!.trim() === '<') return BACK;
  const value = sanitizeForTerminal(lines.join('\n'));
  const problem = opts.validate?.(value);
  if (problem) {
    context.output.write(`  ${sanitizeForTerminal(problem)}\n`);
    return multiline(message, opts, context);
  }
  return value;
}

/** `allowBack`: a first line of `<` alone ends the answer at once (going back needs no empty line). */
async function readLinesUntilEmpty(context: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream }, allowBack = false): Promise<string[]> {
  const { createInterface } = await import('node:readline');
  const terminal = Boolean((context.input as { isTTY?: boolean }).isTTY);
  const rl = createInterface({ input: context.input, output: context.output, terminal, prompt: '  ' });
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      rl.close();
      if (error) reject(error);
      else resolve(lines);
    };
    rl.on('line', (line) => {
      if (done) return;
      if (line === '') return finish();
      lines.push(line);
      if (allowBack && lines.length === 1 && line.trim() === '<') return finish();
      rl.prompt();
    });
    // Ctrl-C ends the run as it does at any other prompt (the session is kept for `triage resume`).
    rl.on('SIGINT', () => finish(Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' })));
    rl.on('close', () => finish());
    rl.prompt();
  });
}

/** A line typed with nothing drawn for it, not even a mask (tokens, passwords): its length stays private too. */
export async function askHidden(message: string, options: InquirerPrompterOptions): Promise<string> {
  const validate = (value: string): string | true => (value.trim() === '' ? 'Type or paste it, then press Enter (Ctrl-C stops).' : true);
  return linePrompt({ message, mask: '', validate }, { input: options.input, output: options.output, clearPromptOnDone: false });
}

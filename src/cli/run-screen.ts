/**
 * What the agent sees during an interactive run, on stderr: step counter and breadcrumb, the
 * script to say (highlighted), guidance (dimmed), spinners for probes and checks, and the
 * summary table at the outcome.
 */
import type { ChalkInstance } from 'chalk';
import type { FlowView } from '../core/flow-types.js';
import type { RunUi } from '../app/drive-flow.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { displayWidth, wrapWords } from '../core/text-width.js';

export interface ScreenOptions {
  readonly stderr: NodeJS.WritableStream & { columns?: number };
  readonly chalk: ChalkInstance;
  readonly canSpin: boolean;
  readonly interactive: boolean;
}

export function createRunScreen(options: ScreenOptions): RunUi {
  const { stderr, chalk } = options;
  const write = (text: string): void => {
    stderr.write(`${text}\n`);
  };
  /**
   * Plain text wrapped at word boundaries to the terminal: the first line after `prefix`, the
   * others after as many spaces, each line styled.
   */
  const writeWrapped = (text: string, style: (line: string) => string, prefix = ''): void => {
    const columns = stderr.columns && stderr.columns > 0 ? stderr.columns : 80;
    const indent = ' '.repeat(displayWidth(prefix));
    // One column to spare: a line exactly as wide as the terminal wraps early on some terminals.
    wrapWords(sanitizeForTerminal(text), columns - 1 - indent.length).forEach((line, i) => write(style(`${i === 0 ? prefix : indent}${line}`)));
  };
  // Several prompts at one node (its asks, then its choices) share one header: print it once per visit.
  let shownFor = '';
  return {
    showNode(view: FlowView) {
      if (!options.interactive) return;
      const visit = `${view.playbook.id}#${view.node?.id ?? ''}@${view.step}`;
      if (visit === shownFor) return;
      shownFor = visit;
      if (!view.node) {
        // Env fields are asked on entering a playbook, before its first node.
        write('');
        write(chalk.dim(sanitizeForTerminal(`${view.playbook.title} · the customer's environment`)));
        return;
      }
      const node = view.node;
      const trail = view.path.slice(0, -1).slice(-3).map((s) => s.title);
      write('');
      writeWrapped(`Step ${view.step} · ${view.playbook.title}${trail.length ? ` › ${trail.join(' › ')}` : ''}`, chalk.dim);
      writeWrapped(node.title, chalk.bold);
      for (const said of node.script) writeWrapped(`${said}”`, chalk.cyan, '  Say: “');
      for (const paragraph of guidanceParagraphs(node.guidance)) writeWrapped(paragraph, chalk.dim, '  ');
    },
    async busy<T>(rawLabel: string, work: () => Promise<T>, verdict?: (result: T) => { readonly ok: boolean; readonly text?: string }): Promise<T> {
      const label = sanitizeForTerminal(rawLabel);
      if (!options.canSpin) {
        if (options.interactive) write(chalk.dim(`${label}…`));
        return work();
      }
      const { default: ora } = await import('ora');
      const spinner = ora({ text: label, stream: stderr, discardStdin: false }).start();
      try {
        const result = await work();
        const ended = verdict?.(result);
        const text = ended?.text === undefined ? undefined : sanitizeForTerminal(ended.text);
        if (ended && !ended.ok) spinner.fail(text);
        else spinner.succeed(text);
        return result;
      } catch (error) {
        spinner.fail();
        throw error;
      }
    },
    notice(text: string) {
      write(chalk.yellow(sanitizeForTerminal(text)));
    },
  };
}

/**
 * Guidance is Markdown prose: a single line break inside a paragraph is soft (joined), a blank
 * line parts paragraphs, and each list item starts a line of its own.
 */
export function guidanceParagraphs(guidance: string): string[] {
  const paragraphs: string[] = [];
  let current: string[] = [];
  const flush = (): void => {
    if (current.length > 0) paragraphs.push(current.join(' '));
    current = [];
  };
  for (const raw of guidance.trim().split('\n')) {
    const line = raw.trim();
    if (line === '') flush();
    else {
      if (/^(?:[-*+]|\d+[.)])\s/.test(line)) flush();
      current.push(line);
    }
  }
  flush();
  return paragraphs;
}

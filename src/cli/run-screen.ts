/**
 * What the agent sees during an interactive run, on stderr: step counter and breadcrumb, the
 * script to say (highlighted), guidance (dimmed), spinners for probes and checks, and the
 * summary table at the outcome.
 */
import type { ChalkInstance } from 'chalk';
import type { FlowView } from '../core/flow-types.js';
import type { RunUi } from '../app/drive-flow.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';

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
      write(chalk.dim(sanitizeForTerminal(`Step ${view.step} · ${view.playbook.title}${trail.length ? ` › ${trail.join(' › ')}` : ''}`)));
      write(chalk.bold(sanitizeForTerminal(node.title)));
      for (const said of node.script) write(chalk.cyan(`  Say: “${sanitizeForTerminal(said)}”`));
      if (node.guidance.trim()) {
        for (const line of node.guidance.trim().split('\n')) write(chalk.dim(`  ${sanitizeForTerminal(line)}`));
      }
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

/** `triage list` and `triage search` output: a table for people, JSON for scripts (the items come from app/playbooks.ts). */
import type { Suggestion } from '../core/suggestions.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { renderPlainColumns } from './plain-columns.js';
import type { FitRules, TableOptions } from './table.js';

export interface ListedPlaybook {
  readonly id: string;
  readonly version: string;
  readonly title: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly source: { readonly origin: string; readonly dir: string };
  readonly path: string;
}

/** A table on a terminal, plain columns otherwise; cli-table3 loads only for the table. */
async function table(head: readonly string[], rows: readonly (readonly string[])[], options: TableOptions, rules?: FitRules): Promise<string> {
  return options.tty ? (await import('./table.js')).renderTable(head, rows, options, rules) : renderPlainColumns(head, rows);
}

export async function renderPlaybookListText(items: readonly ListedPlaybook[], options: TableOptions): Promise<string> {
  if (items.length === 0) return 'No playbooks found. Create one with `triage new <id>`.\n';
  return table(
    ['ID', 'VERSION', 'TITLE', 'TAGS', 'SOURCE'],
    // Playbook text is anyone's: escape sequences in it are made visible, never printed raw.
    items.map((p) => [p.id, p.version, p.title, p.tags.join(', '), p.source.origin].map(sanitizeForTerminal)),
    options,
    // Ids are what `triage run` needs: never cut; on a narrow terminal tags and version go first.
    { keep: ['ID'], dropOrder: ['TAGS', 'VERSION', 'SOURCE'], dropEagerly: true },
  );
}

export async function renderSearchText(suggestions: readonly Suggestion[], options: TableOptions): Promise<string> {
  return table(
    ['#', 'ID', 'TITLE', 'SCORE', 'MATCH', 'MATCHED', 'PAST CASES'],
    suggestions.map((s, i) =>
      [String(i + 1), s.id, s.title, s.score.toFixed(2), s.strength, s.matched.join(', '), s.cases.map((c) => c.id).join(', ')].map(sanitizeForTerminal),
    ),
    options,
    { keep: ['ID', 'MATCH'], dropOrder: ['PAST CASES', 'SCORE', 'MATCHED'], dropEagerly: true },
  );
}

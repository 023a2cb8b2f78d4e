/** `triage list` and `triage search` output: a table for people, JSON for scripts (the items come from app/playbooks.ts). */
import type { SearchHit } from '../core/playbook-search.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { renderPlainColumns } from './plain-columns.js';
import type { TableOptions } from './table.js';

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
async function table(head: readonly string[], rows: readonly (readonly string[])[], options: TableOptions): Promise<string> {
  return options.tty ? (await import('./table.js')).renderTable(head, rows, options) : renderPlainColumns(head, rows);
}

export async function renderPlaybookListText(items: readonly ListedPlaybook[], options: TableOptions): Promise<string> {
  if (items.length === 0) return 'No playbooks found. Create one with `triage new <id>`.\n';
  return table(
    ['ID', 'VERSION', 'TITLE', 'TAGS', 'SOURCE'],
    // Playbook text is anyone's: escape sequences in it are made visible, never printed raw.
    items.map((p) => [p.id, p.version, p.title, p.tags.join(', '), p.source.origin].map(sanitizeForTerminal)),
    options,
  );
}

export async function renderSearchText(hits: readonly SearchHit[], options: TableOptions): Promise<string> {
  return table(
    ['#', 'ID', 'TITLE', 'SCORE', 'MATCHED'],
    hits.map((h, i) => [String(i + 1), h.id, h.title, h.score.toFixed(2), h.matched.join(', ')].map(sanitizeForTerminal)),
    options,
  );
}

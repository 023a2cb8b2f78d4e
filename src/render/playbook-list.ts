/** `triage list` and `triage search` output: a table for people, JSON for scripts (the items come from app/playbooks.ts). */
import type { SearchHit } from '../core/playbook-search.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { renderTable, type TableOptions } from './table.js';

export interface ListedPlaybook {
  readonly id: string;
  readonly version: string;
  readonly title: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly source: { readonly origin: string; readonly dir: string };
  readonly path: string;
}

export function renderPlaybookListText(items: readonly ListedPlaybook[], options: TableOptions): string {
  if (items.length === 0) return 'No playbooks found. Create one with `triage new <id>`.\n';
  return renderTable(
    ['ID', 'VERSION', 'TITLE', 'TAGS', 'SOURCE'],
    // Playbook text is anyone's: escape sequences in it are made visible, never printed raw.
    items.map((p) => [p.id, p.version, p.title, p.tags.join(', '), p.source.origin].map(sanitizeForTerminal)),
    options,
  );
}

export function renderSearchText(hits: readonly SearchHit[], options: TableOptions): string {
  return renderTable(
    ['#', 'ID', 'TITLE', 'SCORE', 'MATCHED'],
    hits.map((h, i) => [String(i + 1), h.id, h.title, h.score.toFixed(2), h.matched.join(', ')].map(sanitizeForTerminal)),
    options,
  );
}

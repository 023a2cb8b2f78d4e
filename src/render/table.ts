/**
 * Tables for the terminal. cli-table3 draws boxes on a TTY; off a TTY we print plain aligned
 * columns (easy to grep/cut) and never ANSI, since cli-table3 colours even into pipes by default.
 */
import Table from 'cli-table3';

export interface TableOptions {
  readonly tty: boolean;
  /** Terminal width, to wrap the widest column. */
  readonly columns?: number;
}

export function renderTable(head: readonly string[], rows: readonly (readonly string[])[], options: TableOptions): string {
  if (!options.tty) return renderPlainColumns(head, rows);
  const table = new Table({ head: [...head], style: { head: [], border: [] }, wordWrap: true });
  for (const row of rows) table.push([...row]);
  return `${table.toString()}\n`;
}

export function renderPlainColumns(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [head, ...rows].map((r) => r.map((c) => c.replace(/[\t\r\n]+/g, ' ')));
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return `${all
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

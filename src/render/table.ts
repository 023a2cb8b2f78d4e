/**
 * Tables for the terminal. cli-table3 draws boxes on a TTY; off a TTY we print plain aligned
 * columns (easy to grep/cut) and never ANSI, since cli-table3 colours even into pipes by default.
 */
import Table from 'cli-table3';
import stringWidth from 'string-width';
import { renderPlainColumns } from './plain-columns.js';

// Plain columns need no cli-table3: output into a pipe imports plain-columns.ts alone.
export { renderPlainColumns };

export interface TableOptions {
  readonly tty: boolean;
  /** Terminal width, to wrap the widest columns so a row never spills onto the next line. */
  readonly columns?: number;
}

/** Narrowest a column is squeezed to: below this, wrapped words become unreadable. */
const MIN_COLUMN = 8;

export function renderTable(head: readonly string[], rows: readonly (readonly string[])[], options: TableOptions): string {
  if (!options.tty) return renderPlainColumns(head, rows);
  const colWidths = fitColumns(naturalWidths(head, rows), options.columns);
  const table = new Table({
    head: [...head],
    // compact: no rule between rows (a 20-row list would otherwise take 40 lines).
    style: { head: [], border: [], compact: true },
    wordWrap: true,
    ...(colWidths ? { colWidths } : {}),
  });
  for (const row of rows) table.push([...row]);
  return `${table.toString()}\n`;
}

/** Each column's width as cli-table3 counts it: longest cell plus one space of padding each side. */
function naturalWidths(head: readonly string[], rows: readonly (readonly string[])[]): number[] {
  return head.map((h, i) => Math.max(stringWidth(h), ...rows.map((r) => longestLine(r[i] ?? ''))) + 2);
}

function longestLine(cell: string): number {
  return Math.max(...cell.split('\n').map((l) => stringWidth(l)));
}

/**
 * Column widths that fit `columns` (borders included), or undefined when the table already fits
 * or the width is unknown. Narrow columns keep their width; the space left is shared among the
 * wide ones, so an id column stays whole while a long title wraps.
 */
export function fitColumns(natural: readonly number[], columns: number | undefined): number[] | undefined {
  if (!columns || columns <= 0) return undefined;
  const borders = natural.length + 1;
  const total = natural.reduce((a, b) => a + b, 0) + borders;
  if (total <= columns) return undefined;
  const widths = [...natural];
  let available = columns - borders;
  let open = natural.map((_, i) => i);
  // Water-filling: settle every column that fits in an equal share, then split what is left.
  for (;;) {
    const share = Math.floor(available / open.length);
    const settled = open.filter((i) => natural[i]! <= share);
    if (settled.length === 0) {
      open.forEach((i, k) => (widths[i] = Math.max(MIN_COLUMN, share + (k < available - share * open.length ? 1 : 0))));
      return widths;
    }
    for (const i of settled) available -= natural[i]!;
    open = open.filter((i) => !settled.includes(i));
    if (open.length === 0) return widths;
  }
}

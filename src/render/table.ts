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

/** How a table gives way to a narrow terminal. */
export interface FitRules {
  /** Columns (by heading) never narrowed: ids someone copies into the next command. */
  readonly keep: readonly string[];
  /** Columns (by heading) left out, first ones first, while the table cannot fit otherwise. */
  readonly dropOrder: readonly string[];
  /** Drop while the table is wider than the terminal at its natural widths, not only while it cannot fit at all. */
  readonly dropEagerly?: boolean;
}

/** Narrowest a column is squeezed to: below this, wrapped words become unreadable. */
const MIN_COLUMN = 8;

export function renderTable(head: readonly string[], rows: readonly (readonly string[])[], options: TableOptions, rules?: FitRules): string {
  if (!options.tty) return renderPlainColumns(head, rows);
  if (rules && options.columns && options.columns > 0) {
    const fitted = dropColumns(head, rows, options.columns, rules);
    head = fitted.head;
    rows = fitted.rows;
  }
  const fixed = new Set(rules ? head.flatMap((h, i) => (rules.keep.includes(h) ? [i] : [])) : []);
  const colWidths = fitColumns(naturalWidths(head, rows), options.columns, fixed);
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
export function fitColumns(natural: readonly number[], columns: number | undefined, fixed: ReadonlySet<number> = new Set()): number[] | undefined {
  if (!columns || columns <= 0) return undefined;
  const borders = natural.length + 1;
  const total = natural.reduce((a, b) => a + b, 0) + borders;
  if (total <= columns) return undefined;
  const widths = [...natural];
  // Fixed columns keep their width; the others share what is left.
  let available = columns - borders - [...fixed].reduce((sum, i) => sum + natural[i]!, 0);
  let open = natural.map((_, i) => i).filter((i) => !fixed.has(i));
  if (open.length === 0) return widths;
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

/**
 * Leaves out columns, in `rules.dropOrder`, while the table would not fit `columns` even with
 * every column that may narrow squeezed to MIN_COLUMN (or its own width, when narrower).
 */
export function dropColumns(head: readonly string[], rows: readonly (readonly string[])[], columns: number, rules: FitRules): { head: string[]; rows: string[][] } {
  let shown = head.map((_, i) => i);
  const natural = naturalWidths(head, rows);
  const narrowest = (indexes: readonly number[]): number =>
    indexes.reduce((sum, i) => sum + (rules.keep.includes(head[i]!) ? natural[i]! : Math.min(natural[i]!, MIN_COLUMN + 4)), 0) + indexes.length + 1;
  const atNatural = (indexes: readonly number[]): number => indexes.reduce((sum, i) => sum + natural[i]!, 0) + indexes.length + 1;
  for (const heading of rules.dropOrder) {
    if ((rules.dropEagerly ? atNatural(shown) : narrowest(shown)) <= columns) break;
    shown = shown.filter((i) => head[i] !== heading);
  }
  return { head: shown.map((i) => head[i]!), rows: rows.map((r) => shown.map((i) => r[i] ?? '')) };
}

/** Tables off a terminal: plain aligned columns, easy to grep and cut, never ANSI (see table.ts). */
import stringWidth from 'string-width';

/** Columns are measured as a terminal shows them: CJK and emoji take two cells. */
export function renderPlainColumns(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [head, ...rows].map((r) => r.map((c) => c.replace(/[\t\r\n]+/g, ' ')));
  const widths = head.map((_, i) => Math.max(...all.map((r) => stringWidth(r[i] ?? ''))));
  return `${all
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - stringWidth(c))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

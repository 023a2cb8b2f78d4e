/** Tables off a terminal: plain aligned columns, easy to grep and cut, never ANSI (see table.ts). */
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

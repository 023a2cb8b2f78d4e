/**
 * Widths of text on a terminal, measured with string-width: CJK and emoji take two columns,
 * combining marks and joiners none, colour codes none. Kept apart from terminal-text.ts, which
 * every command loads, so only the screens that wrap or align text load string-width.
 */
import stringWidth from 'string-width';

/** How many terminal columns text takes. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/**
 * Plain text broken into lines of at most `width` columns at spaces, never inside a word (a word
 * longer than a line is split only then). Existing line breaks are kept.
 */
export function wrapWords(text: string, width: number): string[] {
  const limit = Math.max(10, width);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let lineWidth = 0;
    for (const word of paragraph.split(/ +/)) {
      if (word === '') continue;
      let rest = word;
      let restWidth = stringWidth(rest);
      if (lineWidth > 0 && lineWidth + 1 + restWidth <= limit) {
        line += ` ${rest}`;
        lineWidth += 1 + restWidth;
        continue;
      }
      if (lineWidth > 0) lines.push(line);
      while (restWidth > limit) {
        let cut = '';
        let cutWidth = 0;
        for (const char of rest) {
          const w = stringWidth(char);
          if (cutWidth + w > limit) break;
          cut += char;
          cutWidth += w;
        }
        lines.push(cut);
        rest = rest.slice(cut.length);
        restWidth -= cutWidth;
      }
      line = rest;
      lineWidth = restWidth;
    }
    lines.push(line);
  }
  return lines;
}

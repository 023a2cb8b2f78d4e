/**
 * Text from answers and playbooks is shown in a terminal: control characters and ANSI escape
 * sequences in it must never reach the terminal raw (they could move the cursor, retitle the
 * window or hide text). Tabs and newlines are kept.
 */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function sanitizeForTerminal(text: string): string {
  return text.replace(ANSI, '').replace(CONTROL, (c) => (c === '\r' ? '' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** Columns a character takes: 0 for combining marks and joiners, 2 for wide (CJK, emoji), else 1. */
function charWidth(codePoint: number): number {
  if ((codePoint >= 0x300 && codePoint <= 0x36f) || codePoint === 0x200d || (codePoint >= 0xfe00 && codePoint <= 0xfe0f)) return 0;
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1faff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** How many terminal columns plain text (no escape sequences) takes. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char.codePointAt(0)!);
  return width;
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
      let restWidth = displayWidth(rest);
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
          const w = charWidth(char.codePointAt(0)!);
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

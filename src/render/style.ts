/**
 * The colours render functions use. The cli passes chalk, its level set from the terminal decision
 * (io/terminal.ts: TTY, NO_COLOR, FORCE_COLOR, --color/--no-color), or PLAIN; render never imports
 * chalk itself, so output without colour (a pipe, a file) never loads it.
 */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const same = (text: string): string => text;

export const PLAIN: Style = { bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };

/** Whether a Style adds colour (some output marks things differently without it: «», backticks). */
export function hasColor(style: Style): boolean {
  return style !== PLAIN;
}

/**
 * Text from playbooks, answers, the history and command output is shown in a terminal or piped
 * into a tracker: control characters, escape sequences and Unicode direction overrides in it must
 * never reach either raw (they could move the cursor, retitle the window, write the clipboard,
 * hide text or make it read backwards). Tabs and newlines are kept.
 *
 * Two layers use the same character classes:
 * - `sanitizeForTerminal` for content (a prompt, an answer, a stored reply, command output):
 *   escape sequences are removed and every other control or direction character is shown as
 *   `\xNN` / `\uNNNN`;
 * - `guardTerminalOutput` for everything written to stdout and stderr, ours included: it keeps
 *   the CSI sequences colour and prompts draw with, and removes or shows everything else (string
 *   sequences such as OSC 52 clipboard writes, C1 controls, direction overrides). In JSON the
 *   `\uNNNN` it writes inside a string is that character's JSON escape.
 */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][\s\S]*?(?:\u0007|\u001b\\|\u009c|$)|[@-Z\\-_])|\u009b[0-?]*[ -/]*[@-~]|[\u0090\u0098\u009d\u009e\u009f][\s\S]*?(?:\u0007|\u001b\\|\u009c|$)/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Embedding, override and isolate controls: U+202A–U+202E, U+2066–U+2069. */
export const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/g;
// String sequences (OSC, DCS, SOS, PM, APC) in 7-bit and 8-bit form, to their terminator.
// eslint-disable-next-line no-control-regex
const STRING_SEQUENCE = /\u001b[\]PX^_][\s\S]*?(?:\u0007|\u001b\\|\u009c|$)|[\u0090\u0098\u009d\u009e\u009f][\s\S]*?(?:\u0007|\u001b\\|\u009c|$)/g;
// Raw controls the output never needs: C0 but tab, newline, carriage return, backspace and ESC
// (ESC starts the CSI sequences colour and prompts use); DEL; every C1 control.
// eslint-disable-next-line no-control-regex
const OUTPUT_CONTROL = /[\u0000-\u0007\u000b\u000c\u000e-\u001a\u001c-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const STRAY_OR_CHECKED = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function visible(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function sanitizeForTerminal(text: string): string {
  if (!STRAY_OR_CHECKED.test(text)) return text;
  return text
    .replace(ANSI, '')
    .replace(CONTROL, (c) => (c === '\r' ? '' : visible(c)))
    .replace(BIDI_CONTROL, visible);
}

/** The last filter before a byte reaches stdout or stderr (see the module comment). */
export function guardTerminalOutput(text: string): string {
  if (!STRAY_OR_CHECKED.test(text)) return text;
  return text
    .replace(STRING_SEQUENCE, '')
    .replace(OUTPUT_CONTROL, (c) => (c.charCodeAt(0) <= 0x1f || c === '\u007f' ? visible(c) : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
    .replace(BIDI_CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `--copy` where there is no clipboard (this headless machine; DISPLAY and WAYLAND_DISPLAY are
 * unset for the test wherever it runs): one stderr line says so, and stdout still carries the text.
 */
import { describe, expect, it } from 'vitest';
import { makeHome, triage } from '../helpers/cli.js';

const NO_DISPLAY = { DISPLAY: undefined, WAYLAND_DISPLAY: undefined };
const ANSWERS = ['--answer', 'browser=Firefox 127', '--answer', 'upload-or-export=Exporting data', '--answer', 'export_format=CSV', '--answer', 'row_count=5200', '--answer', 'how-big-is-the-export=Smaller, and the file is empty or cut short', '--answer', 'rows_expected=5200', '--answer', 'rows_received=0', '--answer', 'do-filters-explain-the-missing-rows=No filter; the file really has fewer rows'];

function clipboardLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /clipboard/i.test(line));
}

describe('--copy without a clipboard', () => {
  it('run: says so in one line and prints the same output as without --copy', () => {
    const home = makeHome();
    const args = ['run', 'upload-or-export-fails', '--no-input', '--case-id', 'TRI-20261127-C0PY', ...ANSWERS, '--format', 'markdown'];
    const plain = triage(args, { home, env: { ...NO_DISPLAY, SOURCE_DATE_EPOCH: '1700000000' } });
    const copied = triage([...args, '--copy', '--no-history'], { home, env: { ...NO_DISPLAY, SOURCE_DATE_EPOCH: '1700000000' } });
    expect(copied.code).toBe(0);
    expect(copied.stdout).toBe(plain.stdout);
    expect(clipboardLines(copied.stderr)).toEqual([expect.stringMatching(/^No clipboard available \(no X11 or Wayland display, as on a server or over SSH\); the reply is on stdout\.$/)]);
  });

  it('run --emit report copies the report; with --output the text is in the file', () => {
    const result = triage(['run', 'upload-or-export-fails', '--no-input', ...ANSWERS, '--emit', 'report', '--copy', '--output', 'out.md'], { env: NO_DISPLAY });
    expect(result.code).toBe(0);
    expect(clipboardLines(result.stderr)).toEqual([expect.stringMatching(/^No clipboard available .*; the report is in out\.md\.$/)]);
  });

  it('cases show --copy prints the case, the report or the reply anyway', () => {
    const home = makeHome();
    expect(triage(['run', 'upload-or-export-fails', '--no-input', '--case-id', 'TRI-20261127-C0P2', ...ANSWERS], { home }).code).toBe(0);
    for (const as of ['reply', 'report', 'case']) {
      const plain = triage(['cases', 'show', 'TRI-20261127-C0P2', '--as', as], { home });
      const copied = triage(['cases', 'show', 'TRI-20261127-C0P2', '--as', as, '--copy'], { home, env: NO_DISPLAY });
      expect(copied.code).toBe(0);
      expect(copied.stdout).toBe(plain.stdout);
      expect(clipboardLines(copied.stderr)).toEqual([`No clipboard available (no X11 or Wayland display, as on a server or over SSH); the ${as} is on stdout.`]);
    }
  });
});

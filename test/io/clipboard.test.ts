import { describe, expect, it } from 'vitest';
import { clipboardFailureReason, copyToClipboard } from '../../src/io/clipboard.js';

describe('clipboard', () => {
  it('explains a missing display in a few words', () => {
    expect(clipboardFailureReason(new Error('anything'), {}, 'linux')).toMatch(/no X11 or Wayland display/);
    expect(clipboardFailureReason(new Error("Couldn't find the `xsel` binary and fallback didn't work."), { DISPLAY: ':0' }, 'linux')).toMatch(/no clipboard tool found/);
    expect(clipboardFailureReason(new Error('Clipboard access requires a display server (X11 or Wayland). More text.'), { DISPLAY: ':0' }, 'linux')).toBe('cannot reach the display server');
    expect(clipboardFailureReason(new Error('x'.repeat(300)), {}, 'darwin').length).toBeLessThanOrEqual(100);
  });

  // Linux CI and developer containers are headless; the display variables are removed so the
  // test means the same thing on a desktop.
  it('reports no clipboard on a headless Linux box instead of throwing', async () => {
    const saved = { DISPLAY: process.env.DISPLAY, WAYLAND_DISPLAY: process.env.WAYLAND_DISPLAY };
    delete process.env.DISPLAY;
    delete process.env.WAYLAND_DISPLAY;
    try {
      const result = await copyToClipboard('hello', { timeoutMs: 5000 });
      expect(result).toEqual({ copied: false, reason: expect.stringMatching(/display/) });
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
    }
  });
});

import { describe, expect, it } from 'vitest';
import { guardTerminalOutput, sanitizeForTerminal } from '../../src/core/terminal-text.js';

describe('sanitizeForTerminal', () => {
  it('removes escape sequences (OSC 52 included) and shows controls and direction overrides', () => {
    expect(sanitizeForTerminal('a\u001b]52;c;QUFB\u0007b\u001b[2Jc')).toBe('abc');
    expect(sanitizeForTerminal('x\u202ey\u2066z\u0000')).toBe('x\\u202ey\\u2066z\\x00');
    expect(sanitizeForTerminal('a\u009b2Jb\u009d0;t\u009cc')).toBe('abc');
    expect(sanitizeForTerminal('tab\tand\nnewline')).toBe('tab\tand\nnewline');
  });
});

describe('guardTerminalOutput', () => {
  it('keeps colour and cursor sequences, drops string sequences, escapes C1 and direction controls', () => {
    expect(guardTerminalOutput('\u001b[31mred\u001b[39m\u001b[2K')).toBe('\u001b[31mred\u001b[39m\u001b[2K');
    expect(guardTerminalOutput('a\u001b]52;c;QUFB\u0007b\u001bPq\u001b\\c')).toBe('abc');
    expect(guardTerminalOutput('x\u202ey\u0085')).toBe('x\\u202ey\\u0085');
  });

  it('keeps JSON valid and equal: a direction override becomes its JSON escape', () => {
    const json = JSON.stringify({ name: 'Bob \u202e evil', c1: '\u0085' });
    expect(JSON.parse(guardTerminalOutput(json))).toEqual({ name: 'Bob \u202e evil', c1: '\u0085' });
  });
});

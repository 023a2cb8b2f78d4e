/** Script text on a terminal: wrapped at word boundaries, never mid-word. */
import { describe, expect, it } from 'vitest';
import { displayWidth, wrapWords } from '../../src/core/text-width.js';
import { guidanceParagraphs } from '../../src/cli/run-screen.js';

describe('wrapWords', () => {
  const text = 'Could you check your statement and tell me the date and amount of each charge, and whether both show as pending or completed?';

  it('breaks at spaces only, within the width', () => {
    for (const width of [30, 52, 80, 120]) {
      const lines = wrapWords(text, width);
      for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(width);
      expect(lines.join(' ')).toBe(text);
      // No word is split across lines.
      for (const line of lines) for (const word of line.split(' ')) expect(text.split(' ')).toContain(word);
    }
  });

  it('splits a word only when it is longer than a line; keeps line breaks; counts wide characters twice', () => {
    expect(wrapWords('abcdefghijklmnopqrstuvwxyz', 10)).toEqual(['abcdefghij', 'klmnopqrst', 'uvwxyz']);
    expect(wrapWords('one\ntwo three', 20)).toEqual(['one', 'two three']);
    expect(displayWidth('日本語')).toBe(6);
    expect(wrapWords('日本語 日本語 日本語', 13)).toEqual(['日本語 日本語', '日本語']);
  });
});

describe('guidance paragraphs', () => {
  it('joins soft line breaks, parts paragraphs at blank lines, starts list items on their own line', () => {
    expect(guidanceParagraphs('First line\ncontinues here.\n\nSecond paragraph:\n- one\n- two\n1. three')).toEqual([
      'First line continues here.',
      'Second paragraph:',
      '- one',
      '- two',
      '1. three',
    ]);
  });
});

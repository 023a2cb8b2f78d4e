/**
 * The one-line prompt fed as a terminal feeds it: a whole chunk at once, as a paste arrives.
 */
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { linePrompt } from '../../src/io/line-prompt.js';

/** What the prompt drew, frame by frame (each write to the output). */
function terminal(): { input: PassThrough; output: PassThrough; frames: string[] } {
  const input = new PassThrough();
  const output = new PassThrough();
  const frames: string[] = [];
  output.on('data', (chunk: Buffer) => frames.push(stripVTControlCharacters(chunk.toString())));
  return { input, output, frames };
}

describe('linePrompt', () => {
  it('keeps the validation message when the answer and Enter arrive in one chunk (a pasted line)', async () => {
    const { input, output, frames } = terminal();
    const answer = linePrompt({ message: 'Ticket', validate: (value) => (value === 'rt:1' ? true : `"${value}" is not a ticket reference.`) }, { input, output });
    input.write('rt:abc\r');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const drawn = frames.filter((frame) => frame.includes('Ticket'));
    expect(drawn.at(-1)).toContain('"rt:abc" is not a ticket reference.');

    input.write('\u0015rt:1\r');
    await expect(answer).resolves.toBe('rt:1');
  });
});

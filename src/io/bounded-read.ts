/**
 * Reading input whose size triage does not control (a pipe, `/dev/zero`, a file that never ends)
 * with a bound, so an endless source is an error with a message, never an out-of-memory crash or
 * a hang, and a slow pipe is waited for rather than read as empty.
 */
import { StringDecoder } from 'node:string_decoder';

export class InputTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} bytes`);
  }
}

/** All of `stream` as UTF-8 text; rejects with InputTooLarge past `maxBytes`. Waits for a slow writer. */
export async function readAllBounded(stream: NodeJS.ReadableStream, maxBytes: number): Promise<string> {
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let text = '';
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buffer.length;
    if (bytes > maxBytes) {
      (stream as { destroy?: () => void }).destroy?.();
      throw new InputTooLarge(maxBytes);
    }
    text += decoder.write(buffer);
  }
  return text + decoder.end();
}

/**
 * The lines of `stream` (`\n` or `\r\n`), each at most `maxLineBytes` long: a longer line
 * rejects with InputTooLarge as soon as it is that long, without reading the rest.
 */
export async function* readLinesBounded(stream: NodeJS.ReadableStream, maxLineBytes: number): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  // The current line's pieces: only each new chunk is searched for a line end, and pieces are
  // joined once, so a long line costs linear time.
  let parts: string[] = [];
  let length = 0;
  const take = (last: string): string => {
    parts.push(last);
    const line = parts.join('');
    parts = [];
    length = 0;
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      yield take(text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    const rest = text.slice(start);
    parts.push(rest);
    // Characters, not bytes (at most the bytes): cheap to count.
    length += rest.length;
    if (length > maxLineBytes) {
      (stream as { destroy?: () => void }).destroy?.();
      throw new InputTooLarge(maxLineBytes);
    }
  }
  const last = take(decoder.end());
  if (last !== '') yield last;
}

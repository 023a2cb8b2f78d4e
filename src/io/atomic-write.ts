/**
 * Writes a file so that no reader, and no Ctrl-C, crash or kill -9 half way, ever sees it half
 * written: a temp file next to it, renamed over it. No fsync (that only adds power-loss safety, at
 * milliseconds a write) and no exit handlers (write-file-atomic registers signal handlers on
 * every call, which cost more than the write itself). A leftover temp file ends in `.tmp`.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

export function writeFileAtomically(path: string, data: string | Uint8Array, options: { readonly mode?: number } = {}): void {
  const temp = `${path}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    writeFileSync(temp, data, options.mode === undefined ? {} : { mode: options.mode });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

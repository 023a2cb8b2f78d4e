/** A file-or-directory path given on the command line, resolved and checked once. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { TriageError } from '../core/errors.js';

export function resolvePathArgument(cwd: string, given: string, missing: { readonly code: string; readonly hint: string }): { path: string; isDirectory: boolean } {
  const path = resolve(cwd, given);
  try {
    return { path, isDirectory: statSync(path).isDirectory() };
  } catch {
    throw new TriageError(missing.code, `${given}: no such file or directory.`, { hint: missing.hint });
  }
}

import { isAbsolute, relative } from 'node:path';

/** Relative to the working directory when inside it; otherwise absolute (not `../../usr/lib/…`). */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

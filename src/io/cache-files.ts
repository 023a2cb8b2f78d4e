/**
 * Files under triage's cache directory (triagePaths().cache). A cache is only ever a shortcut:
 * reads tolerate anything (missing, partial, foreign), writes go to a temp file renamed into
 * place (two processes writing at once leave one complete file), and a cache that cannot be
 * written costs speed, never results.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from './atomic-write.js';

declare const __TRIAGE_BUILD_ID__: string | undefined;
/**
 * Set by scripts/build.mjs from a hash of the sources, so a new build never trusts what another
 * build cached (the parser or the search tokenizer may have changed with the same version number).
 */
export const CACHE_BUILD_ID = typeof __TRIAGE_BUILD_ID__ === 'string' ? __TRIAGE_BUILD_ID__ : 'source';

export function readCacheFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function readCacheFileBytes(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

export function writeCacheFile(path: string, text: string): void {
  writeCacheFileBytes(path, text);
}

export function writeCacheFileBytes(path: string, data: string | Uint8Array): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomically(path, data);
  } catch {
    /* read-only or full: the next run computes it again */
  }
}

/**
 * Keeps the `keep` most recently written files of a cache directory, once it holds more than
 * `above` (default `keep`), and removes temp files a crashed writer left over a minute ago.
 */
export function pruneCacheDirectory(dir: string, keep: number, above = keep): void {
  try {
    const names = readdirSync(dir);
    if (names.length <= above) return;
    const files = names.map((name) => {
      const path = join(dir, name);
      return { path, name, mtimeMs: statSync(path).mtimeMs };
    });
    const now = Date.now();
    const stale = files.filter((f) => f.name.endsWith('.tmp') && now - f.mtimeMs > 60_000);
    const kept = files.filter((f) => !f.name.endsWith('.tmp')).sort((a, b) => b.mtimeMs - a.mtimeMs);
    for (const file of [...stale, ...kept.slice(keep)]) rmSync(file.path, { force: true });
  } catch {
    /* another process pruned it, or there is nothing to prune */
  }
}

/** A short, stable name for a text (file names in the cache, not a security boundary). */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * Parse results of playbooks, cached as JSON under `<cache>/parsed/` and addressed by a hash of
 * the build, the file's path and directory and its exact content: a changed file simply has
 * another address, so nothing needs invalidating. A run reads its playbook from here without
 * loading markdown-it or the YAML parser. The model is plain data (a JSON round trip
 * is exact; test/io/parse-cache.test.ts checks it).
 */
import { join } from 'node:path';
import { contentHash } from '../core/content-hash.js';
import type { ParseResult, PlaybookFile } from '../core/parse-playbook.js';
import { CACHE_BUILD_ID, pruneCacheDirectory, readCacheFile, writeCacheFile } from './cache-files.js';

/** Parse results kept; beyond this the oldest go (a playbook parses again on its next use). */
const MAX_ENTRIES = 2000;

export function parseCachePath(cacheDir: string, file: PlaybookFile, source: string): string {
  const key = contentHash(`${CACHE_BUILD_ID}\0${file.path}\0${file.dir}\0${source}`);
  return join(cacheDir, 'parsed', `${key}.json`);
}

export function readParseCache(path: string): ParseResult | undefined {
  const text = readCacheFile(path);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as ParseResult;
    if (typeof value !== 'object' || value === null || !Array.isArray(value.diagnostics)) return undefined;
    return deepFreeze(value);
  } catch {
    return undefined;
  }
}

export function writeParseCache(path: string, result: ParseResult): void {
  writeCacheFile(path, JSON.stringify(result));
  pruneCacheDirectory(join(path, '..'), Math.floor(MAX_ENTRIES * 0.8), MAX_ENTRIES);
}

/** Parse results are frozen (parse-playbook.ts); so are cached ones. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

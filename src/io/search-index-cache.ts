/**
 * The search index of the playbooks in effect, cached: building it for 2,000 playbooks
 * takes ~100 ms; restoring its state with node:v8's structured clone takes ~10 ms. The caller
 * keys it by what the documents are made from (the files' contents); the key here adds the build
 * (the tokenizer) and the V8 version (the clone format).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { contentHash } from '../core/content-hash.js';
import {
  buildSearchIndex,
  searchIndexFromState,
  searchIndexState,
  type SearchDocument,
  type SearchIndex,
  type SearchIndexState,
} from '../core/playbook-search.js';
import { CACHE_BUILD_ID, pruneCacheDirectory, writeCacheFileBytes } from './cache-files.js';

/** Search indexes kept (one per set of playbooks searched recently). */
const KEEP = 8;

export function cachedSearchIndex(contentKey: string, documents: () => readonly SearchDocument[], cacheDir: string): SearchIndex {
  const key = contentHash(JSON.stringify([CACHE_BUILD_ID, process.versions.v8, contentKey]));
  const dir = join(cacheDir, 'search-index');
  const path = join(dir, `${key}.v8`);
  try {
    const cached = deserialize(readFileSync(path)) as { key?: unknown; state?: SearchIndexState };
    if (cached.key === key && cached.state) return searchIndexFromState(cached.state);
  } catch {
    /* missing or damaged: build it */
  }
  const index = buildSearchIndex(documents());
  writeCacheFileBytes(path, serialize({ key, state: searchIndexState(index) }));
  pruneCacheDirectory(dir, KEEP);
  return index;
}

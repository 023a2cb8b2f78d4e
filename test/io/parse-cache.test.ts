/**
 * Parse results cached as JSON must be the parse results: the model is plain data, so
 * the round trip is exact, for every bundled playbook and fixture (broken ones included). The
 * cache is addressed by content: another content, path or directory is another entry, and a
 * damaged entry is ignored.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePlaybook } from '../../src/core/parse-playbook.js';
import { parseCachePath, readParseCache, writeParseCache } from '../../src/io/parse-cache.js';
import { ROOT } from '../helpers/cli.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'triage-parse-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? markdownFiles(path) : name.endsWith('.md') ? [path] : [];
  });
}

describe('parse cache', () => {
  it('gives back exactly what was parsed, frozen, for every bundled playbook and fixture', () => {
    const files = [...markdownFiles(join(ROOT, 'playbooks')), ...markdownFiles(join(ROOT, 'test', 'fixtures'))];
    expect(files.length).toBeGreaterThan(40);
    for (const path of files) {
      const source = readFileSync(path, 'utf8');
      const file = { path, dir: join(path, '..') };
      const parsed = parsePlaybook(source, file);
      const cachePath = parseCachePath(cacheDir, file, source);
      writeParseCache(cachePath, parsed);
      const cached = readParseCache(cachePath);
      expect(isDeepStrictEqual(cached, parsed), path).toBe(true);
      expect(Object.isFrozen(cached) && (cached!.playbook === undefined || Object.isFrozen(cached!.playbook.nodes))).toBe(true);
    }
  });

  it('is addressed by content, path and directory', () => {
    const file = { path: '/p/a.md', dir: '/p' };
    const key = parseCachePath(cacheDir, file, 'text');
    expect(parseCachePath(cacheDir, file, 'text')).toBe(key);
    expect(parseCachePath(cacheDir, file, 'text ')).not.toBe(key);
    expect(parseCachePath(cacheDir, { ...file, path: '/p/b.md' }, 'text')).not.toBe(key);
    expect(parseCachePath(cacheDir, { ...file, dir: '/' }, 'text')).not.toBe(key);
  });

  it('ignores a damaged or foreign entry', () => {
    const path = join(cacheDir, 'parsed', 'damaged.json');
    writeParseCache(path, { diagnostics: [] });
    for (const text of ['{"diagnostics":', 'null', '{"playbook":{}}', '']) {
      writeFileSync(path, text);
      expect(readParseCache(path), text).toBeUndefined();
    }
    expect(readParseCache(join(cacheDir, 'parsed', 'missing.json'))).toBeUndefined();
  });
});

/**
 * The playbook index cache is only ever a shortcut: whatever happens to the playbooks
 * (edits of any size, renames, deletions, new files) or to the cache (deleted, corrupt, written by
 * two processes), what it says matches parsing every playbook afresh.
 */
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlaybook } from '../../src/core/parse-playbook.js';
import type { PlaybookDirectory } from '../../src/io/discovery.js';
import { loadPlaybookDirectories } from '../../src/io/load-playbooks.js';
import { indexFileFor, indexPlaybookFiles, RACY_WINDOW_MS, type IndexOptions, type IndexResult } from '../../src/io/playbook-index.js';

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function playbook(id: string, title: string, extra = ''): string {
  return `---\nid: ${id}\ntitle: ${title}\nversion: 1.0.0\nsummary: About ${title}\ntags: [t-${id}]\nsymptoms:\n  - ${title} broke\n---\n\n## Start\n\n> Does it work?\n\n- [Yes](#resolved-fine)${extra}\n\n## Resolved: Fine\n\nDone.\n`;
}

function setup(): { dir: PlaybookDirectory; options: IndexOptions & { parses: () => number } } {
  const dir: PlaybookDirectory = { path: tempDir('triage-index-pb-'), origin: 'flag' };
  const cacheDir = tempDir('triage-index-cache-');
  let parses = 0;
  const options = {
    cacheDir,
    version: '1.2.3',
    loadParser: async () => {
      parses += 1;
      return parsePlaybook;
    },
    parses: () => parses,
  };
  return { dir, options };
}

/** What the index says, in the terms list/search use. */
function summary(result: IndexResult): unknown[] {
  return result.slots.map((slot) => ('problem' in slot ? { path: slot.path, problem: slot.problem.message } : { path: slot.path, playbook: slot.entry.playbook, errors: slot.entry.errors, links: slot.entry.links }));
}

/** The same, from parsing every file afresh. */
function truth(dir: PlaybookDirectory): unknown[] {
  const loaded = loadPlaybookDirectories([dir]);
  return readdirSync(dir.path)
    .filter((n) => n.endsWith('.md'))
    .sort()
    .map((name) => {
      const path = join(dir.path, name);
      const result = parsePlaybook(readFileSync(path, 'utf8'), { path, dir: dir.path });
      const p = result.playbook;
      expect(p === undefined || loaded.parsed.some((q) => q.path === path)).toBe(true);
      return {
        path,
        playbook: p && { id: p.id, title: p.title, version: p.version, ...(p.summary === undefined ? {} : { summary: p.summary }), tags: p.tags, symptoms: p.symptoms, severity: p.severity },
        errors: result.diagnostics.filter((d) => d.severity === 'error').length,
        links: [...new Set(p?.nodes.flatMap((n) => n.choices.map((c) => c.target.file).filter((f): f is string => Boolean(f))) ?? [])],
      };
    });
}

async function expectCurrent(dir: PlaybookDirectory, options: IndexOptions): Promise<IndexResult> {
  const result = await indexPlaybookFiles([dir], options);
  expect(summary(result)).toEqual(truth(dir));
  return result;
}

/** Sets a file's mtime (and so its ctime) to `seconds` ago: well outside the racy window. */
function age(path: string, seconds = 60): void {
  const when = Date.now() / 1000 - seconds;
  utimesSync(path, when, when);
}

describe('playbook index', () => {
  it('parses each file once, then answers from the index', async () => {
    const { dir, options } = setup();
    for (const id of ['alpha', 'beta', 'gamma']) writeFileSync(join(dir.path, `${id}.md`), playbook(id, `Title ${id}`));
    for (const id of ['alpha', 'beta', 'gamma']) age(join(dir.path, `${id}.md`));
    expect((await expectCurrent(dir, options)).parsed).toBe(3);
    expect((await expectCurrent(dir, options)).parsed).toBe(0);
    expect(options.parses()).toBe(1);
  });

  it('sees edits, additions, renames and deletions on the next call', async () => {
    const { dir, options } = setup();
    const a = join(dir.path, 'alpha.md');
    writeFileSync(a, playbook('alpha', 'First'));
    writeFileSync(join(dir.path, 'beta.md'), playbook('beta', 'Second'));
    await expectCurrent(dir, options);

    writeFileSync(a, playbook('alpha', 'First, now with a much longer title'));
    expect((await expectCurrent(dir, options)).parsed).toBe(1);

    writeFileSync(join(dir.path, 'delta.md'), playbook('delta', 'Added'));
    await expectCurrent(dir, options);

    renameSync(join(dir.path, 'beta.md'), join(dir.path, 'zeta.md'));
    await expectCurrent(dir, options);

    unlinkSync(join(dir.path, 'delta.md'));
    const result = await expectCurrent(dir, options);
    expect(result.slots.map((s) => s.path)).toEqual([a, join(dir.path, 'zeta.md')]);
  });

  it('sees a same-size edit whose mtime is bumped explicitly', async () => {
    const { dir, options } = setup();
    const a = join(dir.path, 'alpha.md');
    writeFileSync(a, playbook('alpha', 'Title AAAA'));
    age(a, 120);
    await expectCurrent(dir, options);
    const before = statSync(a).size;
    writeFileSync(a, playbook('alpha', 'Title BBBB'));
    age(a, 60);
    expect(statSync(a).size).toBe(before);
    expect((await expectCurrent(dir, options)).parsed).toBe(1);
  });

  it('sees a same-size edit that keeps the old mtime (utimes back), and one into a racy entry', async () => {
    const { dir, options } = setup();
    const a = join(dir.path, 'alpha.md');
    writeFileSync(a, playbook('alpha', 'Title AAAA'));
    const { atimeMs, mtimeMs, size } = statSync(a);
    await expectCurrent(dir, options);
    writeFileSync(a, playbook('alpha', 'Title BBBB'));
    utimesSync(a, atimeMs / 1000, mtimeMs / 1000);
    expect(statSync(a).size).toBe(size);
    expect(Math.abs(statSync(a).mtimeMs - mtimeMs)).toBeLessThan(1);
    await expectCurrent(dir, options);
  });

  it('re-checks a racy entry by its content even when size and every timestamp still match', async () => {
    // A file system with coarse timestamps can keep size, mtime and ctime through an edit made
    // right after indexing. Simulate it: after the edit, make the index entry carry the new stat.
    const { dir, options } = setup();
    const a = join(dir.path, 'alpha.md');
    writeFileSync(a, playbook('alpha', 'Title AAAA'));
    await indexPlaybookFiles([dir], options); // indexed right after the write: racy
    writeFileSync(a, playbook('alpha', 'Title BBBB'));
    const stat = statSync(a);
    const indexPath = indexFileFor(options.cacheDir, dir.path);
    const index = JSON.parse(readFileSync(indexPath, 'utf8'));
    Object.assign(index.files[a], { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino });
    writeFileSync(indexPath, JSON.stringify(index));
    expect(index.files[a].checkedAt - Math.max(stat.mtimeMs, stat.ctimeMs)).toBeLessThan(RACY_WINDOW_MS);
    const result = await expectCurrent(dir, options);
    expect(result.parsed).toBe(1);
  });

  it('trusts an entry indexed well after its file last changed, and verifies a racy one by hash', async () => {
    const { dir, options } = setup();
    const a = join(dir.path, 'alpha.md');
    writeFileSync(a, playbook('alpha', 'Title AAAA'));
    // Racy at first: the second call reads the file again, finds the same content, and does not parse.
    await indexPlaybookFiles([dir], options);
    const second = await indexPlaybookFiles([dir], { ...options, now: () => Date.now() + RACY_WINDOW_MS + 1000 });
    expect(second.parsed).toBe(0);
    const entry = JSON.parse(readFileSync(indexFileFor(options.cacheDir, dir.path), 'utf8')).files[a];
    expect(entry.checkedAt - Math.max(entry.mtimeMs, entry.ctimeMs)).toBeGreaterThanOrEqual(RACY_WINDOW_MS);
  });

  it('gives the same results after the cache is deleted', async () => {
    const { dir, options } = setup();
    writeFileSync(join(dir.path, 'alpha.md'), playbook('alpha', 'First'));
    writeFileSync(join(dir.path, 'broken.md'), '---\nid: broken\ntitle: Broken\nversion: 1.0\n---\n\n## Start\n');
    const first = summary(await expectCurrent(dir, options));
    rmSync(options.cacheDir, { recursive: true, force: true });
    expect(summary(await expectCurrent(dir, options))).toEqual(first);
  });

  it.each([
    ['garbage', 'not json at all'],
    ['truncated JSON', '{"format":1,"triage":"1.2.3","files":{"'],
    ['another version', JSON.stringify({ format: 1, triage: '9.9.9', dir: '', files: {} })],
    ['entries of the wrong shape', 'SHAPE'],
    ['an empty file', ''],
  ])('rebuilds a corrupt index silently: %s', async (_name, content) => {
    const { dir, options } = setup();
    const a = join(dir.path, 'alpha.md');
    writeFileSync(a, playbook('alpha', 'First'));
    age(a);
    await expectCurrent(dir, options);
    const indexPath = indexFileFor(options.cacheDir, dir.path);
    if (content === 'SHAPE') {
      const index = JSON.parse(readFileSync(indexPath, 'utf8'));
      index.files[a] = { ...index.files[a], playbook: { id: 42 }, links: 'nope' };
      writeFileSync(indexPath, JSON.stringify(index));
    } else {
      writeFileSync(indexPath, content);
    }
    writeFileSync(a, playbook('alpha', 'Changed while the index was broken'));
    age(a);
    const result = await expectCurrent(dir, options);
    expect(result.parsed).toBe(1);
    expect(JSON.parse(readFileSync(indexPath, 'utf8')).files[a].playbook.title).toBe('Changed while the index was broken');
  });

  it('stays correct when several callers index and write at once', async () => {
    const { dir, options } = setup();
    for (let i = 0; i < 30; i++) writeFileSync(join(dir.path, `p${i}.md`), playbook(`p${i}`, `Playbook ${i}`));
    const results = await Promise.all([1, 2, 3, 4].map(() => indexPlaybookFiles([dir], options)));
    for (const result of results) expect(summary(result)).toEqual(truth(dir));
    expect(() => JSON.parse(readFileSync(indexFileFor(options.cacheDir, dir.path), 'utf8'))).not.toThrow();
    expect(readdirSync(join(options.cacheDir, 'playbook-index')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    await expectCurrent(dir, options);
  });

  it('reports files it cannot read, and a cache directory it cannot write costs nothing but time', async () => {
    const { dir, options } = setup();
    writeFileSync(join(dir.path, 'alpha.md'), playbook('alpha', 'First'));
    const blocked = join(tempDir('triage-index-file-'), 'not-a-dir');
    writeFileSync(blocked, 'a file where the cache directory should be');
    const result = await indexPlaybookFiles([dir], { ...options, cacheDir: blocked });
    expect(summary(result)).toEqual(truth(dir));
    expect((await indexPlaybookFiles([dir], { ...options, cacheDir: blocked })).parsed).toBe(1);
  });
});

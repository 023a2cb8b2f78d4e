import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TriageError } from '../../src/core/errors.js';
import { openSessionStore } from '../../src/io/session-store.js';
import { caseRecord } from '../helpers/case-records.js';

const temps: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'triage-sessions-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function caught(fn: () => unknown): TriageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TriageError);
    return error as TriageError;
  }
  throw new Error('expected a TriageError');
}

const open1 = caseRecord({ id: 'TRI-20261101-AAAA', status: 'open', startedAt: '2026-11-01T10:00:00.000Z', minutes: 1 });
const open2 = caseRecord({ id: 'TRI-20261101-BBBB', status: 'open', startedAt: '2026-11-01T11:00:00.000Z', minutes: 1 });

describe('session store', () => {
  it('saves and loads a case unchanged, in <data>/sessions/<id>.json, readable by the user only', () => {
    const store = openSessionStore(dataDir());
    store.save(open1);
    expect(store.load(open1.id)).toEqual(open1);
    const file = join(store.dir, `${open1.id}.json`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(open1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('replaces the file atomically (a new file renamed over the old one) and leaves no temp files', () => {
    const store = openSessionStore(dataDir());
    store.save(open1);
    const file = join(store.dir, `${open1.id}.json`);
    const before = statSync(file).ino;
    const updated = { ...open1, updatedAt: '2026-11-01T10:30:00.000Z', inputs: [...open1.inputs, { kind: 'answer', key: 'x', value: 'y' }] } as typeof open1;
    store.save(updated);
    // An in-place write would keep the inode; write-then-rename gives the path a new one, so a
    // reader (or a crash) only ever sees the old or the new file whole.
    expect(statSync(file).ino).not.toBe(before);
    expect(store.load(open1.id)).toEqual(updated);
    expect(readdirSync(store.dir)).toEqual([`${open1.id}.json`]);
  });

  it('lists open sessions, most recently updated first, and leaves finished ones out', () => {
    const store = openSessionStore(dataDir());
    store.save(open1);
    store.save(open2);
    store.save(caseRecord({ id: 'TRI-20261101-DONE', status: 'done' }));
    const { sessions, problems } = store.listOpen();
    expect(sessions.map((s) => s.id)).toEqual([open2.id, open1.id]);
    expect(problems).toEqual([]);
  });

  it('lists nothing, without error, before the first session was saved', () => {
    expect(openSessionStore(dataDir()).listOpen()).toEqual({ sessions: [], problems: [] });
  });

  it('sets a corrupt session aside on load, keeps its bytes, and says where (exit 2)', () => {
    const store = openSessionStore(dataDir());
    mkdirSync(store.dir, { recursive: true });
    const file = join(store.dir, 'TRI-20261101-CCCC.json');
    writeFileSync(file, '{"id": "TRI-20261101-CCCC", "inputs": [');
    const error = caught(() => store.load('TRI-20261101-CCCC'));
    expect(error.code).toBe('session/corrupt');
    expect(error.exitCode).toBe(2);
    expect(error.file).toBe(file);
    expect(existsSync(file)).toBe(false);
    const backups = readdirSync(store.dir).filter((n) => n.startsWith('TRI-20261101-CCCC.json.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(store.dir, backups[0]!), 'utf8')).toBe('{"id": "TRI-20261101-CCCC", "inputs": [');
    expect(error.hint).toContain(join(store.dir, backups[0]!));
  });

  it.each([
    ['truncated JSON', '{"id": "x", "inpu'],
    ['JSON that is not a session', '{"hello": "world"}'],
    ['a JSON array', '[1, 2, 3]'],
    ['an empty file', ''],
  ])('listOpen sets aside %s, reports it, and still lists the good sessions', (_, text) => {
    const store = openSessionStore(dataDir());
    store.save(open1);
    const bad = join(store.dir, 'TRI-20261101-BAD0.json');
    writeFileSync(bad, text);
    const { sessions, problems } = store.listOpen();
    expect(sessions.map((s) => s.id)).toEqual([open1.id]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} was damaged and has been kept as .*\\.corrupt-`));
    expect(existsSync(bad)).toBe(false);
    // Set aside once: the next listing is clean.
    expect(store.listOpen().problems).toEqual([]);
  });

  it('says there is no such session (exit 2) for an unknown case id', () => {
    const error = caught(() => openSessionStore(dataDir()).load('TRI-20261101-NONE'));
    expect(error).toMatchObject({ code: 'session/not-found', exitCode: 2 });
    expect(error.message).toContain('TRI-20261101-NONE');
  });

  it.each(['../escape', 'a/b', '', '.hidden', 'x'.repeat(200)])('rejects the case id %j before touching the disk', (id) => {
    const store = openSessionStore(dataDir());
    expect(caught(() => store.load(id)).code).toBe('case/invalid-id');
    expect(caught(() => store.save({ ...open1, id })).code).toBe('case/invalid-id');
    expect(existsSync(store.dir)).toBe(false);
  });

  it('turns a failed write into a TriageError that names the directory, not a stack trace', () => {
    const root = dataDir();
    writeFileSync(join(root, 'data-is-a-file'), '');
    const store = openSessionStore(join(root, 'data-is-a-file'));
    const error = caught(() => store.save(open1));
    expect(error.code).toBe('session/write-failed');
    expect(error.message).toContain(join(root, 'data-is-a-file', 'sessions'));
    expect(error.hint).toMatch(/TRIAGE_DATA_DIR/);
  });

  it('removes a session, and removing a missing one is not an error', () => {
    const store = openSessionStore(dataDir());
    store.save(open1);
    store.remove(open1.id);
    expect(existsSync(join(store.dir, `${open1.id}.json`))).toBe(false);
    expect(() => store.remove(open1.id)).not.toThrow();
  });
});

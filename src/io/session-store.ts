/**
 * In-progress cases, one JSON file each under <data>/sessions/, rewritten atomically (temp file +
 * rename) after every answer, so Ctrl-C, a crash or a kill -9 loses at most the answer being typed.
 * A corrupt file is moved aside (kept as a backup) and reported, never silently dropped.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseRecord } from '../core/case-record.js';
import { TriageError } from '../core/errors.js';
import { writeFileAtomically } from './atomic-write.js';

export interface SessionStore {
  readonly dir: string;
  save(record: CaseRecord): void;
  load(caseId: string): CaseRecord;
  /**
   * Open sessions, most recently updated first. With `finished`, also finished ones, which are
   * left only when the history never got them (the process died between the two, or the history
   * could not be written): `resume` records those. Corrupt files are set aside and listed in
   * `problems`.
   */
  listOpen(options?: { readonly finished?: boolean }): { sessions: CaseRecord[]; problems: string[] };
  remove(caseId: string): void;
  /**
   * What `load(caseId)` (or, without an id, the first of `listOpen({ finished: true })`) would
   * return, or undefined; never moves a damaged file aside, so the real load still reports it.
   */
  peek(caseId?: string): CaseRecord | undefined;
}

/** Why a write failed, in words (Node's recursive mkdir reports a read-only file system as ENOENT). */
const WRITE_FAILURES: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full (ENOSPC)',
  EROFS: 'the file system is read-only (EROFS)',
  EACCES: 'permission denied (EACCES)',
  EPERM: 'permission denied (EPERM)',
  ENOENT: 'the directory cannot be created: read-only, or a parent is missing (ENOENT)',
  ENOTDIR: 'a part of the path is a file, not a directory (ENOTDIR)',
  EEXIST: 'a file is in the way of the directory (EEXIST)',
  EDQUOT: 'the disk quota is exceeded (EDQUOT)',
};

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function openSessionStore(dataDir: string): SessionStore {
  const dir = join(dataDir, 'sessions');
  const fileOf = (id: string): string => {
    if (!SAFE_ID.test(id)) {
      throw new TriageError('case/invalid-id', `"${id}" is not a valid case id.`, { hint: 'Case ids look like TRI-20261127-7F3A; `triage cases list` shows them.' });
    }
    return join(dir, `${id}.json`);
  };
  const read = (path: string): CaseRecord => {
    const text = readFileSync(path, 'utf8');
    const record = JSON.parse(text) as CaseRecord;
    if (typeof record !== 'object' || record === null || typeof record.id !== 'string' || !Array.isArray(record.inputs)) {
      throw new SyntaxError('not a triage session');
    }
    return record;
  };
  const setAside = (path: string): string => {
    const backup = `${path}.corrupt-${process.pid}-${Date.now()}`;
    try {
      renameSync(path, backup);
    } catch {
      /* already moved by another process */
    }
    return backup;
  };
  return {
    dir,
    save(record) {
      const file = fileOf(record.id); // an invalid id is refused before anything is created
      try {
        // Sessions hold customers' answers: the data directory is the user's alone (0700).
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        writeFileAtomically(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
      } catch (error) {
        if (error instanceof TriageError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        throw new TriageError('session/write-failed', `Could not save the session to ${dir}: ${WRITE_FAILURES[code ?? ''] ?? code ?? (error as Error).message}.`, {
          hint:
            code === 'ENOSPC'
              ? 'The disk is full. Free some space; the answers so far are still in this terminal.'
              : `Check that ${dataDir} is writable, or set TRIAGE_DATA_DIR to a directory that is.`,
          cause: error,
        });
      }
    },
    load(caseId) {
      const path = fileOf(caseId);
      try {
        return read(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new TriageError('session/not-found', `No interrupted case ${caseId}.`, { hint: '`triage resume` with no case continues the latest one; `triage cases list` shows finished cases.' });
        }
        const backup = setAside(path);
        throw new TriageError('session/corrupt', `The saved session ${caseId} is damaged and cannot be resumed (${(error as Error).message}).`, {
          file: path,
          hint: `It was kept as ${backup}. Start the case again with \`triage run\`.`,
        });
      }
    },
    listOpen(options = {}) {
      const problems: string[] = [];
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.json'));
      } catch {
        return { sessions: [], problems };
      }
      const sessions: CaseRecord[] = [];
      for (const name of names) {
        const path = join(dir, name);
        try {
          const record = read(path);
          if (record.status === 'open' || (options.finished && record.status === 'done')) sessions.push(record);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          problems.push(`${path} was damaged and has been kept as ${setAside(path)}`);
        }
      }
      sessions.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
      return { sessions, problems };
    },
    peek(caseId) {
      const attempt = (path: string): CaseRecord | undefined => {
        try {
          return read(path);
        } catch {
          return undefined;
        }
      };
      if (caseId !== undefined) return SAFE_ID.test(caseId) ? attempt(fileOf(caseId)) : undefined;
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.json'));
      } catch {
        return undefined;
      }
      const records = names.map((n) => attempt(join(dir, n))).filter((r): r is CaseRecord => r !== undefined && (r.status === 'open' || r.status === 'done'));
      return records.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0))[0];
    },
    remove(caseId) {
      const path = fileOf(caseId);
      try {
        unlinkSync(path); // not rmSync: its first call loads a recursive-delete module
      } catch {
        // Best effort: this runs on the way out of failed runs too, where an error here (the data
        // directory is a file, or read-only) would hide the one that matters.
      }
    },
  };
}

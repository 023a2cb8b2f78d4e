/**
 * The case history: every case, stored. SQLite in the user's data directory by default; a shared
 * PostgreSQL when `TRIAGE_DATABASE_URL=postgres://...` (see docs/history.md).
 *
 * This module is cheap to import: the backends and their drivers (better-sqlite3, pg) load with
 * import() on the first call that needs the database, so a start-up path can hold a store
 * without paying for it.
 */
import { join } from 'node:path';
import type { CaseRecord } from '../core/case-record.js';
import type { CaseFilter, CaseSummary, SearchHit, SearchOptions } from '../core/case-query.js';
import type { CaseStats } from '../core/case-stats.js';
import { TriageError } from '../core/errors.js';
import { triagePaths } from './paths.js';

export type { CaseFilter, CaseSummary, SearchHit, SearchOptions } from '../core/case-query.js';
export type { CaseStats } from '../core/case-stats.js';

/** What a save did: a new case, a newer version of a known case, or nothing (same or older save). */
export type UpsertResult = 'inserted' | 'updated' | 'unchanged';

export interface CaseStore {
  /** `sqlite` or `postgres`. */
  readonly backend: 'sqlite' | 'postgres';
  /** Where the cases are: a file path, or the database URL without its password. */
  readonly location: string;
  /** Ids of damaged rows that lists, searches and exports skipped so far. */
  readonly damaged: readonly string[];
  /**
   * Saves a case (transactional, idempotent by id). A save whose `updatedAt` is older than the
   * stored one is ignored, so a late or repeated save never undoes a later one.
   */
  upsertCase(record: CaseRecord): Promise<UpsertResult>;
  /** Many saves in one transaction (import, benchmarks). */
  upsertCases(records: readonly CaseRecord[]): Promise<Record<UpsertResult, number>>;
  /**
   * By exact id, else by unique prefix (case-insensitive). Undefined when nothing matches; throws
   * a TriageError (exit 2) listing candidates when the prefix is ambiguous.
   */
  getCase(idOrPrefix: string): Promise<CaseRecord | undefined>;
  /** Most recent first. */
  listCases(filter?: CaseFilter): Promise<CaseSummary[]>;
  countCases(filter?: CaseFilter): Promise<number>;
  /** Ranked full-text search with snippets; the `customer`'s own cases first when given. */
  searchCases(text: string, options?: SearchOptions): Promise<SearchHit[]>;
  stats(filter?: CaseFilter): Promise<CaseStats>;
  /** The given cases (ids or prefixes, in that order), or every case oldest first, streamed. */
  exportCases(ids?: readonly string[]): AsyncIterable<CaseRecord>;
  /**
   * Deletes cases whose last activity (`updatedAt`) is more than `olderThanMs` before `nowMs`.
   * Returns how many were (or, with `dryRun`, would be) removed.
   */
  purge(olderThanMs: number, nowMs: number, options?: { readonly dryRun?: boolean }): Promise<number>;
  close(): Promise<void>;
}

export interface CaseStoreOptions {
  /** SQLite: the directory holding `cases.db` (default: the user's data directory). */
  readonly dataDir?: string;
  /** `postgres://...` selects PostgreSQL (default: `TRIAGE_DATABASE_URL`). */
  readonly databaseUrl?: string;
  /** Where `TRIAGE_DATABASE_URL` / `TRIAGE_DATA_DIR` / XDG variables are read from. */
  readonly env?: NodeJS.ProcessEnv;
}

export const SQLITE_FILE_NAME = 'cases.db';

export type CaseStoreTarget =
  | { readonly backend: 'sqlite'; readonly file: string }
  | { readonly backend: 'postgres'; readonly url: string };

/** Decides where the history is without touching it. */
export function caseStoreTarget(options: CaseStoreOptions = {}): CaseStoreTarget {
  const env = options.env ?? process.env;
  const url = options.databaseUrl ?? (env.TRIAGE_DATABASE_URL || undefined);
  if (url !== undefined && url.trim() !== '') {
    if (/^postgres(ql)?:\/\//i.test(url.trim())) return { backend: 'postgres', url: url.trim() };
    throw new TriageError('database-url', `TRIAGE_DATABASE_URL is not a PostgreSQL URL: ${redactUrl(url)}.`, {
      hint: 'Use postgres://user:password@host:5432/database, or unset it to keep the history in a local SQLite file.',
    });
  }
  const dir = options.dataDir ?? triagePaths(env).data;
  return { backend: 'sqlite', file: join(dir, SQLITE_FILE_NAME) };
}

/** `text` (a driver's error message) with the URL's password and the URL itself taken out. */
export function withoutUrlSecrets(text: string, url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/+/i.exec(url)?.[0] ?? '';
  const rest = url.slice(scheme.length);
  const userinfo = rest.slice(0, Math.max(0, rest.lastIndexOf('@')));
  const password = userinfo.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : '';
  let out = text.split(url).join(redactUrl(url));
  if (password.length > 0) out = out.split(password).join('***');
  return out;
}

/**
 * The URL with any password replaced, for messages, however malformed it is: everything between
 * the user name and the last `@` (passwords may contain `@`, `/` or `:`), and `password=` query
 * parameters. Without a scheme or a user part, a `user:secret@host` shape is still caught.
 */
export function redactUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/+/i.exec(url)?.[0] ?? '';
  let rest = url.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    rest = `${colon >= 0 ? `${userinfo.slice(0, colon)}:***` : userinfo}@${rest.slice(at + 1)}`;
  }
  return `${scheme}${rest}`.replace(/([?&;\s](?:password|passwd|pwd|sslpassword)=)[^&;\s]*/gi, '$1***');
}

/**
 * Opens the case history lazily: nothing is loaded or connected until the first method call, and
 * `close()` on a store never used costs nothing. Connection and migration errors surface from
 * that first call.
 */
export async function openCaseStore(options: CaseStoreOptions = {}): Promise<CaseStore> {
  const target = caseStoreTarget(options);
  let opened: Promise<CaseStore> | undefined;
  let resolved: CaseStore | undefined;
  const backend = (): Promise<CaseStore> => {
    opened ??= (async () => {
      if (target.backend === 'postgres') {
        const { openPostgresCaseStore } = await import('./case-store-postgres.js');
        return openPostgresCaseStore(target.url, options.env ?? process.env);
      }
      const { openSqliteCaseStore } = await import('./case-store-sqlite.js');
      return openSqliteCaseStore(target.file);
    })().then((store) => (resolved = store));
    return opened;
  };
  return {
    backend: target.backend,
    location: target.backend === 'postgres' ? redactUrl(target.url) : target.file,
    get damaged() {
      return resolved?.damaged ?? [];
    },
    upsertCase: async (record) => (await backend()).upsertCase(record),
    upsertCases: async (records) => (await backend()).upsertCases(records),
    getCase: async (id) => (await backend()).getCase(id),
    listCases: async (filter) => (await backend()).listCases(filter),
    countCases: async (filter) => (await backend()).countCases(filter),
    searchCases: async (text, searchOptions) => (await backend()).searchCases(text, searchOptions),
    stats: async (filter) => (await backend()).stats(filter),
    exportCases: (ids) => ({
      async *[Symbol.asyncIterator]() {
        yield* (await backend()).exportCases(ids);
      },
    }),
    purge: async (olderThanMs, nowMs, purgeOptions) => (await backend()).purge(olderThanMs, nowMs, purgeOptions),
    close: async () => {
      if (opened === undefined) return;
      const store = await opened.catch(() => undefined);
      opened = undefined;
      await store?.close();
    },
  };
}

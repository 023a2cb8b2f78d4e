/**
 * The case history in one SQLite file (better-sqlite3). WAL lets readers and a writer work at
 * once; every write is one IMMEDIATE transaction (takes the write lock up front, so two processes
 * never deadlock upgrading a read lock) and waits up to `BUSY_TIMEOUT_MS` for another writer.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CaseRecord } from '../core/case-record.js';
import {
  CASE_COLUMNS,
  caseRowOf,
  customerKey,
  SNIPPET_END,
  SNIPPET_START,
  summaryOf,
  toFts5Query,
  type CaseFilter,
  type CaseSummary,
  type SearchHit,
  type SearchOptions,
} from '../core/case-query.js';
import { buildCaseStats, type CaseStats, type CountRow, type EscalationRow, type FirstContactRow, type MedianRow } from '../core/case-stats.js';
import { TriageError } from '../core/errors.js';
import type { CaseStore, UpsertResult } from './case-store.js';
import {
  ambiguousCaseError,
  andWhere,
  escapeLike,
  limitClause,
  parseStoredRecord,
  storedRecordOrSkip,
  statsQueries,
  whereClause,
} from './case-store-sql.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, SCHEMA_MIGRATIONS_TABLE } from './migrations/index.js';

export const BUSY_TIMEOUT_MS = 15_000;
const EXPORT_PAGE = 500;

/** bm25 weights in FTS column order: customer, description, playbook title, outcome title, answers, body. */
const BM25_WEIGHTS = '2.0, 4.0, 2.0, 3.0, 1.0, 1.0';

type Db = Database.Database;

/**
 * better-sqlite3's compiled addon, named directly: without it the package asks `bindings`, which
 * probes a dozen candidate paths (several ms of every recorded run). Undefined, and so the
 * package's own lookup, when the addon is not where an npm install puts it.
 */
function nativeBinding(): string | undefined {
  try {
    const file = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3')), '..', 'build', 'Release', 'better_sqlite3.node');
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

function migrate(db: Db, file: string): void {
  const current = (): number =>
    (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  // Fast path without the write lock: already up to date (the usual case).
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (hasTable && current() === LATEST_SCHEMA_VERSION) return;
  db.transaction(() => {
    db.exec(SCHEMA_MIGRATIONS_TABLE);
    const version = current();
    if (version > LATEST_SCHEMA_VERSION) {
      throw new TriageError('schema-newer', `The case history ${file} has schema version ${version}; this triage knows up to ${LATEST_SCHEMA_VERSION}.`, {
        hint: 'Upgrade triage (a newer version wrote this history).',
      });
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of MIGRATIONS) {
      if (migration.version <= version) continue;
      for (const statement of migration.sqlite) db.exec(statement);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION}`);
  }).immediate();
}

export function openSqliteCaseStore(file: string): CaseStore {
  const dir = dirname(file);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const isNew = !existsSync(file);
  let db: Db;
  try {
    const binding = nativeBinding();
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS, ...(binding ? { nativeBinding: binding } : {}) });
  } catch (error) {
    const reader = isNew ? undefined : openForReading(file, error);
    if (reader) return reader;
    throw new TriageError('database-open', `Cannot open the case history ${file}: ${(error as Error).message}.`, {
      hint: 'Check that the directory is writable, or set TRIAGE_DATA_DIR to another directory.',
      cause: error,
    });
  }
  // Cases hold customer data: only the user may read the file (SQLite gives -wal/-shm the same mode).
  if (isNew) {
    try {
      chmodSync(file, 0o600);
    } catch {
      // Not fatal: another process may have created it first with its own mode.
    }
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Switching to WAL needs a moment of exclusive access; busy_timeout covers a racing opener.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
  } catch (error) {
    db.close();
    if (error instanceof TriageError) throw error;
    const reader = isNew ? undefined : openForReading(file, error);
    if (reader) return reader;
    // A read-only file or directory is not damage: moving the history aside would lose nothing
    // but the user's trust. SQLite writes its WAL files beside the database even to read it.
    const readOnly = /^SQLITE_READONLY/.test(String((error as { code?: unknown }).code ?? ''));
    throw new TriageError('database-open', `Cannot use the case history ${file}: ${(error as Error).message}.`, {
      hint: readOnly
        ? `The history or its directory ${dir} is read-only. Make ${dir} writable, or copy cases.db to a writable directory and set TRIAGE_DATA_DIR to it.`
        : 'If the file is damaged, move it aside; triage starts a new history.',
      cause: error,
    });
  }
  return new SqliteCaseStore(db, file, false);
}

const CANNOT_WRITE = /^SQLITE_(READONLY|CANTOPEN|PERM|AUTH|IOERR)/;

/**
 * A history that cannot be opened for writing (a read-only file or directory) is opened for
 * reading only. SQLite in WAL mode creates `-shm`/`-wal` beside the database even to read it;
 * where it cannot, triage reads a copy of the file in memory (its header switched from WAL to the
 * rollback journal, which an in-memory copy needs). Nothing writes to such a history anyway; a
 * `-wal` left beside it by a process that crashed is not read. Undefined when the failure was not
 * about write access, or reading fails too: the caller reports the first error.
 */
function openForReading(file: string, error: unknown): SqliteCaseStore | undefined {
  if (!CANNOT_WRITE.test(String((error as { code?: unknown }).code ?? ''))) return undefined;
  const inMemory = (): Db => {
    const image = readFileSync(file);
    // Bytes 18 and 19 are the write and read format versions: 2 is WAL, 1 the rollback journal.
    if (image.length >= 20 && image[18] === 2 && image[19] === 2) image[18] = image[19] = 1;
    const binding = nativeBinding();
    return new Database(image, { readonly: true, ...(binding ? { nativeBinding: binding } : {}) });
  };
  const onDisk = (): Db => {
    const binding = nativeBinding();
    return new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS, ...(binding ? { nativeBinding: binding } : {}) });
  };
  const attempts = [onDisk, inMemory];
  for (const attempt of attempts) {
    let db: Db | undefined;
    try {
      db = attempt();
      const version = (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
      db.prepare('SELECT COUNT(*) FROM cases').get();
      if (version !== LATEST_SCHEMA_VERSION) {
        db.close();
        throw new TriageError('database-read-only', `The case history ${file} is read-only and has schema version ${version}; this triage reads version ${LATEST_SCHEMA_VERSION}.`, {
          hint: `Make ${dirname(file)} and the file writable once, so triage can upgrade it.`,
        });
      }
      return new SqliteCaseStore(db, file, true);
    } catch (failure) {
      if (failure instanceof TriageError) throw failure;
      if (db?.open) db.close();
    }
  }
  return undefined;
}

function readOnlyError(file: string, what: string): TriageError {
  return new TriageError('database-read-only', `Cannot ${what}: the case history ${file} is read-only (it was opened for reading only).`, {
    hint: `A new run, \`cases import\` and \`cases purge\` write to the history and need write access to ${dirname(file)} and the file. Reading (\`cases list/show/search/stats/export\`) works as it is.`,
  });
}

class SqliteCaseStore implements CaseStore {
  readonly backend = 'sqlite' as const;
  readonly location: string;
  readonly damaged: string[] = [];
  private readonly db: Db;
  /** Opened for reading only (read-only file or directory): every write says so. */
  readonly readOnly: boolean;
  private readonly upsertOne: (record: CaseRecord) => UpsertResult;
  private readonly upsertMany: (records: readonly CaseRecord[]) => Record<UpsertResult, number>;

  constructor(db: Db, file: string, readOnly: boolean) {
    this.db = db;
    this.location = file;
    this.readOnly = readOnly;
    const columns = CASE_COLUMNS.join(', ');
    const values = CASE_COLUMNS.map((c) => `@${c}`).join(', ');
    const updates = CASE_COLUMNS.filter((c) => c !== 'id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    const existing = db.prepare('SELECT updated_ms, record FROM cases WHERE id = ?');
    const insert = db.prepare(`INSERT INTO cases (${columns}, stored_ms) VALUES (${values}, @stored_ms)
      ON CONFLICT (id) DO UPDATE SET ${updates}, stored_ms = excluded.stored_ms`);
    const save = (record: CaseRecord): UpsertResult => {
      const row = caseRowOf(record);
      const before = existing.get(row.id) as { updated_ms: number; record: string } | undefined;
      if (before && (before.updated_ms > row.updated_ms || before.record === row.record)) return 'unchanged';
      insert.run({ ...row, stored_ms: Date.now() });
      return before ? 'updated' : 'inserted';
    };
    const one = db.transaction(save);
    this.upsertOne = (record) => one.immediate(record);
    const many = db.transaction((records: readonly CaseRecord[]) => {
      const counts: Record<UpsertResult, number> = { inserted: 0, updated: 0, unchanged: 0 };
      for (const record of records) counts[save(record)] += 1;
      return counts;
    });
    this.upsertMany = (records) => many.immediate(records);
  }

  async upsertCase(record: CaseRecord): Promise<UpsertResult> {
    if (this.readOnly) throw readOnlyError(this.location, `save case ${record.id}`);
    return this.upsertOne(record);
  }

  async upsertCases(records: readonly CaseRecord[]): Promise<Record<UpsertResult, number>> {
    if (this.readOnly) throw readOnlyError(this.location, 'save cases');
    return this.upsertMany(records);
  }

  async getCase(idOrPrefix: string): Promise<CaseRecord | undefined> {
    const id = idOrPrefix.trim();
    if (id === '') return undefined;
    const exact = this.db.prepare('SELECT record FROM cases WHERE id = ?').get(id) as { record: string } | undefined;
    if (exact) return parseStoredRecord(exact.record, id);
    // LIKE is case-insensitive for ASCII in SQLite: `tri-2026` finds `TRI-2026...`.
    const rows = this.db
      .prepare(`SELECT id, record FROM cases WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 5`)
      .all(`${escapeLike(id)}%`) as { id: string; record: string }[];
    if (rows.length === 0) return undefined;
    if (rows.length > 1) throw ambiguousCaseError(id, rows.map((r) => r.id));
    return parseStoredRecord(rows[0]!.record, rows[0]!.id);
  }

  async listCases(filter: CaseFilter = {}): Promise<CaseSummary[]> {
    const where = whereClause(filter);
    const rows = this.db
      .prepare(`SELECT id, record FROM cases ${where.sql} ORDER BY started_ms DESC, id DESC${limitClause(filter.limit)}`)
      .all(...where.params) as { id: string; record: string }[];
    return rows.flatMap((r) => {
      const record = storedRecordOrSkip(r.record, r.id, this.damaged);
      return record ? [summaryOf(record)] : [];
    });
  }

  async countCases(filter: CaseFilter = {}): Promise<number> {
    const where = whereClause(filter);
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM cases ${where.sql}`).get(...where.params) as { n: number }).n;
  }

  async searchCases(text: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const query = toFts5Query(text, options.match);
    if (query === undefined) return [];
    const limit = options.limit ?? 20;
    const key = customerKey(options.customer);
    const where = andWhere(whereClause(options.filter, 'c'), 'cases_fts MATCH ?', [query]);
    // Rank first, then build snippets and parse records for the few rows shown only.
    // (better-sqlite3 binds JS numbers as REAL, and FTS5 silently ignores a REAL rowid
    // constraint: hence the CAST below.)
    let ranked: { seq: number; score: number; same: number }[];
    try {
      ranked = this.db
        .prepare(
          `SELECT c.seq AS seq, -bm25(cases_fts, ${BM25_WEIGHTS}) AS score, (c.customer_key = ? AND ? <> '') AS same
           FROM cases_fts JOIN cases c ON c.seq = cases_fts.rowid
           ${where.sql}
           ORDER BY same DESC, score DESC, c.started_ms DESC
           LIMIT ?`,
        )
        .all(key, key, ...where.params, limit) as { seq: number; score: number; same: number }[];
    } catch (error) {
      throw new TriageError('search-syntax', `Cannot search for ${JSON.stringify(text)}: ${(error as Error).message}.`, {
        hint: 'Search for plain words; "quote a phrase", -exclude a word, `a or b` for either.',
        cause: error,
      });
    }
    if (ranked.length === 0) return [];
    const details = this.db.prepare(
      `SELECT c.id AS id, c.record AS record,
         snippet(cases_fts, 1, '${SNIPPET_START}', '${SNIPPET_END}', '…', 16) AS in_description,
         snippet(cases_fts, -1, '${SNIPPET_START}', '${SNIPPET_END}', '…', 16) AS best
       FROM cases_fts JOIN cases c ON c.seq = cases_fts.rowid
       WHERE cases_fts MATCH ? AND cases_fts.rowid = CAST(? AS INTEGER)`,
    );
    return ranked.flatMap((hit) => {
      const row = details.get(query, hit.seq) as { id: string; record: string; in_description: string; best: string };
      const record = storedRecordOrSkip(row.record, row.id, this.damaged);
      if (!record) return [];
      // The customer's own words read best, when they match; else the best-matching field.
      const snippet = row.in_description.includes(SNIPPET_START) ? row.in_description : row.best;
      return {
        record,
        score: hit.score,
        snippet: snippet.replace(/\s+/g, ' ').trim(),
        sameCustomer: hit.same === 1,
      };
    });
  }

  async stats(filter: CaseFilter = {}): Promise<CaseStats> {
    const q = statsQueries(filter);
    const all = <T>(query: { sql: string; params: (string | number | null)[] }): T[] =>
      this.db.prepare(query.sql).all(...query.params) as T[];
    // One read transaction: the four queries see the same snapshot.
    const rows = this.db.transaction(() => ({
      counts: all<CountRow>(q.counts),
      firstContacts: all<FirstContactRow>(q.firstContacts),
      medians: all<MedianRow>(q.medians),
      escalations: all<EscalationRow>(q.escalations),
    }))();
    return buildCaseStats(rows, { sinceMs: filter.sinceMs });
  }

  exportCases(ids?: readonly string[]): AsyncIterable<CaseRecord> {
    const store = this;
    return {
      async *[Symbol.asyncIterator]() {
        if (ids !== undefined) {
          for (const id of ids) {
            const record = await store.getCase(id);
            if (record) yield record;
          }
          return;
        }
        // Oldest first, a page at a time (keyset), so the consumer may await between rows without
        // holding a statement open across other processes' writes.
        const page = store.db.prepare(`SELECT started_ms, id, record FROM cases WHERE (started_ms, id) > (?, ?) ORDER BY started_ms, id LIMIT ${EXPORT_PAGE}`);
        let after: [number, string] = [Number.MIN_SAFE_INTEGER, ''];
        for (;;) {
          const rows = page.all(...after) as { started_ms: number; id: string; record: string }[];
          for (const row of rows) {
            const record = storedRecordOrSkip(row.record, row.id, store.damaged);
            if (record) yield record;
          }
          if (rows.length < EXPORT_PAGE) return;
          const last = rows[rows.length - 1]!;
          after = [last.started_ms, last.id];
        }
      },
    };
  }

  async purge(olderThanMs: number, nowMs: number, options: { readonly dryRun?: boolean } = {}): Promise<number> {
    const cutoff = nowMs - olderThanMs;
    if (options.dryRun) {
      return (this.db.prepare('SELECT COUNT(*) AS n FROM cases WHERE updated_ms < ?').get(cutoff) as { n: number }).n;
    }
    if (this.readOnly) throw readOnlyError(this.location, 'purge cases');
    return this.db.transaction(() => this.db.prepare('DELETE FROM cases WHERE updated_ms < ?').run(cutoff).changes).immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

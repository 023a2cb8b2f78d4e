/**
 * The case history in a shared PostgreSQL database (`pg`, pure JavaScript), for teams: the same
 * tables and queries as SQLite (src/io/case-store-sql.ts), full-text search through a generated
 * tsvector column, `websearch_to_tsquery`, `ts_rank` and `ts_headline`.
 */
import pg from 'pg';
import type { CaseRecord } from '../core/case-record.js';
import {
  CASE_COLUMNS,
  caseRowOf,
  customerKey,
  SNIPPET_END,
  SNIPPET_START,
  summaryOf,
  toWebsearchQuery,
  type CaseFilter,
  type CaseSummary,
  type SearchHit,
  type SearchOptions,
} from '../core/case-query.js';
import { buildCaseStats, type CaseStats, type CountRow, type EscalationRow, type FirstContactRow, type MedianRow } from '../core/case-stats.js';
import { TriageError } from '../core/errors.js';
import { redactUrl, withoutUrlSecrets, type CaseStore, type UpsertResult } from './case-store.js';
import {
  ambiguousCaseError,
  andWhere,
  escapeLike,
  limitClause,
  numberPlaceholders,
  parseStoredRecord,
  storedRecordOrSkip,
  statsQueries,
  whereClause,
  type SqlValue,
} from './case-store-sql.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, SCHEMA_MIGRATIONS_TABLE } from './migrations/index.js';

/** pg_advisory_xact_lock key that serialises migrations between agents starting at once ("triage"). */
const MIGRATION_LOCK = 0x7472_6961;
const EXPORT_PAGE = 500;
const INT8_OID = 20;

type Queryable = pg.Pool | pg.PoolClient;

async function query<T extends pg.QueryResultRow>(db: Queryable, sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
  const result = await db.query<T>(numberPlaceholders(sql), [...params]);
  return result.rows;
}

function connectionError(url: string, error: unknown): TriageError {
  return new TriageError('database-connect', `Cannot use the case history at ${redactUrl(url)}: ${withoutUrlSecrets((error as Error).message, url)}.`, {
    hint: 'Check TRIAGE_DATABASE_URL and that the server is reachable, or unset it to use the local SQLite history.',
    cause: error,
  });
}

async function migrate(pool: pg.Pool): Promise<void> {
  const [table] = await query<{ exists: boolean }>(pool, "SELECT to_regclass('schema_migrations') IS NOT NULL AS exists");
  if (table?.exists) {
    const [row] = await query<{ v: number | null }>(pool, 'SELECT MAX(version) AS v FROM schema_migrations');
    if (row?.v === LATEST_SCHEMA_VERSION) return;
  }
  await inTransaction(pool, async (client) => {
    // Everyone who starts at once waits here; the first applies, the others find nothing to do.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(SCHEMA_MIGRATIONS_TABLE);
    const version = Number((await query<{ v: number }>(client, 'SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations'))[0]!.v);
    if (version > LATEST_SCHEMA_VERSION) {
      throw new TriageError('schema-newer', `The shared case history has schema version ${version}; this triage knows up to ${LATEST_SCHEMA_VERSION}.`, {
        hint: 'Upgrade triage (a newer version wrote this history).',
      });
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= version) continue;
      for (const statement of migration.postgres) await client.query(statement);
      await query(client, 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
    }
  });
}

/** BEGIN … COMMIT on one pooled client; ROLLBACK and rethrow on any error. */
async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Seconds any one database call may wait for a lock (TRIAGE_DATABASE_TIMEOUT, default 10); a
 * statement may run three times that. A locked table or a stuck server then ends in an error that
 * says what triage waited for, never in a silent hang.
 */
export function databaseTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.TRIAGE_DATABASE_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 && seconds <= 3600 ? Math.round(seconds * 1000) : 10_000;
}

/** A timeout from PostgreSQL (or from the client, when the server never answers) as a clear error; undefined for any other error. */
function timeoutError(url: string, error: unknown, lockMs: number): TriageError | undefined {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? '';
  const what =
    code === '55P03'
      ? `waited ${lockMs / 1000} s for a lock on the cases table, which another session holds (a long transaction, a migration or a manual LOCK)`
      : code === '57014'
        ? `a query ran for more than ${(3 * lockMs) / 1000} s and was cancelled`
        : /query read timeout/i.test(message)
          ? `the server did not answer for ${(4 * lockMs) / 1000} s`
          : undefined;
  if (what === undefined) return undefined;
  return new TriageError('database-timeout', `The case history at ${redactUrl(url)} did not answer: triage ${what}.`, {
    hint: 'Find the session holding the lock (`SELECT * FROM pg_locks JOIN pg_stat_activity USING (pid)`) or retry later; TRIAGE_DATABASE_TIMEOUT sets the seconds to wait.',
    cause: error,
  });
}

export async function openPostgresCaseStore(url: string, env: NodeJS.ProcessEnv = process.env): Promise<CaseStore> {
  const lockMs = databaseTimeoutMs(env);
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: 10_000,
    lock_timeout: lockMs,
    statement_timeout: 3 * lockMs,
    query_timeout: 4 * lockMs,
    idleTimeoutMillis: 5_000,
    application_name: 'triage',
    // BIGINT (ms timestamps, counts) as numbers: every value we store fits in 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof TriageError) throw error;
    throw timeoutError(url, error, lockMs) ?? connectionError(url, error);
  }
  return new PostgresCaseStore(pool, url, lockMs);
}

class PostgresCaseStore implements CaseStore {
  readonly backend = 'postgres' as const;
  readonly location: string;
  readonly damaged: string[] = [];
  private readonly pool: pg.Pool;
  private readonly url: string;
  private readonly upsertSql: string;

  private readonly lockMs: number;

  constructor(pool: pg.Pool, url: string, lockMs: number) {
    this.pool = pool;
    this.url = url;
    this.lockMs = lockMs;
    this.location = redactUrl(url);
    const columns = [...CASE_COLUMNS, 'stored_ms'];
    const updates = columns
      .filter((c) => c !== 'id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');
    // xmax = 0 on the returned row means it was inserted; no row means the WHERE kept the old one.
    this.upsertSql = `INSERT INTO cases (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})
      ON CONFLICT (id) DO UPDATE SET ${updates}
      WHERE cases.updated_ms <= excluded.updated_ms AND cases.record IS DISTINCT FROM excluded.record
      RETURNING (xmax = 0) AS inserted`;
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof TriageError) throw error;
      const timedOut = timeoutError(this.url, error, this.lockMs);
      if (timedOut) throw timedOut;
      // Connection-level failures are the user's to fix; SQL errors are ours and stay bugs.
      const code = (error as { code?: string }).code;
      // 08 connection, 28 authentication, 3D000 no such database, 42501 no privilege, 53 resources, 57P shutdown.
      if (code === undefined || /^(08|28|3D000|42501|53|57P)/.test(code) || /^E[A-Z]+$/.test(code)) throw connectionError(this.url, error);
      throw error;
    }
  }

  private async save(db: Queryable, record: CaseRecord): Promise<UpsertResult> {
    const row = caseRowOf(record);
    const values = [...CASE_COLUMNS.map((c) => row[c]), Date.now()];
    const result = await db.query<{ inserted: boolean }>(this.upsertSql, values);
    if (result.rows.length === 0) return 'unchanged';
    return result.rows[0]!.inserted ? 'inserted' : 'updated';
  }

  upsertCase(record: CaseRecord): Promise<UpsertResult> {
    return this.run(() => this.save(this.pool, record));
  }

  upsertCases(records: readonly CaseRecord[]): Promise<Record<UpsertResult, number>> {
    return this.run(async () => {
      const counts: Record<UpsertResult, number> = { inserted: 0, updated: 0, unchanged: 0 };
      await inTransaction(this.pool, async (client) => {
        for (const record of records) counts[await this.save(client, record)] += 1;
      });
      return counts;
    });
  }

  getCase(idOrPrefix: string): Promise<CaseRecord | undefined> {
    return this.run(async () => {
      const id = idOrPrefix.trim();
      if (id === '') return undefined;
      const exact = await query<{ record: string }>(this.pool, 'SELECT record FROM cases WHERE id = ?', [id]);
      if (exact[0]) return parseStoredRecord(exact[0].record, id);
      const rows = await query<{ id: string; record: string }>(
        this.pool,
        `SELECT id, record FROM cases WHERE id ILIKE ? ESCAPE '\\' ORDER BY id LIMIT 5`,
        [`${escapeLike(id)}%`],
      );
      if (rows.length === 0) return undefined;
      if (rows.length > 1) throw ambiguousCaseError(id, rows.map((r) => r.id));
      return parseStoredRecord(rows[0]!.record, rows[0]!.id);
    });
  }

  listCases(filter: CaseFilter = {}): Promise<CaseSummary[]> {
    return this.run(async () => {
      const where = whereClause(filter);
      const rows = await query<{ id: string; record: string }>(
        this.pool,
        `SELECT id, record FROM cases ${where.sql} ORDER BY started_ms DESC, id DESC${limitClause(filter.limit)}`,
        where.params,
      );
      return rows.flatMap((r) => {
        const record = storedRecordOrSkip(r.record, r.id, this.damaged);
        return record ? [summaryOf(record)] : [];
      });
    });
  }

  countCases(filter: CaseFilter = {}): Promise<number> {
    return this.run(async () => {
      const where = whereClause(filter);
      return (await query<{ n: number }>(this.pool, `SELECT COUNT(*) AS n FROM cases ${where.sql}`, where.params))[0]!.n;
    });
  }

  searchCases(text: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    return this.run(async () => {
      const websearch = toWebsearchQuery(text, options.match);
      if (websearch === undefined) return [];
      const key = customerKey(options.customer);
      const where = andWhere(whereClause(options.filter, 'c'), 'c.search @@ q.query');
      // Rank everything that matches, keep the top rows, and only then build headlines (slow).
      const rows = await query<{ id: string; record: string; score: number; same: boolean; snippet: string }>(
        this.pool,
        `WITH q AS (SELECT websearch_to_tsquery('english', ?) AS query),
         top AS (
           SELECT c.seq, ts_rank(c.search, q.query) AS score, (c.customer_key = ? AND ? <> '') AS same, c.started_ms
           FROM cases c, q ${where.sql}
           ORDER BY same DESC, score DESC, c.started_ms DESC
           LIMIT ?
         )
         SELECT c.id, c.record, top.score, top.same,
           -- The customer's own words read best, when they match; else every searchable field.
           ts_headline('english',
             CASE WHEN to_tsvector('english', c.description) @@ q.query THEN c.description
               ELSE concat_ws(' · ', c.description, c.outcome_title, c.customer_name, c.answers_text, c.body_text) END,
             q.query,
             'StartSel=${SNIPPET_START}, StopSel=${SNIPPET_END}, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "') AS snippet
         FROM top JOIN cases c ON c.seq = top.seq, q
         ORDER BY top.same DESC, top.score DESC, top.started_ms DESC`,
        [websearch, key, key, ...where.params, options.limit ?? 20],
      );
      return rows.flatMap((r) => {
        const record = storedRecordOrSkip(r.record, r.id, this.damaged);
        return record ? [{ record, score: r.score, snippet: r.snippet.replace(/\s+/g, ' ').trim(), sameCustomer: r.same }] : [];
      });
    });
  }

  stats(filter: CaseFilter = {}): Promise<CaseStats> {
    return this.run(async () => {
      const q = statsQueries(filter);
      const client = await this.pool.connect();
      try {
        // One snapshot for the four queries.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        // The window functions sort ~all cases; the default 4 MB spills 100,000 of them to disk.
        await client.query("SET LOCAL work_mem = '32MB'");
        const rows = {
          counts: await query<CountRow>(client, q.counts.sql, q.counts.params),
          firstContacts: await query<FirstContactRow>(client, q.firstContacts.sql, q.firstContacts.params),
          medians: await query<MedianRow>(client, q.medians.sql, q.medians.params),
          escalations: await query<EscalationRow>(client, q.escalations.sql, q.escalations.params),
        };
        await client.query('COMMIT');
        return buildCaseStats(rows, { sinceMs: filter.sinceMs });
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    });
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
        let after: [number, string] = [Number.MIN_SAFE_INTEGER, ''];
        for (;;) {
          const rows = await store.run(() =>
            query<{ started_ms: number; id: string; record: string }>(
              store.pool,
              `SELECT started_ms, id, record FROM cases WHERE (started_ms, id) > (?, ?) ORDER BY started_ms, id LIMIT ${EXPORT_PAGE}`,
              after,
            ),
          );
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

  purge(olderThanMs: number, nowMs: number, options: { readonly dryRun?: boolean } = {}): Promise<number> {
    return this.run(async () => {
      const cutoff = nowMs - olderThanMs;
      if (options.dryRun) {
        return (await query<{ n: number }>(this.pool, 'SELECT COUNT(*) AS n FROM cases WHERE updated_ms < ?', [cutoff]))[0]!.n;
      }
      const result = await this.pool.query(numberPlaceholders('DELETE FROM cases WHERE updated_ms < ?'), [cutoff]);
      return result.rowCount ?? 0;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

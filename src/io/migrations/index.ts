/**
 * The case-history schema, one numbered migration at a time, for both backends side by side so
 * they stay the same. Applied versions are recorded in `schema_migrations`; a migration is never
 * edited once released: add the next number instead.
 *
 * The two dialects share every table and column. Only the full-text index differs: an FTS5 table
 * kept in step by triggers (SQLite) or a generated tsvector column with a GIN index (PostgreSQL).
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: readonly string[];
  readonly postgres: readonly string[];
}

const caseColumns = (dialect: 'sqlite' | 'postgres'): string => {
  const int = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  return `
    seq ${dialect === 'sqlite' ? 'INTEGER PRIMARY KEY' : 'BIGSERIAL PRIMARY KEY'},
    id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('open', 'done')),
    playbook_id TEXT NOT NULL,
    playbook_version TEXT NOT NULL,
    playbook_title TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    customer_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    mood TEXT NOT NULL,
    description TEXT NOT NULL,
    agent TEXT,
    outcome_kind TEXT,
    outcome_node TEXT,
    outcome_title TEXT NOT NULL,
    escalated INTEGER NOT NULL,
    handoff_to TEXT,
    answers_text TEXT NOT NULL,
    body_text TEXT NOT NULL,
    started_at TEXT NOT NULL,
    started_ms ${int} NOT NULL,
    updated_at TEXT NOT NULL,
    updated_ms ${int} NOT NULL,
    finished_at TEXT,
    finished_ms ${int},
    duration_ms ${int},
    record TEXT NOT NULL,
    stored_ms ${int} NOT NULL`;
};

/**
 * Lists filter and sort by start time; purge goes by last update. The last four are covering
 * indexes for `stats`, so its aggregates read narrow index entries instead of the wide rows
 * (the JSON record): at 100,000 cases that is ~0.2 s instead of ~1.2 s.
 */
const caseIndexes = [
  'CREATE INDEX cases_started ON cases (started_ms)',
  'CREATE INDEX cases_updated ON cases (updated_ms)',
  'CREATE INDEX cases_playbook ON cases (playbook_id, started_ms)',
  'CREATE INDEX cases_outcome ON cases (outcome_kind, started_ms)',
  'CREATE INDEX cases_counts ON cases (playbook_id, status, outcome_kind, escalated, playbook_title, started_ms)',
  'CREATE INDEX cases_first_contact ON cases (customer_key, playbook_id, started_ms, id, status, outcome_kind, escalated)',
  'CREATE INDEX cases_durations ON cases (status, playbook_id, duration_ms, started_ms)',
  'CREATE INDEX cases_escalations ON cases (playbook_id, outcome_title, handoff_to, started_ms) WHERE escalated = 1',
];

/** FTS columns, in bm25 weight order (see case-store-sqlite.ts). */
const FTS_COLUMNS = 'customer_name, description, playbook_title, outcome_title, answers_text, body_text';
const ftsValues = (row: 'new' | 'old'): string => FTS_COLUMNS.split(', ').map((c) => `${row}.${c}`).join(', ');

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'cases with full-text search',
    sqlite: [
      `CREATE TABLE cases (${caseColumns('sqlite')})`,
      ...caseIndexes,
      // External-content FTS5: the text lives once, in `cases`; the index follows it by rowid (seq).
      `CREATE VIRTUAL TABLE cases_fts USING fts5(${FTS_COLUMNS}, content='cases', content_rowid='seq', tokenize='porter unicode61 remove_diacritics 2')`,
      `CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
         INSERT INTO cases_fts (rowid, ${FTS_COLUMNS}) VALUES (new.seq, ${ftsValues('new')});
       END`,
      `CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
         INSERT INTO cases_fts (cases_fts, rowid, ${FTS_COLUMNS}) VALUES ('delete', old.seq, ${ftsValues('old')});
       END`,
      `CREATE TRIGGER cases_fts_update AFTER UPDATE ON cases BEGIN
         INSERT INTO cases_fts (cases_fts, rowid, ${FTS_COLUMNS}) VALUES ('delete', old.seq, ${ftsValues('old')});
         INSERT INTO cases_fts (rowid, ${FTS_COLUMNS}) VALUES (new.seq, ${ftsValues('new')});
       END`,
    ],
    postgres: [
      `CREATE TABLE cases (${caseColumns('postgres')},
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english', description), 'A') ||
          setweight(to_tsvector('english', outcome_title), 'B') ||
          setweight(to_tsvector('english', customer_name || ' ' || playbook_title), 'C') ||
          setweight(to_tsvector('english', answers_text || ' ' || body_text), 'D')
        ) STORED)`,
      ...caseIndexes,
      'CREATE INDEX cases_search ON cases USING GIN (search)',
    ],
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export const SCHEMA_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

/**
 * SQL both backends run. Written once with `?` placeholders in the subset SQLite and PostgreSQL
 * share (window functions, FILTER, LIKE ... ESCAPE); PostgreSQL numbers the placeholders.
 */
import type { CaseRecord } from '../core/case-record.js';
import { RESOLVING_KINDS, type CaseFilter } from '../core/case-query.js';
import { TriageError } from '../core/errors.js';

export type SqlValue = string | number | null;

export interface SqlWhere {
  /** `WHERE ...` or ''. */
  readonly sql: string;
  readonly params: SqlValue[];
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Column names unqualified unless `alias` is given. */
export function whereClause(filter: CaseFilter = {}, alias = ''): SqlWhere {
  const col = (name: string): string => (alias ? `${alias}.${name}` : name);
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  if (filter.playbooks && filter.playbooks.length > 0) {
    conditions.push(`${col('playbook_id')} IN (${filter.playbooks.map(() => '?').join(', ')})`);
    params.push(...filter.playbooks);
  }
  if (filter.outcomes && filter.outcomes.length > 0) {
    conditions.push(`${col('outcome_kind')} IN (${filter.outcomes.map(() => '?').join(', ')})`);
    params.push(...filter.outcomes);
  }
  if (filter.customer !== undefined && filter.customer.trim() !== '') {
    conditions.push(`${col('customer_key')} LIKE ? ESCAPE '\\'`);
    params.push(`%${escapeLike(filter.customer.trim().replace(/\s+/g, ' ').toLowerCase())}%`);
  }
  if (filter.sinceMs !== undefined) {
    conditions.push(`${col('started_ms')} >= ?`);
    params.push(filter.sinceMs);
  }
  if (filter.status !== undefined) {
    conditions.push(`${col('status')} = ?`);
    params.push(filter.status);
  }
  return { sql: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}

/** `WHERE a` + `b` → `WHERE a AND b`. */
export function andWhere(where: SqlWhere, condition: string, params: SqlValue[] = []): SqlWhere {
  return {
    sql: where.sql === '' ? `WHERE ${condition}` : `${where.sql} AND ${condition}`,
    params: [...where.params, ...params],
  };
}

export function limitClause(limit: number | undefined): string {
  return limit !== undefined && limit > 0 ? ` LIMIT ${Math.floor(limit)}` : '';
}

/** `?` → `$1`, `$2`, ... (no statement here has a `?` inside a string literal). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const RESOLVING = RESOLVING_KINDS.map((k) => `'${k}'`).join(', ');

/** The four aggregate queries behind `stats` (see src/core/case-stats.ts for the definitions). */
export function statsQueries(filter: CaseFilter): Record<'counts' | 'firstContacts' | 'medians' | 'escalations', { sql: string; params: SqlValue[] }> {
  const where = whereClause(filter);
  const done = andWhere(where, "status = 'done' AND duration_ms IS NOT NULL");
  const escalated = andWhere(where, 'escalated = 1');
  return {
    counts: {
      sql: `SELECT playbook_id, MAX(playbook_title) AS playbook_title, status, outcome_kind, escalated, COUNT(*) AS n
            FROM cases ${where.sql} GROUP BY playbook_id, status, outcome_kind, escalated`,
      params: where.params,
    },
    // "First" over the whole history: rank inside the subquery, filter outside.
    firstContacts: {
      sql: `SELECT playbook_id, COUNT(*) AS first_contacts,
              COUNT(*) FILTER (WHERE outcome_kind IN (${RESOLVING}) AND escalated = 0) AS resolved
            FROM (
              SELECT playbook_id, status, outcome_kind, escalated, started_ms, customer_key,
                ROW_NUMBER() OVER (PARTITION BY customer_key, playbook_id ORDER BY started_ms, id) AS nth
              FROM cases WHERE customer_key <> ''
              UNION ALL
              -- No name, no link to earlier cases: every anonymous case is a first contact.
              SELECT playbook_id, status, outcome_kind, escalated, started_ms, customer_key, 1 AS nth
              FROM cases WHERE customer_key = ''
            ) firsts
            ${andWhere(where, "nth = 1 AND status = 'done'").sql}
            GROUP BY playbook_id`,
      params: where.params,
    },
    // The middle one or two durations, per playbook and overall (playbook_id NULL).
    medians: {
      sql: `SELECT playbook_id, duration_ms FROM (
              SELECT playbook_id, duration_ms,
                ROW_NUMBER() OVER (PARTITION BY playbook_id ORDER BY duration_ms) AS rn,
                COUNT(*) OVER (PARTITION BY playbook_id) AS n
              FROM cases ${done.sql}
            ) per_playbook WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
            UNION ALL
            SELECT NULL AS playbook_id, duration_ms FROM (
              SELECT duration_ms, ROW_NUMBER() OVER (ORDER BY duration_ms) AS rn, COUNT(*) OVER () AS n
              FROM cases ${done.sql}
            ) overall WHERE rn IN ((n + 1) / 2, (n + 2) / 2)`,
      params: [...done.params, ...done.params],
    },
    escalations: {
      sql: `SELECT playbook_id, outcome_title, handoff_to, COUNT(*) AS n, MAX(started_ms) AS last_ms
            FROM cases ${escalated.sql}
            GROUP BY playbook_id, outcome_title, handoff_to
            ORDER BY n DESC, last_ms DESC, playbook_id, outcome_title LIMIT 10`,
      params: escalated.params,
    },
  };
}

export function ambiguousCaseError(prefix: string, candidates: readonly string[]): TriageError {
  return new TriageError('case-ambiguous', `Case id prefix ${JSON.stringify(prefix)} matches more than one case: ${candidates.join(', ')}${candidates.length >= 5 ? ', ...' : ''}.`, {
    hint: 'Give more of the id (see `triage cases list`).',
  });
}

/** A stored row's record; a damaged one (not JSON, not a case) is a clear error naming the case. */
export function parseStoredRecord(json: string, id?: string): CaseRecord {
  const record = readStoredRecord(json);
  if (record) return record;
  throw new TriageError('case-damaged', `${id === undefined ? 'A case' : `Case ${id}`} is damaged in the case history: its stored record is not a case.`, {
    exitCode: 1,
    hint: 'The other cases are fine (`triage cases list`). Restore the history from a backup or an export to get this one back.',
  });
}

/**
 * For lists, searches and exports: a damaged row is skipped and its id noted in `damaged`, so one
 * bad row never hides the rest (the command says on stderr what was skipped).
 */
export function storedRecordOrSkip(json: string, id: string, damaged: string[]): CaseRecord | undefined {
  const record = readStoredRecord(json);
  if (!record && !damaged.includes(id)) damaged.push(id);
  return record;
}

function readStoredRecord(json: string): CaseRecord | undefined {
  try {
    const value = JSON.parse(json) as unknown;
    const record = value as Partial<CaseRecord> | null;
    return record !== null && typeof record === 'object' && typeof record.id === 'string' && typeof record.startedAt === 'string' && typeof record.playbook === 'object' && record.playbook !== null
      ? (value as CaseRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

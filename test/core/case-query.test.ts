import { describe, expect, it } from 'vitest';
import { caseRowOf, parseDuration, parseOlderThan, parseOutcomeKinds, parseSince, toFts5Query, toWebsearchQuery } from '../../src/core/case-query.js';
import { validateCaseRecord } from '../../src/core/case-validate.js';
import { TriageError } from '../../src/core/errors.js';
import { caseRecord } from '../helpers/case-records.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');

describe('time windows', () => {
  it('reads durations and dates', () => {
    expect(parseDuration('90d')).toBe(90 * 86_400_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
    expect(parseDuration('30m')).toBe(30 * 60_000);
    expect(parseDuration('1.5d')).toBe(36 * 3_600_000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseSince('7d', NOW)).toBe(NOW - 7 * 86_400_000);
    expect(parseSince('2026-01-01', NOW)).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(parseSince('2026-01-01T10:00:00+02:00', NOW)).toBe(Date.parse('2026-01-01T08:00:00Z'));
  });

  it('explains what it could not read (exit 2)', () => {
    const error = (() => {
      try {
        parseSince('yesterday', NOW);
      } catch (e) {
        return e as TriageError;
      }
    })();
    expect(error).toBeInstanceOf(TriageError);
    expect(error?.exitCode).toBe(2);
    expect(error?.hint).toContain('7d');
    expect(() => parseOlderThan('0d')).toThrow(TriageError);
    expect(() => parseOutcomeKinds('bug,fixed')).toThrow(/"fixed" is not an outcome kind/);
    expect(parseOutcomeKinds('Bug, escalate')).toEqual(['bug', 'escalate']);
  });
});

describe('search syntax', () => {
  it('quotes every term for FTS5 and keeps the web-search operators', () => {
    expect(toFts5Query('password reset')).toBe('("password" AND "reset")');
    expect(toFts5Query('password reset', 'any')).toBe('("password" OR "reset")');
    expect(toFts5Query('"reset link" -expired')).toBe('"reset link" NOT ("expired")');
    expect(toFts5Query('pdf or csv export')).toBe('(("pdf" OR "csv") AND "export")');
    expect(toFts5Query('NEAR(a b) col:x "open')).toBe('("NEAR a" AND "b" AND "col x" AND "open")');
    expect(toFts5Query('-only -excluded')).toBeUndefined();
    expect(toFts5Query(' ... ')).toBeUndefined();
  });

  it('drops stop words when any word may match, unless nothing else is left', () => {
    expect(toFts5Query('the app crashes when I open it', 'any')).toBe('("app" OR "crashes" OR "open")');
    expect(toFts5Query('the', 'any')).toBe('"the"');
  });

  it('passes text to websearch_to_tsquery, joining terms with or for any', () => {
    expect(toWebsearchQuery('  password reset ')).toBe('password reset');
    expect(toWebsearchQuery('password "reset link" -expired', 'any')).toBe('password or "reset link" -expired');
    expect(toWebsearchQuery('-only')).toBeUndefined();
  });
});

describe('case rows', () => {
  it('flattens a record into the indexed columns', () => {
    const row = caseRecord({ id: 'X', customer: '  Ada   LOVELACE ', answers: { app_version: '4.2' }, handoffTo: 'tier-2', outcome: 'workaround', minutes: 3 });
    const flat = caseRowOf(row);
    expect(flat).toMatchObject({ customer_name: 'Ada   LOVELACE', customer_key: 'ada lovelace', escalated: 1, handoff_to: 'tier-2', outcome_kind: 'workaround', duration_ms: 180_000 });
    expect(flat.answers_text).toBe('app_version: 4.2\nYes, it fails');
    expect(flat.body_text).toContain('Hello, thanks for writing in.');
    expect(JSON.parse(flat.record)).toEqual(row);
  });

  it('validates imported records and says what is wrong', () => {
    expect(validateCaseRecord(caseRecord({ id: 'X' }))).toMatchObject({ ok: true });
    const bad = validateCaseRecord({ ...caseRecord({ id: 'X' }), startedAt: 'last week' });
    expect(bad).toEqual({ ok: false, problem: 'startedAt: must be an ISO 8601 time' });
    expect(validateCaseRecord([])).toMatchObject({ ok: false });
  });
});

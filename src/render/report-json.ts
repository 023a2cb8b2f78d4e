/**
 * A report as `triage.report/v1` JSON: keys in a fixed order (whatever order the object was built
 * or stored in), 2-space indent, trailing newline, so the same case gives the same bytes.
 */
import type { Report } from '../core/report.js';

/** Key order of each object in the report; keys not listed follow in alphabetical order. */
const KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
  '': [
    'schema',
    'case',
    'playbook',
    'started_in',
    'outcome',
    'title',
    'severity',
    'component',
    'labels',
    'customer',
    'agent',
    'description',
    'scope',
    'frequency',
    'started',
    'environment',
    'answers',
    'actions',
    'path',
    'steps_to_reproduce',
    'expected',
    'actual',
    'reply',
    'replay',
    'replay_of',
    'started_at',
    'finished_at',
    'duration_ms',
  ],
  case: ['id'],
  playbook: ['id', 'version', 'title', 'path'],
  started_in: ['id', 'version'],
  outcome: ['kind', 'node', 'title'],
  customer: ['name', 'channel', 'mood', 'account', 'signals'],
  path: ['playbook', 'node', 'title', 'said', 'answer'],
  actions: ['key', 'do', 'status', 'reference'],
};

/** Maps keep the order they were built in (environment, answers): the builder made it stable. */
const KEEP_ORDER = new Set(['environment', 'answers']);

function ordered(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((item) => ordered(item, key));
  if (value === null || typeof value !== 'object' || KEEP_ORDER.has(key)) return value;
  const record = value as Record<string, unknown>;
  const known = KEY_ORDER[key] ?? [];
  const keys = [...known.filter((k) => Object.hasOwn(record, k)), ...Object.keys(record).filter((k) => !known.includes(k)).sort()];
  const result: Record<string, unknown> = {};
  for (const k of keys) result[k] = ordered(record[k], k);
  return result;
}

export function renderReportJson(report: Report | Readonly<Record<string, unknown>>): string {
  return `${JSON.stringify(ordered(report, ''), null, 2)}\n`;
}

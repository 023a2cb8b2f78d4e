/**
 * Pure pieces of the case history: what a stored case looks like as columns, filters, time
 * windows (`7d`, `2026-01-01`) and the search syntax. Both storage backends use these, so SQLite
 * and PostgreSQL agree on what a filter or a search means.
 */
import type { CaseRecord } from './case-record.js';
import { TriageError } from './errors.js';
import { HOW_TO_KINDS, OUTCOME_KINDS, type OutcomeKind } from './model.js';

/** Outcome kinds that count as "the customer's problem was dealt with" for first-contact resolution. */
export const RESOLVING_KINDS: readonly OutcomeKind[] = HOW_TO_KINDS;

export interface CaseFilter {
  /** Playbook ids (any of). */
  readonly playbooks?: readonly string[];
  /** Outcome kinds (any of). */
  readonly outcomes?: readonly OutcomeKind[];
  /** Case-insensitive substring of the customer's name. */
  readonly customer?: string;
  /** Started at or after (epoch ms). */
  readonly sinceMs?: number;
  readonly status?: CaseRecord['status'];
  /** Most recent first; at most this many (default: all). */
  readonly limit?: number;
}

export interface SearchOptions {
  readonly limit?: number;
  /** This customer's cases (same name, case-insensitive) rank before everyone else's. */
  readonly customer?: string;
  /** `all` (default): every word must match; `any`: at least one, best matches first. */
  readonly match?: 'all' | 'any';
  /** Restricts the search (e.g. `{ status: 'done' }` for finished cases only). */
  readonly filter?: CaseFilter;
}

/** A case as a row: what lists show and filters see, without the full record. */
export interface CaseSummary {
  readonly id: string;
  readonly status: CaseRecord['status'];
  readonly playbook: { readonly id: string; readonly version: string; readonly title: string };
  readonly customer: string;
  readonly channel: string;
  readonly agent?: string;
  readonly outcome?: { readonly kind: OutcomeKind; readonly title: string };
  readonly escalated: boolean;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
}

export interface SearchHit {
  readonly record: CaseRecord;
  /** Higher is better. Comparable within one result list only (each backend ranks its own way). */
  readonly score: number;
  /** A fragment of the matching text with the matched words between « and ». */
  readonly snippet: string;
  /** The case is the `customer` given in the search options. */
  readonly sameCustomer: boolean;
}

export const SNIPPET_START = '«';
export const SNIPPET_END = '»';

/** Flattened, indexed columns of a case; both backends store exactly these next to the JSON record. */
export interface CaseRow {
  readonly id: string;
  readonly status: CaseRecord['status'];
  readonly playbook_id: string;
  readonly playbook_version: string;
  readonly playbook_title: string;
  readonly customer_name: string;
  /** Lower-cased, trimmed, inner spaces collapsed: what "same customer" compares. */
  readonly customer_key: string;
  readonly channel: string;
  readonly mood: string;
  readonly description: string;
  readonly agent: string | null;
  readonly outcome_kind: OutcomeKind | null;
  readonly outcome_node: string | null;
  readonly outcome_title: string;
  /** 1 when the outcome is `escalate` or the case was handed off. */
  readonly escalated: 0 | 1;
  readonly handoff_to: string | null;
  /** Answers and asked env values, `key: value` per line, plus choice labels: searchable. */
  readonly answers_text: string;
  /** Reply and report text (title, expected, actual, steps): searchable. */
  readonly body_text: string;
  readonly started_at: string;
  readonly started_ms: number;
  readonly updated_at: string;
  readonly updated_ms: number;
  readonly finished_at: string | null;
  readonly finished_ms: number | null;
  readonly duration_ms: number | null;
  readonly record: string;
}

export const CASE_COLUMNS = [
  'id',
  'status',
  'playbook_id',
  'playbook_version',
  'playbook_title',
  'customer_name',
  'customer_key',
  'channel',
  'mood',
  'description',
  'agent',
  'outcome_kind',
  'outcome_node',
  'outcome_title',
  'escalated',
  'handoff_to',
  'answers_text',
  'body_text',
  'started_at',
  'started_ms',
  'updated_at',
  'updated_ms',
  'finished_at',
  'finished_ms',
  'duration_ms',
  'record',
] as const satisfies readonly (keyof CaseRow)[];

export function customerKey(name: string | undefined): string {
  return (name ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
}

function timeOf(iso: string, field: string, id: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new TriageError('case-invalid', `Case ${id}: ${field} is not an ISO 8601 time: ${JSON.stringify(iso)}.`);
  }
  return ms;
}

function answerText(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  return String(value);
}

/** The report fields worth searching; the rest (paths, timestamps, replay command) is noise. */
const REPORT_TEXT_FIELDS = ['title', 'expected', 'actual', 'steps_to_reproduce', 'component', 'labels'] as const;

export function caseRowOf(record: CaseRecord): CaseRow {
  const answers: string[] = [];
  for (const input of record.inputs) {
    if (input.kind === 'ask') answers.push(`${input.key}: ${answerText(input.value)}`);
    else if (input.kind === 'env') answers.push(`${input.key}: ${input.value}`);
    else if (input.kind === 'choice') answers.push(input.label);
    else if (input.kind === 'action') answers.push(`${input.key}: ${input.status}${input.reference ? ` (${input.reference})` : ''}`);
  }
  const body: string[] = [];
  if (record.report) {
    for (const field of REPORT_TEXT_FIELDS) {
      const value = record.report[field];
      if (typeof value === 'string') body.push(value);
      else if (Array.isArray(value)) body.push(value.filter((v) => typeof v === 'string').join('\n'));
    }
  }
  if (record.reply) body.push(record.reply);
  const startedMs = timeOf(record.startedAt, 'startedAt', record.id);
  const finishedMs = record.finishedAt ? timeOf(record.finishedAt, 'finishedAt', record.id) : null;
  const duration =
    record.durationMs ?? (finishedMs === null ? null : Math.max(0, finishedMs - startedMs));
  const escalated = record.outcome?.kind === 'escalate' || record.handoffs.length > 0;
  return {
    id: record.id,
    status: record.status,
    playbook_id: record.playbook.id,
    playbook_version: record.playbook.version,
    playbook_title: record.playbook.title,
    customer_name: record.intake.customer.name?.trim() ?? '',
    customer_key: customerKey(record.intake.customer.name),
    channel: record.intake.customer.channel,
    mood: record.intake.customer.mood,
    description: record.intake.description,
    agent: record.agent ?? null,
    outcome_kind: record.outcome?.kind ?? null,
    outcome_node: record.outcome?.node ?? null,
    outcome_title: record.outcome?.title ?? '',
    escalated: escalated ? 1 : 0,
    handoff_to: record.handoffs.length > 0 ? record.handoffs.map((h) => h.to).join(', ') : null,
    answers_text: answers.join('\n'),
    body_text: body.filter((b) => b !== '').join('\n'),
    started_at: record.startedAt,
    started_ms: startedMs,
    updated_at: record.updatedAt,
    updated_ms: timeOf(record.updatedAt, 'updatedAt', record.id),
    finished_at: record.finishedAt ?? null,
    finished_ms: finishedMs,
    duration_ms: duration === null ? null : Math.round(duration),
    record: JSON.stringify(record),
  };
}

/** What a list shows; built from the stored record so both backends give the same thing. */
export function summaryOf(record: CaseRecord): CaseSummary {
  const row = caseRowOf(record);
  return {
    id: record.id,
    status: record.status,
    playbook: { id: record.playbook.id, version: record.playbook.version, title: record.playbook.title },
    customer: row.customer_name,
    channel: row.channel,
    ...(record.agent ? { agent: record.agent } : {}),
    ...(record.outcome ? { outcome: { kind: record.outcome.kind, title: record.outcome.title } } : {}),
    escalated: row.escalated === 1,
    startedAt: record.startedAt,
    ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}),
    ...(row.duration_ms === null ? {} : { durationMs: row.duration_ms }),
  };
}

// ---------------------------------------------------------------------------------------------
// Durations and time windows

const UNIT_MS: Readonly<Record<string, number>> = {
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** `90d`, `12h`, `2w`, `30m`, `1y` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(min|m|h|d|w|y)\s*$/i.exec(text);
  if (!match) return undefined;
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!);
  // Past this, "now minus the duration" is no date at all (`99999999999y`).
  return ms <= MAX_DURATION_MS ? ms : undefined;
}

const MAX_DURATION_MS = 1000 * UNIT_MS.y!;

/**
 * `--since`: a duration back from now (`7d`) or a date/time (`2026-01-01`, ISO 8601; a bare date is
 * midnight UTC) → epoch ms.
 */
export function parseSince(text: string, nowMs: number, flag = '--since'): number {
  const duration = parseDuration(text);
  if (duration !== undefined) return nowMs - duration;
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())) {
    const ms = Date.parse(text.trim());
    if (!Number.isNaN(ms)) return ms;
  }
  throw new TriageError('usage', `${flag} ${JSON.stringify(text)} is neither a duration nor a date.`, {
    hint: `Use a duration such as 7d, 12h, 2w (at most 1000y) or a date such as 2026-01-01.`,
  });
}

/** `--older-than 90d` → milliseconds; only durations make sense here. */
export function parseOlderThan(text: string): number {
  const duration = parseDuration(text);
  if (duration === undefined || duration <= 0) {
    throw new TriageError('usage', `--older-than ${JSON.stringify(text)} is not a duration.`, {
      hint: 'Use a duration such as 90d, 12w or 1y (at most 1000y).',
    });
  }
  return duration;
}

export function parseOutcomeKinds(text: string): OutcomeKind[] {
  const kinds = text
    .split(',')
    .map((k) => k.trim().toLowerCase())
    .filter((k) => k !== '');
  for (const kind of kinds) {
    if (!(OUTCOME_KINDS as readonly string[]).includes(kind)) {
      throw new TriageError('usage', `--outcome ${JSON.stringify(kind)} is not an outcome kind.`, {
        hint: `Use one or more (comma-separated) of: ${OUTCOME_KINDS.join(', ')}.`,
      });
    }
  }
  return kinds as OutcomeKind[];
}

// ---------------------------------------------------------------------------------------------
// Search syntax: web-search style, the same for both backends.
//   words        all must match (or any, with match: 'any')
//   "a phrase"   the words in that order
//   -word        must not match
//   a or b       either

export type SearchTerm =
  | { readonly kind: 'word' | 'phrase'; readonly text: string; readonly negated: boolean }
  | { readonly kind: 'or' };

export function parseSearchText(text: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const pattern = /(-?)"([^"]*)"?|(\S+)/g;
  for (const match of text.matchAll(pattern)) {
    if (match[2] !== undefined) {
      const phrase = match[2].trim();
      if (phrase !== '') terms.push({ kind: 'phrase', text: phrase, negated: match[1] === '-' });
      continue;
    }
    const raw = match[3]!;
    if (raw.toLowerCase() === 'or') {
      terms.push({ kind: 'or' });
      continue;
    }
    const negated = raw.startsWith('-') && raw.length > 1;
    const word = negated ? raw.slice(1) : raw;
    terms.push({ kind: 'word', text: word, negated });
  }
  return terms;
}

/** The words of a term as the FTS5 unicode61 tokenizer would split them. */
function tokens(text: string): string[] {
  return text.split(/[^\p{L}\p{N}_]+/u).filter((t) => t !== '');
}

function ftsPhrase(text: string): string | undefined {
  const words = tokens(text);
  return words.length === 0 ? undefined : `"${words.join(' ')}"`;
}

/**
 * Words too common to rank by. With `any`, a whole description ("the app crashes when I ...")
 * would otherwise match nearly every case through `the` and `I`, which is slow and ranks noise.
 * (PostgreSQL's `english` configuration drops these itself.)
 */
const STOP_WORDS = new Set(
  'a an and are as at be but by can do does for from had has have how i if in into is it its me my no not of on or our so that the their them then there these they this to was we were what when where which who why will with you your'.split(' '),
);

/**
 * An FTS5 MATCH expression for the search text, or undefined when nothing searchable is left
 * (punctuation only, or only excluded words). Every word is quoted, so user input can never be
 * read as FTS5 syntax.
 */
export function toFts5Query(text: string, match: 'all' | 'any' = 'all'): string | undefined {
  const groups: string[][] = [[]];
  const excluded: string[] = [];
  let joinNext = false;
  let terms = parseSearchText(text);
  if (match === 'any') {
    const meaningful = terms.filter((t) => t.kind !== 'word' || t.negated || !STOP_WORDS.has(t.text.toLowerCase()));
    if (meaningful.some((t) => t.kind !== 'or' && !t.negated)) terms = meaningful;
  }
  for (const term of terms) {
    if (term.kind === 'or') {
      joinNext = groups[groups.length - 1]!.length > 0;
      continue;
    }
    const phrase = ftsPhrase(term.text);
    if (phrase === undefined) continue;
    if (term.negated) {
      excluded.push(phrase);
      continue;
    }
    // `a or b`: b joins a's group; otherwise every term is its own group (ANDed, or ORed for `any`).
    if (joinNext) groups[groups.length - 1]!.push(phrase);
    else groups.push([phrase]);
    joinNext = false;
  }
  const parts = groups.filter((g) => g.length > 0).map((g) => (g.length === 1 ? g[0]! : `(${g.join(' OR ')})`));
  if (parts.length === 0) return undefined;
  const positive = parts.length === 1 ? parts[0]! : `(${parts.join(match === 'any' ? ' OR ' : ' AND ')})`;
  return excluded.length === 0 ? positive : `${positive} NOT (${excluded.join(' OR ')})`;
}

/**
 * The same search for PostgreSQL's `websearch_to_tsquery`, which reads this syntax natively (and
 * never fails on odd input): `all` passes the text through; `any` joins the positive terms with
 * `or`. Words keep their punctuation so PostgreSQL's parser sees `4.2.1` as the version it is.
 */
export function toWebsearchQuery(text: string, match: 'all' | 'any' = 'all'): string | undefined {
  const terms = parseSearchText(text).filter((t) => t.kind === 'or' || tokens(t.text).length > 0);
  if (!terms.some((t) => t.kind !== 'or' && !t.negated)) return undefined;
  if (match === 'all') return text.trim();
  const written = (t: Extract<SearchTerm, { kind: 'word' | 'phrase' }>): string =>
    `${t.negated ? '-' : ''}${t.kind === 'phrase' ? `"${t.text.replace(/"/g, ' ')}"` : t.text}`;
  const positive: string[] = [];
  const excluded: string[] = [];
  for (const term of terms) {
    if (term.kind === 'or') continue;
    (term.negated ? excluded : positive).push(written(term));
  }
  return [positive.join(' or '), ...excluded].join(' ');
}

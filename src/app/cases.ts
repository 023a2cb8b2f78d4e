/**
 * `triage cases ...`: the case history's use cases. They take an open store and return data;
 * the command prints it. The clock comes in as `nowMs`.
 */
import type { CaseRecord } from '../core/case-record.js';
import { parseOlderThan, parseOutcomeKinds, parseSince, type CaseFilter, type CaseSummary, type SearchHit } from '../core/case-query.js';
import type { CaseStats } from '../core/case-stats.js';
import { validateCaseRecord } from '../core/case-validate.js';
import { TriageError } from '../core/errors.js';
import { groupKnowledgeGaps, type GapCase, type GapGroup } from '../core/knowledge-gaps.js';
import { GAP_PLAYBOOK_ID } from './knowledge-gap.js';
import { openCaseStore, type CaseStore, type UpsertResult } from '../io/case-store.js';

export interface CasesEnvironment {
  readonly env: NodeJS.ProcessEnv;
  readonly nowMs: number;
  /** Told what stderr should say (damaged rows skipped). */
  readonly notice?: (message: string) => void;
}

/** Opens the history for one command and always closes it. */
export async function withCaseStore<T>(environment: CasesEnvironment, work: (store: CaseStore) => Promise<T>): Promise<T> {
  const store = await openCaseStore({ env: environment.env });
  try {
    return await work(store);
  } finally {
    const { damaged } = store;
    if (damaged.length > 0) {
      environment.notice?.(
        `triage: skipped ${damaged.length} damaged case${damaged.length === 1 ? '' : 's'} in the case history (${store.location}): ${damaged.slice(0, 5).join(', ')}${damaged.length > 5 ? ', …' : ''}. The other cases are shown; restore the damaged ones from a backup or an export.`,
      );
    }
    await store.close();
  }
}

export interface FilterFlags {
  readonly playbook?: string;
  readonly outcome?: string;
  readonly customer?: string;
  readonly since?: string;
  readonly status?: string;
}

export function filterFromFlags(flags: FilterFlags, nowMs: number): CaseFilter {
  const list = (text: string | undefined): string[] | undefined => {
    const items = text
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    return items && items.length > 0 ? items : undefined;
  };
  const playbooks = list(flags.playbook);
  const status = flags.status?.trim().toLowerCase();
  if (status !== undefined && status !== 'open' && status !== 'done') {
    throw new TriageError('usage', `--status ${JSON.stringify(flags.status)} is neither open nor done.`, { hint: 'Use --status open or --status done.' });
  }
  return {
    ...(playbooks ? { playbooks } : {}),
    ...(flags.outcome ? { outcomes: parseOutcomeKinds(flags.outcome) } : {}),
    ...(flags.customer?.trim() ? { customer: flags.customer.trim() } : {}),
    ...(flags.since ? { sinceMs: parseSince(flags.since, nowMs) } : {}),
    ...(status ? { status: status as 'open' | 'done' } : {}),
  };
}

export function parseLimit(text: string | undefined, fallback: number, flag = '--limit'): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    throw new TriageError('usage', `${flag} ${JSON.stringify(text)} is not a whole number.`, { hint: `Use ${flag} 20, or ${flag} 0 for no limit.` });
  }
  return n;
}

export interface CaseList {
  readonly cases: CaseSummary[];
  /** How many match the filter, shown or not. */
  readonly total: number;
}

export async function listHistory(store: CaseStore, filter: CaseFilter, limit: number): Promise<CaseList> {
  const cases = await store.listCases({ ...filter, ...(limit > 0 ? { limit } : {}) });
  const total = limit > 0 && cases.length === limit ? await store.countCases(filter) : cases.length;
  return { cases, total };
}

export function caseNotFound(id: string, store: Pick<CaseStore, 'location'>): TriageError {
  return new TriageError('case-not-found', `No case ${JSON.stringify(id)} in the case history (${store.location}).`, {
    hint: 'See the recorded cases with `triage cases list`, or find one with `triage cases search <words>`.',
  });
}

export async function findCase(store: CaseStore, idOrPrefix: string): Promise<CaseRecord> {
  const record = await store.getCase(idOrPrefix);
  if (!record) throw caseNotFound(idOrPrefix, store);
  return record;
}

export interface HistorySearch {
  readonly hits: SearchHit[];
  /** No case matched every word, so these match any of them. */
  readonly relaxed: boolean;
}

export async function searchHistory(store: CaseStore, text: string, options: { limit: number; filter: CaseFilter; customer?: string }): Promise<HistorySearch> {
  const search = { limit: options.limit, filter: options.filter, ...(options.customer ? { customer: options.customer } : {}) };
  const hits = await store.searchCases(text, search);
  if (hits.length > 0) return { hits, relaxed: false };
  const any = await store.searchCases(text, { ...search, match: 'any' });
  return { hits: any, relaxed: any.length > 0 };
}

/** How many of the latest cases without a playbook are grouped into knowledge gaps. */
const GAP_CASES = 500;

export async function historyStats(store: CaseStore, filter: CaseFilter): Promise<CaseStats & { readonly gaps: GapGroup[] }> {
  const stats = await store.stats(filter);
  const gapFilter: CaseFilter = { ...filter, playbooks: [GAP_PLAYBOOK_ID] };
  // A --playbook filter that leaves out cases without a playbook has no gaps to show.
  if (filter.playbooks && !filter.playbooks.includes(GAP_PLAYBOOK_ID)) return { ...stats, gaps: [] };
  const gapCases: GapCase[] = [];
  for (const summary of await store.listCases({ ...gapFilter, limit: GAP_CASES })) {
    const record = await store.getCase(summary.id);
    if (record) gapCases.push({ id: record.id, description: record.intake.description, startedAt: record.startedAt });
  }
  return { ...stats, gaps: groupKnowledgeGaps(gapCases) };
}

/** Resolves every id (or prefix) first, so an unknown one fails before anything is printed. */
export async function casesToExport(store: CaseStore, ids: readonly string[]): Promise<AsyncIterable<CaseRecord>> {
  if (ids.length === 0) return store.exportCases();
  const exact: string[] = [];
  for (const id of ids) exact.push((await findCase(store, id)).id);
  return store.exportCases(exact);
}

export interface PurgeResult {
  readonly removed: number;
  readonly dryRun: boolean;
  /** Cases last updated before this time were (or would be) removed. */
  readonly cutoff: string;
}

export async function purgeHistory(store: CaseStore, olderThan: string, nowMs: number, dryRun: boolean): Promise<PurgeResult> {
  const olderThanMs = parseOlderThan(olderThan);
  const removed = await store.purge(olderThanMs, nowMs, { dryRun });
  return { removed, dryRun, cutoff: new Date(nowMs - olderThanMs).toISOString() };
}

export type ImportResult = Record<UpsertResult, number> & { readonly read: number };

const IMPORT_BATCH = 1000;

/**
 * Imports JSON Lines (what `cases export` writes), a batch per transaction. A bad line stops the
 * import with its line number; the batches before it are stored, and importing again is safe
 * (saves are idempotent), so fix the line and rerun.
 */
export async function importHistory(store: CaseStore, lines: AsyncIterable<string>, source: string): Promise<ImportResult> {
  const counts: Record<UpsertResult, number> = { inserted: 0, updated: 0, unchanged: 0 };
  let batch: CaseRecord[] = [];
  let read = 0;
  let lineNumber = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await store.upsertCases(batch);
    for (const key of Object.keys(counts) as UpsertResult[]) counts[key] += result[key];
    batch = [];
  };
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw importError(source, lineNumber, `not JSON (${(error as Error).message})`, read);
    }
    const checked = validateCaseRecord(value);
    if (!checked.ok) throw importError(source, lineNumber, `not a case record: ${checked.problem}`, read);
    batch.push(checked.record);
    read += 1;
    if (batch.length >= IMPORT_BATCH) await flush();
  }
  await flush();
  return { ...counts, read };
}

function importError(source: string, line: number, problem: string, storedBefore: number): TriageError {
  const stored = storedBefore - (storedBefore % IMPORT_BATCH);
  return new TriageError('import-invalid', `Cannot import this line: it is ${problem}.`, {
    file: source,
    line,
    hint: `Each line must be one case as \`triage cases export\` writes it.${stored > 0 ? ` The first ${stored} cases were stored; fix the line and import again (repeats are harmless).` : ' Nothing was stored.'}`,
  });
}

/**
 * The case history as evidence for the intake's suggestions: the finished cases whose
 * descriptions share meaningful words with the new one (this customer's own first), read as
 * PastCase for the ranking (core/suggestions), which decides which of them are really similar.
 * A history that cannot be read never blocks the intake or a search: it is skipped with a note.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseRecord } from '../core/case-record.js';
import { significantWords, type PastCase } from '../core/suggestions.js';

/** How many history matches are weighed; the similarity bar then keeps the real ones. */
const CANDIDATES = 40;

export function pastCaseOf(record: CaseRecord): PastCase {
  return {
    id: record.id,
    ...(record.intake.customer.name ? { customer: record.intake.customer.name } : {}),
    ...(record.playbook.id ? { playbook: { id: record.playbook.id, title: record.playbook.title } } : {}),
    outcome: record.outcome ? `${record.outcome.kind}: ${record.outcome.title}` : 'no outcome',
    startedAt: record.startedAt,
    description: record.intake.description,
  };
}

/**
 * False when there is no history yet: then searching it would only create an empty one. Decided
 * without loading the case store, which `triage search` would otherwise pay for on every call
 * (the file name is the store's SQLITE_FILE_NAME; test/cli/search-history.test.ts covers both).
 */
export function historyMayExist(options: { readonly dataDir: string; readonly env: NodeJS.ProcessEnv }): boolean {
  return Boolean(options.env.TRIAGE_DATABASE_URL?.trim()) || existsSync(join(options.dataDir, 'cases.db'));
}

export async function findPastCases(
  description: string,
  options: { readonly customer?: string; readonly dataDir: string; readonly env: NodeJS.ProcessEnv },
): Promise<{ cases: PastCase[]; problem?: string }> {
  const words = significantWords(description);
  if (words.length === 0 || !historyMayExist(options)) return { cases: [] };
  let store: Awaited<ReturnType<typeof import('../io/case-store.js').openCaseStore>> | undefined;
  try {
    const { openCaseStore } = await import('../io/case-store.js');
    store = await openCaseStore({ dataDir: options.dataDir, env: options.env });
    const hits = await store.searchCases(words.join(' '), { match: 'any', customer: options.customer, filter: { status: 'done' }, limit: CANDIDATES });
    return { cases: hits.map((hit) => pastCaseOf(hit.record)) };
  } catch (error) {
    return { cases: [], problem: `Past cases could not be searched (${(error as Error).message}); continuing without them.` };
  } finally {
    await store?.close().catch(() => undefined);
  }
}

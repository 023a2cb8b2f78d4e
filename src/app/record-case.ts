/**
 * Stores a finished case in the history. A history that cannot be written never loses the
 * case: the session file stays, and the caller says where it is.
 */
import type { CaseRecord } from '../core/case-record.js';
import { openCaseStore } from '../io/case-store.js';

/** Returns a warning to show, or undefined when the case was stored. */
export async function recordCase(record: CaseRecord, options: { dataDir: string; env: NodeJS.ProcessEnv }): Promise<string | undefined> {
  const store = await openCaseStore({ dataDir: options.dataDir, env: options.env });
  try {
    await store.upsertCase(record);
    return undefined;
  } catch (error) {
    return `The case could not be added to the history (${(error as Error).message}). It is kept in ${options.dataDir}/sessions/${record.id}.json.`;
  } finally {
    await store.close().catch(() => undefined);
  }
}

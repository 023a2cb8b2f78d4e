/**
 * "Has this happened before?": during intake, the finished cases most like the new description,
 * this customer's own first, with the playbook that solved each. A history that cannot be read
 * never blocks the intake: it is skipped with a note.
 */
import { openCaseStore } from '../io/case-store.js';

export interface SimilarCase {
  readonly id: string;
  readonly customer?: string;
  readonly sameCustomer: boolean;
  readonly playbook: { readonly id: string; readonly title: string };
  readonly outcome: string;
  readonly startedAt: string;
  readonly snippet: string;
}

export async function findSimilarCases(
  description: string,
  options: { readonly customer?: string; readonly dataDir: string; readonly env: NodeJS.ProcessEnv; readonly limit?: number },
): Promise<{ cases: SimilarCase[]; problem?: string }> {
  if (description.trim() === '') return { cases: [] };
  const store = await openCaseStore({ dataDir: options.dataDir, env: options.env });
  try {
    const hits = await store.searchCases(description, { match: 'any', customer: options.customer, filter: { status: 'done' }, limit: options.limit ?? 5 });
    return {
      cases: hits.map((hit) => ({
        id: hit.record.id,
        customer: hit.record.intake.customer.name,
        sameCustomer: hit.sameCustomer,
        playbook: { id: hit.record.playbook.id, title: hit.record.playbook.title },
        outcome: hit.record.outcome ? `${hit.record.outcome.kind}: ${hit.record.outcome.title}` : 'no outcome',
        startedAt: hit.record.startedAt,
        snippet: hit.snippet,
      })),
    };
  } catch (error) {
    return { cases: [], problem: `Past cases could not be searched (${(error as Error).message}); continuing without them.` };
  } finally {
    await store.close().catch(() => undefined);
  }
}

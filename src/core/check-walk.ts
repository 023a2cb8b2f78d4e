/**
 * Where a playbook's checks lead: from the start, follow each check's `pass` or `fail` target by
 * its result, through nodes whose only way on is their check (asks are answered ahead, by
 * --answer). Stops at an outcome, at a node that needs a choice, at a link to another playbook, or
 * at a loop.
 */
import type { OutcomeKind, Playbook } from './model.js';

export interface CheckWalk {
  /** Node ids visited, in order. */
  readonly path: readonly string[];
  /** The first check on the path that failed. */
  readonly firstFailure?: string;
  /** The outcome reached, when the checks alone decide the path. */
  readonly outcome?: { readonly node: string; readonly kind: OutcomeKind; readonly title: string };
}

export function walkChecks(playbook: Playbook, passed: (nodeId: string) => boolean | undefined): CheckWalk {
  const path: string[] = [];
  let firstFailure: string | undefined;
  let id: string | undefined = playbook.start;
  while (id !== undefined && !path.includes(id)) {
    const node = playbook.nodes.find((n) => n.id === id);
    if (!node) break;
    path.push(node.id);
    if (node.outcome) return { path, ...(firstFailure ? { firstFailure } : {}), outcome: { node: node.id, kind: node.outcome.kind, title: node.outcome.title } };
    const result = node.check ? passed(node.id) : undefined;
    if (result === undefined) break;
    if (!result) firstFailure ??= node.id;
    id = result ? node.check!.pass : node.check!.fail;
  }
  return { path, ...(firstFailure ? { firstFailure } : {}) };
}

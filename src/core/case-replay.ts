/**
 * `triage cases replay <case>`: the recorded answers fed, in order, to the playbook as it is now.
 * Nothing runs: recorded probe values and check results are reused. Says whether the current
 * version reaches the same outcome by the same path, and where it parts ways if not.
 */
import type { CaseRecord } from './case-record.js';
import { TriageError } from './errors.js';
import { applyInput, startFlow, viewFlow } from './flow-engine.js';
import type { FlowState, PlaybookLibrary } from './flow-types.js';

export interface ReplayDifference {
  readonly kind: 'version' | 'diverged' | 'needs-input' | 'outcome' | 'path';
  readonly message: string;
}

export interface ReplayResult {
  readonly case: string;
  readonly playbook: { readonly id: string; readonly recordedVersion: string; readonly currentVersion: string };
  readonly recorded: { readonly outcome: string | null; readonly path: readonly string[] };
  readonly replayed: { readonly outcome: string | null; readonly path: readonly string[] };
  readonly same: boolean;
  readonly differences: readonly ReplayDifference[];
}

export function replayCase(record: CaseRecord, library: PlaybookLibrary): ReplayResult {
  const playbook = library.get(record.playbook.id);
  if (!playbook) {
    throw new TriageError('playbook/unknown', `Case ${record.id} used playbook ${record.playbook.id}, which is no longer loaded.`, {
      hint: 'Add its directory with --playbooks to replay against it.',
    });
  }
  const differences: ReplayDifference[] = [];
  if (playbook.version !== record.playbook.version) {
    differences.push({ kind: 'version', message: `The playbook is now version ${playbook.version}; the case ran ${record.playbook.version}.` });
  }
  let state: FlowState = startFlow(library, record.playbook.id);
  for (const [index, input] of record.inputs.entries()) {
    try {
      state = applyInput(library, state, input);
    } catch (error) {
      const at = viewFlow(library, state);
      differences.push({
        kind: 'diverged',
        message: `Answer ${index + 1} (${describeInput(input)}) no longer fits at "${at.node?.title ?? at.playbook.title}": ${(error as Error).message.split('\n')[0]}`,
      });
      break;
    }
  }
  const view = viewFlow(library, state);
  const replayedPath = view.path.map((s) => s.node);
  const recordedPath = recordedPathOf(record);
  const recordedOutcome = record.outcome ? `${record.outcome.kind}: ${record.outcome.title}` : null;
  let replayedOutcome: string | null = null;
  if (view.pending.kind === 'outcome') {
    replayedOutcome = `${view.pending.outcome.kind}: ${view.pending.outcome.title}`;
  } else if (!differences.some((d) => d.kind === 'diverged')) {
    const pending = view.pending;
    const what = pending.kind === 'ask' ? `the ask "${pending.ask.key}"` : pending.kind === 'env' ? `the env field "${pending.field.key}"` : pending.kind === 'choice' ? `a choice at "${pending.node.title}"` : pending.kind === 'check' ? `a new check at "${pending.node.title}"` : pending.kind === 'action' ? `the action "${pending.action.key}"` : 'new environment probes';
    differences.push({ kind: 'needs-input', message: `The current version needs ${what}, which the case never answered.` });
  }
  if (recordedOutcome !== replayedOutcome) {
    differences.push({ kind: 'outcome', message: `Outcome was "${recordedOutcome ?? 'none'}", now "${replayedOutcome ?? 'none'}".` });
  }
  if (recordedPath.length > 0 && recordedPath.join('>') !== replayedPath.join('>')) {
    differences.push({ kind: 'path', message: `Path was ${recordedPath.join(' → ')}; now ${replayedPath.join(' → ')}.` });
  }
  const same = differences.every((d) => d.kind === 'version');
  return {
    case: record.id,
    playbook: { id: playbook.id, recordedVersion: record.playbook.version, currentVersion: playbook.version },
    recorded: { outcome: recordedOutcome, path: recordedPath },
    replayed: { outcome: replayedOutcome, path: replayedPath },
    same,
    differences,
  };
}

function recordedPathOf(record: CaseRecord): string[] {
  const path = (record.report as { path?: { node?: unknown }[] } | undefined)?.path;
  if (!Array.isArray(path)) return [];
  return path.map((s) => String(s.node ?? ''));
}

function describeInput(input: CaseRecord['inputs'][number]): string {
  switch (input.kind) {
    case 'choice':
      return `${input.node} = "${input.label}"`;
    case 'ask':
    case 'env':
      return `${input.key}`;
    case 'action':
      return `action ${input.key} = ${input.status}`;
    case 'check':
      return `check at ${input.node}`;
    case 'probes':
      return `probes of ${input.playbook}`;
  }
}

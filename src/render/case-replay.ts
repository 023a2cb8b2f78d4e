/** `triage cases replay` as text: what the current playbook version does with a recorded case. */
import type { ReplayResult } from '../core/case-replay.js';

export function renderReplayText(result: ReplayResult): string {
  const lines = [
    `Case ${result.case}: ${result.playbook.id} ${result.playbook.recordedVersion} → ${result.playbook.currentVersion}`,
    `  recorded: ${result.recorded.outcome ?? 'no outcome'}`,
    `  replayed: ${result.replayed.outcome ?? 'no outcome'}`,
    result.same ? 'Same outcome by the same path.' : 'What changed:',
    ...result.differences.filter((d) => !result.same || d.kind !== 'version').map((d) => `  - ${d.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** `triage check` output for people. */
import type { CheckReport } from '../app/check.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';

export function renderCheckResults(report: CheckReport): string {
  const lines = [`${report.playbook.id} ${report.playbook.version}`];
  const probeKeys = Object.keys(report.probes);
  if (probeKeys.length > 0) {
    lines.push('', 'Environment:');
    const width = Math.max(...probeKeys.map((k) => k.length));
    for (const key of probeKeys) lines.push(`  ${key.padEnd(width)}  ${report.probes[key]}`);
  }
  lines.push('', report.checks.length === 0 ? 'No check blocks in this playbook.' : 'Checks:');
  for (const check of report.checks) {
    lines.push(`  ${check.passed ? 'PASS' : 'FAIL'}  #${check.node}  ${check.argv.join(' ')}  (${check.duration_ms} ms)${check.passed ? '' : `  ${check.detail}`}`);
  }
  const failed = report.checks.filter((c) => !c.passed).length;
  lines.push('', `${report.checks.length - failed} passed, ${failed} failed`);
  return sanitizeForTerminal(`${lines.join('\n')}\n`);
}

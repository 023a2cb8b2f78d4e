/** `triage check` output: text for people, JUnit XML for CI (JSON is the report as it is). */
import type { CheckEntry, CheckReport } from '../core/check-report.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';

function label(check: CheckEntry): string {
  return check.probe ? `${check.probe} ${check.target || '(no target)'}` : check.argv.join(' ');
}

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
    const seen = check.probe ? `  ${check.observed}` : '';
    lines.push(`  ${check.passed ? 'PASS' : 'FAIL'}  #${check.node}  ${label(check)}  (${check.duration_ms} ms)${check.passed ? seen : `  ${check.detail}`}`);
  }
  const failed = report.checks.filter((c) => !c.passed).length;
  lines.push('', `${report.checks.length - failed} passed, ${failed} failed`);
  const first = report.first_failure;
  if (first) {
    lines.push('', `First failure: #${first.node} (${first.title})`, `  For engineers: ${first.detail}`);
    if (first.customer) lines.push(`  For the customer: ${capitalise(first.customer)}.`);
  }
  if (report.outcome) lines.push('', `Leads to: ${report.outcome.kind}: ${report.outcome.title} (#${report.outcome.node})`);
  return sanitizeForTerminal(`${lines.join('\n')}\n`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Text safe in XML 1.0: the five entities escaped, characters XML cannot hold dropped. */
export function xmlText(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function valuesText(values: CheckEntry['values']): string[] {
  return Object.entries(values ?? {}).map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
}

/**
 * One `<testsuite>` in the Ant JUnit format that GitHub, GitLab and Jenkins read: a test case per
 * check (probe or command), a `<failure>` holding the observed value for each failed one, the
 * playbook, the first failure and the outcome as properties.
 */
export function renderCheckJunit(report: CheckReport, options: { readonly timestamp: Date; readonly hostname?: string }): string {
  const failed = report.checks.filter((c) => !c.passed).length;
  const total = report.checks.reduce((sum, c) => sum + c.duration_ms, 0);
  const properties: [string, string][] = [
    ['playbook.id', report.playbook.id],
    ['playbook.version', report.playbook.version],
    ...Object.entries(report.probes).map(([k, v]): [string, string] => [`env.${k}`, v]),
    ...(report.first_failure ? ([['first_failure', `#${report.first_failure.node}: ${report.first_failure.detail}`]] as [string, string][]) : []),
    ...(report.first_failure?.customer ? ([['first_failure.customer', report.first_failure.customer]] as [string, string][]) : []),
    ...(report.outcome ? ([['outcome', `${report.outcome.kind}: ${report.outcome.title}`]] as [string, string][]) : []),
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="${xmlText(`triage.${report.playbook.id}`)}" timestamp="${options.timestamp.toISOString().slice(0, 19)}" hostname="${xmlText(options.hostname || 'localhost')}" tests="${report.checks.length}" failures="${failed}" errors="0" skipped="0" time="${seconds(total)}">`,
    '  <properties>',
    ...properties.map(([name, value]) => `    <property name="${xmlText(name)}" value="${xmlText(value)}"/>`),
    '  </properties>',
  ];
  for (const check of report.checks) {
    const open = `  <testcase classname="${xmlText(report.playbook.id)}" name="${xmlText(`${check.probe ?? 'run'}: ${check.title} (#${check.node})`)}" time="${seconds(check.duration_ms)}"`;
    if (check.passed) {
      lines.push(`${open}/>`);
      continue;
    }
    const body = [
      `${label(check)}`,
      `observed: ${check.observed || '(nothing)'}`,
      `detail: ${check.detail}`,
      ...(check.customer ? [`for the customer: ${check.customer}`] : []),
      ...valuesText(check.values),
    ].join('\n');
    lines.push(
      `${open}>`,
      `    <failure type="${xmlText(check.failure ?? (check.timed_out ? 'timeout' : 'check-failed'))}" message="${xmlText(check.observed ? `${check.observed}: ${check.detail}` : check.detail)}">${xmlText(body)}</failure>`,
      '  </testcase>',
    );
  }
  const out = report.checks.map((c) => `${c.passed ? 'PASS' : 'FAIL'} #${c.node} ${label(c)}: ${c.passed ? c.observed || 'ok' : c.detail}`).join('\n');
  lines.push(`  <system-out>${xmlText(out)}</system-out>`, '  <system-err></system-err>', '</testsuite>');
  return `${lines.join('\n')}\n`;
}

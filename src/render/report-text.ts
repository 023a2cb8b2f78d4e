/**
 * A report as plain text for a terminal: labelled, aligned, no ANSI (colour is added by the
 * caller when stdout is a TTY). Deterministic: everything comes from the report.
 */
import { formatAnswerValue } from '../core/answer-values.js';
import type { ActionStatus } from '../core/model.js';
import type { Report } from '../core/report.js';

/** `850 ms`, `12 s`, `4 min 32 s`, `1 h 5 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

const CHANNEL_WORDS: Readonly<Record<string, string>> = { email: 'wrote by email', chat: 'wrote in chat', phone: 'called' };

/**
 * `Dana Whitfield wrote by email, angry (repeat contact, deadline)`; a customer who gave no name is
 * `The customer (no name given) wrote in chat, calm`, which reads as a sentence rather than a gap.
 */
export function describeCustomer(customer: {
  readonly name?: string | null;
  readonly channel: string;
  readonly mood: string;
  readonly signals?: readonly string[];
}): string {
  const who = customer.name ? customer.name : 'The customer (no name given)';
  // Reports stored before signals existed have none.
  const signals = (customer.signals ?? []).map((s) => s.replace(/-/g, ' '));
  return `${who} ${CHANNEL_WORDS[customer.channel] ?? `contacted us by ${customer.channel}`}, ${customer.mood}${signals.length > 0 ? ` (${signals.join(', ')})` : ''}`;
}

/**
 * Summary rows that are shown only when known: the account, and scope, frequency and when it
 * started (asked by the playbook or before the report was final). Never "not asked" filler.
 */
export function knownCaseFacts(report: Report): [string, string][] {
  const rows: [string, string][] = [];
  if (report.customer.account) rows.push(['Account', report.customer.account]);
  if (report.scope) rows.push(['Scope', report.scope]);
  if (report.frequency) rows.push(['Frequency', report.frequency]);
  if (report.started) rows.push(['Started', report.started]);
  return rows;
}

/** The outcome as one line: `bug: PDF export times out`. */
export function describeOutcome(outcome: Report['outcome']): string {
  return `${outcome.kind}: ${outcome.title}`;
}

/** The last step of the path when it is the outcome node and nothing was answered there. */
export function isOutcomeStep(report: Report, index: number): boolean {
  const step = report.path[index];
  return index === report.path.length - 1 && step?.node === report.outcome.node && step.answer === '';
}

/** An action's result as the agent chose it. */
export const ACTION_RESULT_TEXT: Readonly<Record<ActionStatus, string>> = {
  done: 'done',
  failed: "couldn't do it",
  'not-needed': 'not needed',
};

/** `done (RF-1234)`: the result and, when given, its reference. Reports stored before actions have none. */
export function describeActionResult(action: Report['actions'][number]): string {
  return `${ACTION_RESULT_TEXT[action.status] ?? action.status}${action.reference ? ` (${action.reference})` : ''}`;
}

const LABEL_WIDTH = 12;

/** `Label       value`, continuation lines aligned under the value. */
function field(label: string, value: string): string {
  const [first = '', ...rest] = value.split('\n');
  const pad = ' '.repeat(LABEL_WIDTH);
  return [`${label.padEnd(LABEL_WIDTH)}${first}`, ...rest.map((line) => (line === '' ? '' : `${pad}${line}`))].join('\n').trimEnd();
}

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? '' : `${by}${line}`))
    .join('\n');
}

function section(heading: string, body: string): string {
  return `${heading}\n${'-'.repeat(heading.length)}\n${body}`;
}

/** Two aligned columns (`key  value`); multi-line values continue under the value column. */
function keyValues(entries: readonly (readonly [string, string])[]): string {
  const width = Math.max(...entries.map(([key]) => key.length));
  return entries
    .map(([key, value]) => {
      const [first = '', ...rest] = value.split('\n');
      return [`  ${key.padEnd(width)}  ${first}`.trimEnd(), ...rest.map((line) => `  ${' '.repeat(width)}  ${line}`.trimEnd())].join('\n');
    })
    .join('\n');
}

function numbered(items: readonly string[]): string {
  const width = String(items.length).length;
  return items
    .map((item, i) => {
      const marker = `${String(i + 1).padStart(width)}. `;
      const [first = '', ...rest] = item.split('\n');
      return [`  ${marker}${first}`, ...rest.map((line) => `  ${' '.repeat(marker.length)}${line}`)].join('\n').trimEnd();
    })
    .join('\n');
}

export function renderReportText(report: Report): string {
  const summary = [
    field('Case', report.case.id),
    field('Outcome', `${describeOutcome(report.outcome)} (${report.outcome.node})`),
    field('Severity', report.severity ?? 'not rated'),
    field('Component', report.component ?? 'not set'),
    field('Labels', report.labels.length > 0 ? report.labels.join(', ') : 'none'),
    field('Customer', describeCustomer(report.customer)),
    ...knownCaseFacts(report).map(([label, value]) => field(label === 'Started' ? 'Began' : label, value)),
    ...(report.agent ? [field('Agent', report.agent)] : []),
    field('Playbook', `${report.playbook.id} ${report.playbook.version} (${report.playbook.path})`),
    ...(report.started_in.id !== report.playbook.id ? [field('Started in', `${report.started_in.id} ${report.started_in.version}`)] : []),
    field('Started at', report.started_at),
    field('Finished', `${report.finished_at} (${formatDuration(report.duration_ms)})`),
  ].join('\n');

  const environment = Object.entries(report.environment);
  const answers = Object.entries(report.answers).map(([key, value]) => [key, formatAnswerValue(value)] as const);
  const path = report.path.map((step, i) => {
    const node = step.playbook === report.playbook.id ? step.node : `${step.playbook}#${step.node}`;
    const lines = [`${step.title} [${node}]`];
    if (step.said) lines.push(`said:   ${step.said.replace(/\n/g, '\n        ')}`);
    if (step.answer) lines.push(`answer: ${step.answer.replace(/\n/g, '\n        ')}`);
    if (isOutcomeStep(report, i)) lines.push(`outcome: ${report.outcome.kind}`);
    return lines.join('\n');
  });

  const sections = [
    `${report.title}\n${'='.repeat(Math.min(report.title.length, 72))}`,
    summary,
    section('Description', indent(report.description || '(none given)')),
    section('Environment', environment.length > 0 ? keyValues(environment) : '  (none captured)'),
    section('Steps to reproduce', numbered(report.steps_to_reproduce)),
    section('Expected', indent(report.expected ?? '(not stated)')),
    section('Actual', indent(report.actual)),
    ...(answers.length > 0 ? [section('Answers', keyValues(answers))] : []),
    ...((report.actions ?? []).length > 0
      ? [section('Agent actions', numbered(report.actions.map((a) => `${a.do}\n→ ${describeActionResult(a)} [${a.key}]`)))]
      : []),
    section('Path', numbered(path)),
    ...(report.reply !== null ? [section('Reply to the customer', indent(report.reply))] : []),
    // Only the first line: later lines are inside a quoted value (a multi-line description) and
    // must reach the shell as they are when the command is copied.
    section('Replay', `  ${report.replay}`),
  ];
  return `${sections.join('\n\n')}\n`;
}

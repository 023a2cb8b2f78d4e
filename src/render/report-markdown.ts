/**
 * A report as GitHub-flavoured Markdown, to paste into an issue: summary table, environment,
 * numbered steps, expected vs actual, the path in a collapsed <details>, the reply and the replay
 * command. Text from customers and playbooks is escaped where it could break the layout (table
 * pipes and newlines, raw HTML, backticks in code spans).
 */
import { formatAnswerValue } from '../core/answer-values.js';
import type { Report } from '../core/report.js';
import { describeActionResult, describeCustomer, describeOutcome, formatDuration, isOutcomeStep, knownCaseFacts } from './report-text.js';

/** Raw HTML in user text would be rendered (or swallowed) by GitHub: show it as text. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline Markdown punctuation: emphasis, code, links, images, strike-through, autolinks, escapes. */
const INLINE_SPECIAL = /[\\`*_[\]~!|]/g;

/**
 * One line of customer or playbook text shown literally by GitHub and GitLab: no raw HTML, no
 * emphasis, links or code spans, and nothing at the start of the line that would make a heading,
 * a list item, a quote, a rule or a table.
 */
export function escapeMarkdownLine(line: string): string {
  return escapeHtml(line)
    .replace(INLINE_SPECIAL, '\\$&')
    .replace(/^(\s*)(#{1,6}(?=\s|$)|[-+](?=\s|$)|=+\s*$|-+\s*$)/, '$1\\$2')
    .replace(/^(\s*\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
}

/** Multi-line text, each line escaped (escapeMarkdownLine). */
export function escapeMarkdown(text: string): string {
  return text.split(/\r?\n/).map(escapeMarkdownLine).join('\n');
}

/** Text for one table cell: no raw HTML or Markdown, pipes escaped, line breaks as <br>. */
export function escapeCell(text: string): string {
  const cell = text
    .trim()
    .split(/\r?\n/)
    .map((line) => escapeMarkdownLine(line.trim()))
    .join('<br>');
  return cell === '' ? ' ' : cell;
}

/** Inline code that survives backticks inside it (and pipes, when in a table). */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Inline code in a table cell: one line, pipes escaped (GFM unescapes `\|` even in code spans). */
function codeCell(text: string): string {
  return code(text.replace(/\s*\r?\n\s*/g, ' ')).replace(/\|/g, '\\|');
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(text: string, info: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

/** A paragraph of user or playbook text: no raw HTML or Markdown; a line break stays a line break. */
function paragraph(text: string): string {
  return escapeMarkdown(text.trim()).replace(/\r?\n(?!\r?\n)/g, '  \n');
}

function quote(text: string): string {
  return escapeMarkdown(text.trim())
    .split(/\r?\n/)
    .map((line) => (line === '' ? '>' : `> ${line}`))
    .join('\n');
}

function heading(level: number, text: string): string {
  return `${'#'.repeat(level)} ${escapeMarkdownLine(text.replace(/\s+/g, ' ').trim()).replace(/#+$/, (hashes) => hashes.replace(/#/g, '\\#'))}`;
}

export function renderReportMarkdown(report: Report): string {
  const cellOrNone = (value: string | null, none: string): string => (value === null || value.trim() === '' ? `_${none}_` : escapeCell(value));
  const summaryRows: string[][] = [
    ['Case', codeCell(report.case.id)],
    ['Outcome', `${escapeCell(describeOutcome(report.outcome))} (${codeCell(report.outcome.node)})`],
    ['Severity', cellOrNone(report.severity, 'not rated')],
    ['Component', cellOrNone(report.component, 'not set')],
    ['Labels', report.labels.length > 0 ? report.labels.map((label) => codeCell(label)).join(', ') : '_none_'],
    ['Customer', escapeCell(describeCustomer(report.customer))],
    ...knownCaseFacts(report).map(([label, value]) => [label === 'Started' ? 'Began' : label, escapeCell(value)]),
    ...(report.agent ? [['Agent', escapeCell(report.agent)]] : []),
    ['Playbook', `${escapeCell(`${report.playbook.id} ${report.playbook.version}`)} (${codeCell(report.playbook.path)})`],
    ...(report.started_in.id !== report.playbook.id
      ? [['Started in', escapeCell(`${report.started_in.id} ${report.started_in.version}`)]]
      : []),
    ['Time', escapeCell(`${report.started_at} → ${report.finished_at} (${formatDuration(report.duration_ms)})`)],
  ];

  const parts: string[] = [heading(2, report.title), table(['Field', 'Value'], summaryRows)];

  parts.push(heading(3, 'Summary'), report.description.trim() !== '' ? `The customer reported:\n\n${quote(report.description)}` : '_No description was given._');

  const environment = Object.entries(report.environment);
  parts.push(
    heading(3, 'Environment'),
    environment.length > 0
      ? table(['Key', 'Value'], environment.map(([key, value]) => [codeCell(key), escapeCell(value)]))
      : '_Nothing was captured._',
  );

  parts.push(
    heading(3, 'Steps to reproduce'),
    report.steps_to_reproduce.map((step, i) => `${i + 1}. ${escapeMarkdownLine(step.replace(/\s*\n\s*/g, ' '))}`).join('\n'),
  );

  parts.push(heading(3, 'Expected'), report.expected !== null ? paragraph(report.expected) : '_Not stated._');
  parts.push(heading(3, 'Actual'), paragraph(report.actual));

  const answers = Object.entries(report.answers);
  if (answers.length > 0) {
    parts.push(
      heading(3, 'Answers'),
      table(['Key', 'Value'], answers.map(([key, value]) => [codeCell(key), escapeCell(formatAnswerValue(value))])),
    );
  }

  if ((report.actions ?? []).length > 0) {
    parts.push(
      heading(3, 'Agent actions'),
      table(['Action', 'Result', 'Key'], report.actions.map((a) => [escapeCell(a.do), escapeCell(describeActionResult(a)), codeCell(a.key)])),
    );
  }

  const pathRows = report.path.map((step, i) => [
    String(i + 1),
    `${escapeCell(step.title)}<br>${codeCell(step.playbook === report.playbook.id ? step.node : `${step.playbook}#${step.node}`)}`,
    escapeCell(step.said),
    isOutcomeStep(report, i) ? `_outcome: ${escapeCell(report.outcome.kind)}_` : escapeCell(step.answer),
  ]);
  // <details> needs blank lines around its Markdown content for GitHub to render it.
  parts.push(
    [
      '<details>',
      `<summary>Path through the playbook (${report.path.length} step${report.path.length === 1 ? '' : 's'})</summary>`,
      '',
      table(['#', 'Node', 'Said', 'Answer'], pathRows),
      '',
      '</details>',
    ].join('\n'),
  );

  if (report.reply !== null) {
    parts.push(['<details>', '<summary>Reply to the customer</summary>', '', fenced(report.reply, 'text'), '', '</details>'].join('\n'));
  }

  parts.push(heading(3, 'Replay'), fenced(report.replay, 'sh'));
  return `${parts.join('\n\n')}\n`;
}

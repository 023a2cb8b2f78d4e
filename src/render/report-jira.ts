/**
 * A report as Jira wiki markup (what `POST /rest/api/2/issue` and Jira Server/Data Center
 * description fields render): `h2.`/`h3.` headings, `||head||` tables, `#` numbered steps,
 * `{quote}`, `{noformat}` and `{code}` blocks. The same sections as the GitHub Markdown report.
 *
 * Text from customers and playbooks is escaped so it shows as typed instead of formatting:
 * - `{ } [ ] !` always (macros, links, images), with a backslash;
 * - `|` as the entity `&#124;`: Atlassian's parser ends a table cell even at `\|`;
 * - `* _ - + ^ ~` unless between two letters or digits, where Jira never starts or ends bold,
 *   italics, strike-through, insert, superscript or subscript (`export-fails` stays readable);
 * - `??` (citation), and `&name;` that would read as an entity;
 * - a backslash that would escape the next character or make `\\` (a line break) becomes `&#92;`;
 * - at the start of a line, `#`, `h1.`–`h6.` and `bq.` (lists, headings, quotes) start with an
 *   entity instead of the character.
 */
import { formatAnswerValue } from '../core/answer-values.js';
import type { Report } from '../core/report.js';
import { describeActionResult, describeCustomer, describeOutcome, formatDuration, isOutcomeStep, knownCaseFacts } from './report-text.js';

const ALWAYS = new Set(['{', '}', '[', ']', '|', '!']);
const FLANKING = new Set(['*', '_', '-', '+', '^', '~']);
/** Characters a backslash escapes in Jira (and the backslash itself). */
const ESCAPABLE = new Set([...ALWAYS, ...FLANKING, '?', '\\', '#', '&']);
const WORD = /[\p{L}\p{N}]/u;

/** One line of text as Jira shows it literally. Newlines are the caller's business. */
export function escapeJiraText(text: string): string {
  const chars = [...text];
  let out = '';
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i]!;
    const prev = chars[i - 1];
    const next = chars[i + 1];
    if (c === '\\') {
      out += next === undefined || ESCAPABLE.has(next) ? '&#92;' : '\\';
    } else if (c === '|') {
      out += '&#124;';
    } else if (ALWAYS.has(c)) {
      out += `\\${c}`;
    } else if (FLANKING.has(c)) {
      const inWord = prev !== undefined && next !== undefined && WORD.test(prev) && WORD.test(next);
      out += inWord ? c : `\\${c}`;
    } else if (c === '?' && (prev === '?' || next === '?')) {
      out += '\\?';
    } else if (c === '&' && /^&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.test(chars.slice(i, i + 12).join(''))) {
      out += '&amp;';
    } else {
      out += c;
    }
  }
  return out;
}

/** A line that would start a list, heading or quote starts with an entity instead. */
function protectLineStart(line: string): string {
  return line
    .replace(/^(\s*)#/, '$1&#35;')
    .replace(/^(\s*)h([1-6]\.)/, '$1&#104;$2')
    .replace(/^(\s*)b(q\.)/, '$1&#98;$2');
}

/** Multi-line user text as lines of Jira text (each escaped and safe at the start of a line). */
export function jiraParagraph(text: string): string {
  return text
    .trim()
    .split(/\r?\n/)
    .map((line) => protectLineStart(escapeJiraText(line.trimEnd())))
    .join('\n');
}

/** A table cell: one line (`\\` breaks lines inside a cell), never empty (Jira drops `||`). */
export function jiraCell(text: string): string {
  const cell = text
    .trim()
    .split(/\r?\n/)
    .map((line) => escapeJiraText(line.trim()))
    .join(' \\\\ ');
  return cell === '' ? ' ' : cell;
}

/** `{{monospace}}`; the content is escaped like any text, so `}}` inside cannot close it. */
export function jiraMonospace(text: string): string {
  return `{{${escapeJiraText(text.replace(/\s*\r?\n\s*/g, ' '))}}}`;
}

function italic(text: string): string {
  return `_${escapeJiraText(text)}_`;
}

/** Zero-width space: breaks a closing tag that occurs inside the block's own text. */
const ZWSP = '\u200b';

/**
 * A preformatted block that cannot be closed early by its content: `{code:lang}` normally,
 * `{noformat}` when the text contains `{code}` (and the other way round for prose).
 */
export function jiraBlock(text: string, kind: { code: string } | 'prose'): string {
  const body = text.replace(/\n+$/, '');
  const hasCode = body.includes('{code}');
  const hasNoformat = body.includes('{noformat}');
  if (kind === 'prose') {
    if (!hasNoformat) return `{noformat}\n${body}\n{noformat}`;
    if (!hasCode) return `{code:none}\n${body}\n{code}`;
    return `{noformat}\n${body.split('{noformat}').join(`{${ZWSP}noformat}`)}\n{noformat}`;
  }
  if (!hasCode) return `{code:${kind.code}}\n${body}\n{code}`;
  if (!hasNoformat) return `{noformat}\n${body}\n{noformat}`;
  return `{code:${kind.code}}\n${body.split('{code}').join(`{${ZWSP}code}`)}\n{code}`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`||${head.map(escapeJiraText).join('||')}||`, ...rows.map((row) => `|${row.join('|')}|`)].join('\n');
}

function heading(level: 2 | 3, text: string): string {
  return `h${level}. ${escapeJiraText(text.replace(/\s+/g, ' ').trim())}`;
}

export function renderReportJira(report: Report): string {
  const cellOrNone = (value: string | null, none: string): string => (value === null || value.trim() === '' ? italic(none) : jiraCell(value));
  const summaryRows: string[][] = [
    ['Case', jiraMonospace(report.case.id)],
    ['Outcome', `${jiraCell(describeOutcome(report.outcome))} (${jiraMonospace(report.outcome.node)})`],
    ['Severity', cellOrNone(report.severity, 'not rated')],
    ['Component', cellOrNone(report.component, 'not set')],
    ['Labels', report.labels.length > 0 ? report.labels.map((label) => jiraMonospace(label)).join(', ') : italic('none')],
    ['Customer', jiraCell(describeCustomer(report.customer))],
    ...knownCaseFacts(report).map(([label, value]) => [label === 'Started' ? 'Began' : label, jiraCell(value)]),
    ...(report.agent ? [['Agent', jiraCell(report.agent)]] : []),
    ['Playbook', `${jiraCell(`${report.playbook.id} ${report.playbook.version}`)} (${jiraMonospace(report.playbook.path)})`],
    ...(report.started_in.id !== report.playbook.id ? [['Started in', jiraCell(`${report.started_in.id} ${report.started_in.version}`)]] : []),
    ['Time', jiraCell(`${report.started_at} → ${report.finished_at} (${formatDuration(report.duration_ms)})`)],
  ];

  const parts: string[] = [heading(2, report.title), table(['Field', 'Value'], summaryRows)];

  parts.push(
    heading(3, 'Summary'),
    report.description.trim() !== '' ? `The customer reported:\n{quote}\n${jiraParagraph(report.description)}\n{quote}` : italic('No description was given.'),
  );

  const environment = Object.entries(report.environment);
  parts.push(
    heading(3, 'Environment'),
    environment.length > 0 ? table(['Key', 'Value'], environment.map(([key, value]) => [jiraMonospace(key), jiraCell(value)])) : italic('Nothing was captured.'),
  );

  parts.push(heading(3, 'Steps to reproduce'), report.steps_to_reproduce.map((step) => `# ${escapeJiraText(step.replace(/\s*\r?\n\s*/g, ' ').trim())}`).join('\n'));

  parts.push(heading(3, 'Expected'), report.expected !== null ? jiraParagraph(report.expected) : italic('Not stated.'));
  parts.push(heading(3, 'Actual'), jiraParagraph(report.actual));

  const answers = Object.entries(report.answers);
  if (answers.length > 0) {
    parts.push(heading(3, 'Answers'), table(['Key', 'Value'], answers.map(([key, value]) => [jiraMonospace(key), jiraCell(formatAnswerValue(value))])));
  }

  if ((report.actions ?? []).length > 0) {
    parts.push(heading(3, 'Agent actions'), table(['Action', 'Result', 'Key'], report.actions.map((a) => [jiraCell(a.do), jiraCell(describeActionResult(a)), jiraMonospace(a.key)])));
  }

  const pathRows = report.path.map((step, i) => [
    String(i + 1),
    `${jiraCell(step.title)} \\\\ ${jiraMonospace(step.playbook === report.playbook.id ? step.node : `${step.playbook}#${step.node}`)}`,
    jiraCell(step.said),
    isOutcomeStep(report, i) ? italic(`outcome: ${report.outcome.kind}`) : jiraCell(step.answer),
  ]);
  // Jira has no collapsible section outside Confluence's {expand}: the path is a plain table.
  parts.push(
    heading(3, `Path through the playbook (${report.path.length} step${report.path.length === 1 ? '' : 's'})`),
    table(['#', 'Node', 'Said', 'Answer'], pathRows),
  );

  if (report.reply !== null) parts.push(heading(3, 'Reply to the customer'), jiraBlock(report.reply, 'prose'));

  parts.push(heading(3, 'Replay'), jiraBlock(report.replay, { code: 'bash' }));
  return `${parts.join('\n\n')}\n`;
}

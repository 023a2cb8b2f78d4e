/** What `run` prints: the report, the reply, or both, as markdown, text or JSON. */
import type { FinishedCase } from '../core/finished-case.js';
import { HOW_TO_KINDS, type OutcomeKind } from '../core/model.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { neutralizeQuickActions } from './report-gitlab.js';
import { jiraParagraph, renderReportJira } from './report-jira.js';
import { renderReportJson } from './report-json.js';
import { renderReportMarkdown } from './report-markdown.js';
import { describeActionResult, renderReportText } from './report-text.js';

export type Emit = 'report' | 'reply' | 'both';
/** `jira` is Jira wiki markup; `gitlab` is the Markdown report with GitLab's differences (report-gitlab.ts). */
export type OutputFormat = 'markdown' | 'text' | 'json' | 'jira' | 'gitlab';

/** docs/cli.md (`--emit`): replies for how-to outcomes, report + reply for the rest. */
export function defaultEmit(kind: OutcomeKind): Emit {
  return HOW_TO_KINDS.includes(kind) ? 'reply' : 'both';
}

export function renderCaseOutput(finished: FinishedCase, options: { format: OutputFormat; emit: Emit }): string {
  // JSON escapes control characters itself; text and Markdown land on terminals and in trackers,
  // so an escape sequence that reached a case (an old session, a probe's output) is made visible.
  return options.format === 'json' ? renderCase(finished, options) : sanitizeForTerminal(renderCase(finished, options));
}

function renderCase(finished: FinishedCase, options: { format: OutputFormat; emit: Emit }): string {
  const { report, reply } = finished;
  if (options.format === 'json') {
    // One object always: the whole report (which carries the reply), or just the reply.
    if (options.emit === 'reply') return `${JSON.stringify({ schema: 'triage.reply/v1', case: report.case, outcome: report.outcome, reply }, null, 2)}\n`;
    return renderReportJson(report);
  }
  const replyText = reply ?? '';
  if (options.emit === 'reply') return ensureNewline(replyText);
  if (options.format === 'gitlab') return neutralizeQuickActions(renderCase(finished, { ...options, format: 'markdown' }));
  if (options.format === 'jira') {
    const shownReport = options.emit === 'both' ? { ...report, reply: null } : report;
    const jira = renderReportJira(shownReport);
    if (options.emit === 'report' || !reply) return jira;
    return `${jira}
----

h2. Reply to the customer

${ensureNewline(jiraParagraph(replyText))}`;
  }
  // With both, the reply follows the report once, rather than also inside it.
  const shown = options.emit === 'both' ? { ...report, reply: null } : report;
  const reportText = options.format === 'markdown' ? renderReportMarkdown(shown) : renderReportText(shown);
  if (options.emit === 'report' || !reply) return ensureNewline(reportText);
  const separator = options.format === 'markdown' ? '\n---\n\n## Reply to the customer\n\n' : `\n${'─'.repeat(60)}\nReply to the customer\n${'─'.repeat(60)}\n\n`;
  return ensureNewline(`${ensureNewline(reportText)}${separator}${replyText}`);
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** The summary table at the end of an interactive run: answers and environment. */
export function summaryRows(finished: FinishedCase): string[][] {
  const rows: string[][] = [];
  for (const [key, value] of Object.entries(finished.report.answers)) rows.push([`answer: ${key}`, Array.isArray(value) ? value.join(', ') : String(value)]);
  for (const action of finished.report.actions ?? []) rows.push([`action: ${action.key}`, describeActionResult(action)]);
  for (const [key, value] of Object.entries(finished.report.environment)) rows.push([`env: ${key}`, value]);
  rows.push(['case', finished.record.id]);
  return rows.map((row) => row.map(sanitizeForTerminal));
}

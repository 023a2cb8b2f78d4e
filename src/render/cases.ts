/**
 * `triage cases` output: tables and text for people, JSON/JSONL/CSV for scripts and spreadsheets.
 * Times are shown in UTC (`2026-11-01 10:00`) so output does not depend on the machine's zone.
 */
import { formatAnswerValue } from '../core/answer-values.js';
import type { CaseRecord } from '../core/case-record.js';
import { SNIPPET_END, SNIPPET_START, type CaseSummary, type SearchHit } from '../core/case-query.js';
import type { GapGroup } from '../core/knowledge-gaps.js';
import type { CaseStats, FcrStats } from '../core/case-stats.js';
import { OUTCOME_KINDS } from '../core/model.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import type { Report } from '../core/report.js';
import { renderReportJson } from './report-json.js';
import { escapeCell, escapeHtml, renderReportMarkdown } from './report-markdown.js';
import { describeCustomer, formatDuration, renderReportText } from './report-text.js';
import { hasColor, type Style } from './style.js';
import { renderTable, type TableOptions } from './table.js';

export function formatTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

function outcomeOf(summary: Pick<CaseSummary, 'status' | 'outcome'>): string {
  if (summary.outcome) return `${summary.outcome.kind}: ${summary.outcome.title}`;
  return summary.status === 'open' ? '(open)' : '(none)';
}

function percent(fcr: FcrStats): string {
  return fcr.rate === null ? '–' : `${Math.round(fcr.rate * 100)}%`;
}

function durationOrDash(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '–' : formatDuration(ms);
}

// ---------------------------------------------------------------------------------------------
// list

export function renderCaseList(cases: readonly CaseSummary[], total: number, options: TableOptions): string {
  if (cases.length === 0) return '';
  // Stored cases quote playbook text (outcome titles) and what customers said: escape sequences
  // in them are made visible, never printed raw. The same goes for every renderer below.
  return renderTable(
    ['CASE', 'STARTED (UTC)', 'PLAYBOOK', 'OUTCOME', 'CUSTOMER', 'TIME'],
    cases.map((c) => [c.id, formatTime(c.startedAt), c.playbook.id || '–', outcomeOf(c), c.customer || '–', durationOrDash(c.durationMs)].map(sanitizeForTerminal)),
    options,
    { keep: ['CASE', 'PLAYBOOK'], dropOrder: ['TIME', 'CUSTOMER', 'STARTED (UTC)'] },
  );
}

// ---------------------------------------------------------------------------------------------
// search

/** Matched words: bold on a colour terminal, «marked» otherwise. */
export function highlightSnippet(snippet: string, style: Style): string {
  if (!hasColor(style)) return snippet;
  return snippet.replace(new RegExp(`${SNIPPET_START}([^${SNIPPET_END}]*)${SNIPPET_END}`, 'g'), (_, word: string) => style.bold(word));
}

export function renderSearchHits(hits: readonly SearchHit[], options: { readonly style: Style }): string {
  const width = String(hits.length).length;
  return `${hits
    .map((hit, i) => {
      const r = hit.record;
      const who = r.intake.customer.name ? ` · ${r.intake.customer.name}${hit.sameCustomer ? ' (same customer)' : ''}` : '';
      const head = `${String(i + 1).padStart(width)}. ${r.id} · ${formatTime(r.startedAt)} · ${r.playbook.id} · ${outcomeOf({ status: r.status, outcome: r.outcome })}${who}`;
      const pad = ' '.repeat(width + 2);
      return `${sanitizeForTerminal(head)}\n${pad}${highlightSnippet(sanitizeForTerminal(hit.snippet), options.style)}`;
    })
    .join('\n\n')}\n`;
}

export function searchHitsJson(hits: readonly SearchHit[]): unknown {
  return hits.map((hit) => ({
    id: hit.record.id,
    score: Number(hit.score.toFixed(6)),
    sameCustomer: hit.sameCustomer,
    snippet: hit.snippet,
    status: hit.record.status,
    playbook: hit.record.playbook.id,
    outcome: hit.record.outcome ? { kind: hit.record.outcome.kind, title: hit.record.outcome.title } : null,
    customer: hit.record.intake.customer.name ?? null,
    startedAt: hit.record.startedAt,
  }));
}

// ---------------------------------------------------------------------------------------------
// show

function answerLines(record: CaseRecord): [string, string][] {
  const lines: [string, string][] = [];
  for (const input of record.inputs) {
    if (input.kind === 'ask') lines.push([input.key, formatAnswerValue(input.value)]);
    else if (input.kind === 'env') lines.push([input.key, input.value]);
    else if (input.kind === 'choice') lines.push([`(${input.node})`, input.label]);
    else if (input.kind === 'action') lines.push([input.key, `${input.status}${input.reference ? ` (${input.reference})` : ''}`]);
  }
  return lines;
}

/** Who and how they contacted us; for a case stopped in the intake, only what was answered. */
function customerLine(record: CaseRecord): string {
  const { customer } = record.intake;
  if (record.stage !== 'intake') return describeCustomer(customer);
  const answered: readonly string[] = record.intakeAnswered ?? [];
  const known = [customer.name, answered.includes('channel') ? `via ${customer.channel}` : undefined, answered.includes('mood') ? customer.mood : undefined].filter(Boolean);
  return `${known.length > 0 ? known.join(', ') : 'nothing yet'} (intake not finished)`;
}

function caseFields(record: CaseRecord): [string, string][] {
  const customer = record.intake.customer;
  return [
    ['Case', record.id],
    ['Status', record.status],
    ['Playbook', record.playbook.id ? `${record.playbook.title} (${record.playbook.id} ${record.playbook.version})` : 'not chosen yet'],
    ...(record.status === 'open' ? [['Continue', `triage resume ${record.id}${record.stage ? ` (stopped ${record.stage === 'intake' ? 'in the intake' : 'at the playbook picker'})` : ''}`] as [string, string]] : []),
    ['Customer', customerLine(record)],
    ...(customer.account ? [['Account', customer.account] as [string, string]] : []),
    ...(record.replayOf ? [['Replay of', record.replayOf] as [string, string]] : []),
    ...(record.agent ? [['Agent', record.agent] as [string, string]] : []),
    ['Outcome', outcomeOf({ status: record.status, outcome: record.outcome })],
    ['Started', record.startedAt],
    ...(record.finishedAt ? [['Finished', `${record.finishedAt}${record.durationMs !== undefined ? ` (${formatDuration(record.durationMs)})` : ''}`] as [string, string]] : []),
    ...(record.handoffs.length > 0 ? [['Handed off', record.handoffs.map((h) => `${h.to}${h.url ? ` ${h.url}` : ''} (${h.at})`).join('; ')] as [string, string]] : []),
    ...(record.ticket ? [['Ticket', `${record.ticket.provider}:${record.ticket.id}${record.ticket.webUrl ? ` ${record.ticket.webUrl}` : ''}`] as [string, string]] : []),
    ...((record.posts ?? []).length > 0 ? [['Posted', (record.posts ?? []).map((p) => describePost(record.id, p)).join('\n')] as [string, string]] : []),
  ];
}

/**
 * `reply to rt:42: sent (id 117, 2026-12-05T08:00:00Z)`; a pending one says how to finish it, with
 * no backticks: the same words go into a terminal and a Markdown table cell.
 */
function describePost(caseId: string, post: NonNullable<CaseRecord['posts']>[number]): string {
  const what = `${post.kind} to ${post.provider}:${post.ticketId}`;
  return post.status === 'sent'
    ? `${what}: sent (${post.remoteId ? `id ${post.remoteId}, ` : ''}${post.at})`
    : `${what}: pending since ${post.at}, not confirmed; finish it with: triage handoff ${caseId} --to ${post.provider}`;
}

export function renderCaseText(record: CaseRecord): string {
  const width = 12;
  const block = (label: string, value: string): string => {
    const [first = '', ...rest] = value.split('\n');
    return [`${label.padEnd(width)}${first}`, ...rest.map((l) => `${' '.repeat(width)}${l}`)].join('\n');
  };
  const parts = [caseFields(record).map(([k, v]) => block(k, v)).join('\n'), '', block('Description', record.intake.description || '(none)')];
  const answers = answerLines(record);
  if (answers.length > 0) {
    const keyWidth = Math.max(...answers.map(([k]) => k.length));
    parts.push('', 'Answers', ...answers.map(([k, v]) => `  ${k.padEnd(keyWidth)}  ${v}`));
  }
  if (record.reply) parts.push('', 'Reply', ...record.reply.split('\n').map((l) => (l === '' ? '' : `  ${l}`)));
  if (record.report) parts.push('', 'The full report: triage cases show ' + record.id + ' --as report');
  return sanitizeForTerminal(`${parts.join('\n')}\n`);
}

export function renderCaseMarkdown(record: CaseRecord): string {
  const parts = [
    `## Case ${escapeHtml(record.id)}`,
    ['| Field | Value |', '| --- | --- |', ...caseFields(record).map(([k, v]) => `| ${k} | ${escapeCell(v)} |`)].join('\n'),
    '### Description',
    record.intake.description.trim() ? escapeHtml(record.intake.description.trim()) : '_No description was given._',
  ];
  const answers = answerLines(record);
  if (answers.length > 0) {
    parts.push('### Answers', ['| Key | Value |', '| --- | --- |', ...answers.map(([k, v]) => `| ${escapeCell(k)} | ${escapeCell(v)} |`)].join('\n'));
  }
  if (record.reply) parts.push('### Reply', escapeHtml(record.reply.trim()).replace(/\r?\n(?!\r?\n)/g, '  \n'));
  return sanitizeForTerminal(`${parts.join('\n\n')}\n`);
}

/**
 * A stored `triage.report/v1` report through the same renderers `run` uses. A report of another
 * schema (or one the renderers cannot read) is printed as its stored JSON, with a note for stderr.
 */
export function renderStoredReport(report: Readonly<Record<string, unknown>>, format: 'markdown' | 'text' | 'json'): { text: string; note?: string } {
  if (format === 'json') return { text: renderReportJson(report) };
  const asJson = (why: string) => ({ text: renderReportJson(report), note: `${why}; showing the stored JSON.` });
  if (report.schema !== 'triage.report/v1') return asJson(`This report has schema ${JSON.stringify(report.schema ?? null)}, not triage.report/v1`);
  try {
    const text = format === 'markdown' ? renderReportMarkdown(report as unknown as Report) : renderReportText(report as unknown as Report);
    return { text: sanitizeForTerminal(text) };
  } catch {
    return asJson('This stored report is incomplete for the report renderer');
  }
}

// ---------------------------------------------------------------------------------------------
// stats

function outcomeCounts(outcomes: Readonly<Partial<Record<string, number>>>): string {
  const parts = OUTCOME_KINDS.filter((k) => (outcomes[k] ?? 0) > 0).map((k) => `${k} ${outcomes[k]}`);
  return parts.length > 0 ? parts.join(', ') : '–';
}

export function renderStats(stats: CaseStats & { readonly gaps?: readonly GapGroup[] }, options: TableOptions): string {
  if (stats.cases === 0) return `No cases${stats.since ? ` since ${formatTime(stats.since)} UTC` : ''}.\n`;
  const summary = [
    ['Cases', `${stats.cases} (${stats.done} finished, ${stats.open} open)${stats.since ? ` since ${formatTime(stats.since)} UTC` : ''}`],
    ['First-contact resolution', `${percent(stats.fcr)} (${stats.fcr.resolved} of ${stats.fcr.firstContacts} first contacts)`],
    ['Median time to outcome', durationOrDash(stats.medianMs)],
    ['Escalated', `${stats.escalated} (${Math.round((stats.escalated / stats.cases) * 100)}%)`],
  ];
  const labelWidth = Math.max(...summary.map(([k]) => k!.length));
  const parts = [summary.map(([k, v]) => `${k!.padEnd(labelWidth)}  ${v}`).join('\n')];
  parts.push(
    'By playbook',
    renderTable(
      ['PLAYBOOK', 'CASES', 'OPEN', 'OUTCOMES', 'FCR', 'MEDIAN'],
      stats.playbooks.map((p) => [p.playbook || '(not chosen yet)', String(p.cases), String(p.open), outcomeCounts(p.outcomes), percent(p.fcr), durationOrDash(p.medianMs)]),
      options,
    ).trimEnd(),
  );
  parts.push(
    'By outcome',
    renderTable(
      ['OUTCOME', 'CASES', 'SHARE'],
      OUTCOME_KINDS.filter((k) => stats.outcomes[k] > 0).map((k) => [k, String(stats.outcomes[k]), `${Math.round((stats.outcomes[k] / Math.max(1, stats.done)) * 100)}%`]),
      options,
    ).trimEnd(),
  );
  if (stats.topEscalations.length > 0) {
    parts.push(
      'Top escalations',
      renderTable(
        ['PLAYBOOK', 'ESCALATION', 'TO', 'CASES', 'LAST (UTC)'],
        stats.topEscalations.map((e) => [e.playbook, e.outcome || '(hand-off)', e.to ?? '–', String(e.cases), formatTime(e.lastAt)].map(sanitizeForTerminal)),
        options,
      ).trimEnd(),
    );
  }
  if (stats.gaps && stats.gaps.length > 0) {
    parts.push(
      'Top knowledge gaps (cases no playbook fitted; `triage new <id> --from-case <case>` starts one)',
      renderTable(
        ['CASES', 'WHAT CUSTOMERS SAID (LATEST)', 'LATEST CASE', 'LAST (UTC)'],
        stats.gaps.map((g) => [String(g.cases), g.description.replace(/\s+/g, ' '), g.ids[0] ?? '', formatTime(g.lastAt)].map(sanitizeForTerminal)),
        options,
      ).trimEnd(),
    );
  }
  return `${parts.join('\n\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// export

export function renderJsonLine(record: CaseRecord): string {
  return `${JSON.stringify(record)}\n`;
}

export const CSV_COLUMNS = [
  'id',
  'status',
  'started_at',
  'finished_at',
  'duration_ms',
  'playbook_id',
  'playbook_version',
  'playbook_title',
  'customer_name',
  'channel',
  'mood',
  'agent',
  'description',
  'outcome_kind',
  'outcome_title',
  'outcome_node',
  'escalated',
  'handoffs',
  'severity',
  'report_title',
  'answers',
  'environment',
  'reply',
  'account',
  'replay_of',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge space.
 * A text starting with = + - @ or a tab would run as a formula in a spreadsheet (customer text is
 * untrusted), so it gets a leading apostrophe; the JSONL export keeps text exactly.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderCsvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function renderCsvRow(record: CaseRecord): string {
  const answers: Record<string, string> = {};
  const environment: Record<string, string> = {};
  for (const input of record.inputs) {
    if (input.kind === 'ask') answers[input.key] = formatAnswerValue(input.value);
    else if (input.kind === 'env') environment[input.key] = input.value;
    else if (input.kind === 'probes') Object.assign(environment, input.values);
  }
  const report = record.report ?? {};
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const row: Record<(typeof CSV_COLUMNS)[number], string | number | null | undefined> = {
    id: record.id,
    status: record.status,
    started_at: record.startedAt,
    finished_at: record.finishedAt,
    duration_ms: record.durationMs,
    playbook_id: record.playbook.id,
    playbook_version: record.playbook.version,
    playbook_title: record.playbook.title,
    customer_name: record.intake.customer.name,
    channel: record.intake.customer.channel,
    mood: record.intake.customer.mood,
    agent: record.agent,
    description: record.intake.description,
    outcome_kind: record.outcome?.kind,
    outcome_title: record.outcome?.title,
    outcome_node: record.outcome?.node,
    escalated: record.outcome?.kind === 'escalate' || record.handoffs.length > 0 ? 'yes' : 'no',
    handoffs: record.handoffs.map((h) => h.to).join('; '),
    severity: text(report.severity),
    report_title: text(report.title),
    answers: Object.keys(answers).length > 0 ? JSON.stringify(answers) : '',
    environment: Object.keys(environment).length > 0 ? JSON.stringify(environment) : '',
    reply: record.reply,
    account: record.intake.customer.account,
    replay_of: record.replayOf,
  };
  return `${CSV_COLUMNS.map((c) => csvField(row[c])).join(',')}\r\n`;
}

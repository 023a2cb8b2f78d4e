/** `triage cases ...`: the case history (list, show, search, stats, export, import, purge). */
import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { terminalFor } from '../context.js';
import { examples, json, writeErr, writeOut, runs, workspaceInput, type ExitCode } from './shared.js';
import { styleFor } from '../style.js';
import type { CaseRecord } from '../../core/case-record.js';
import type { TriageError } from '../../core/errors.js';
import type { CasesEnvironment } from '../../app/cases.js';

/** A case record is far smaller; a longer line is not one (an endless line must not exhaust memory). */
const MAX_IMPORT_LINE = 64 * 1024 * 1024;

interface FilterOptions {
  playbook?: string;
  outcome?: string;
  customer?: string;
  since?: string;
  status?: string;
}

function addFilterOptions(command: Command, which: readonly (keyof FilterOptions)[]): Command {
  const all: Record<keyof FilterOptions, [string, string]> = {
    playbook: ['--playbook <ids>', 'only these playbooks (comma-separated ids)'],
    outcome: ['--outcome <kinds>', 'only these outcome kinds, e.g. bug,escalate'],
    customer: ['--customer <name>', "only customers whose name contains this (case-insensitive)"],
    since: ['--since <when>', 'only cases started since a duration ago (7d, 12h, 2w) or a date (2026-01-01)'],
    status: ['--status <status>', 'only open or done cases'],
  };
  for (const key of which) command.option(all[key][0], all[key][1]);
  return command;
}

/** Writes and waits when the pipe is full, so exporting 100,000 cases never buffers them all. */
function writeChunk(stream: NodeJS.WritableStream, text: string): Promise<void> | undefined {
  if (stream.write(text)) return undefined;
  return new Promise((resolve) => stream.once('drain', () => resolve()));
}

export function registerCasesCommands(program: Command, ctx: CliContext): void {
  const cases = program
    .command('cases')
    .description('the case history: list, show, search, stats, export, import, purge, replay')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ triage cases list --since 7d',
        '  $ triage cases search "export empty csv"',
        '  $ triage cases show TRI-20261127-7F3A --as report --format markdown',
        '  $ triage cases stats --since 30d',
        '  $ triage cases export --format csv > cases.csv',
        '',
        'Cases are stored in SQLite in your data directory, or in PostgreSQL when TRIAGE_DATABASE_URL is set.',
        'See docs/history.md.',
        '',
      ].join('\n'),
    );
  registerList(cases, ctx);
  registerShow(cases, ctx);
  registerReplay(cases, ctx);
  registerSearch(cases, ctx);
  registerStats(cases, ctx);
  registerExport(cases, ctx);
  registerImport(cases, ctx);
  registerPurge(cases, ctx);
}

const now = (): number => Date.now();
const loadApp = async () => import('../../app/cases.js');
const render = async () => import('../../render/cases.js');

/** What the history needs from the command line: the environment, the time, and where notices go. */
function historyEnvironment(ctx: CliContext): CasesEnvironment {
  return { env: ctx.env, nowMs: now(), notice: (message: string) => writeErr(ctx, message) };
}

type ListOptions = FilterOptions & { limit: string; json?: boolean };

function registerList(cases: Command, ctx: CliContext): void {
  examples(
    addFilterOptions(cases.command('list').description('recorded cases, most recent first'), ['playbook', 'outcome', 'customer', 'since', 'status'])
      .option('--limit <n>', 'at most this many (0: all)', '50')
      .option('--json', 'print JSON'),
    ['triage cases list --since 7d', 'triage cases list --outcome bug,escalate --json | jq -r ".[].id"'],
  ).action(runs(async (opts: ListOptions, command: Command) => listCases(ctx, opts, command)));
}

async function listCases(ctx: CliContext, opts: ListOptions, command: Command): Promise<ExitCode> {
  const app = await loadApp();
  const filter = app.filterFromFlags(opts, now());
  const limit = app.parseLimit(opts.limit, 50);
  const { cases: list, total } = await app.withCaseStore(historyEnvironment(ctx), (store) => app.listHistory(store, filter, limit));
  if (opts.json) return writeOut(ctx, json(list));
  if (list.length === 0) {
    writeErr(ctx, Object.keys(filter).length > 0 ? 'No case matches these filters.' : 'No cases recorded yet. `triage run` records each case when it ends.');
    return;
  }
  const { renderCaseList } = await render();
  writeOut(ctx, renderCaseList(list, total, { tty: terminalFor(ctx, command).stdoutIsTTY, columns: ctx.streams.stdout.columns }));
  if (total > list.length) writeErr(ctx, `Showing ${list.length} of ${total} cases; use --limit 0 for all, or filter with --since, --playbook, --outcome.`);
}

interface ShowOptions {
  as: 'case' | 'report' | 'reply';
  format?: 'markdown' | 'text' | 'json';
  copy?: boolean;
}

function registerShow(cases: Command, ctx: CliContext): void {
  examples(
    cases
      .command('show')
      .description('one case: its summary, its report (--as report) or its reply (--as reply)')
      .argument('<case>', 'case id, or a unique prefix of it')
      .addOption(new Option('--as <what>', 'what to show').choices(['case', 'report', 'reply']).default('case'))
      .addOption(new Option('--format <format>', 'output format (default: text on a terminal, markdown in a pipe)').choices(['markdown', 'text', 'json']))
      .option('--copy', 'also copy what is shown to the clipboard'),
    ['triage cases show TRI-20261127-7F3A', 'triage cases show TRI-20261127 --as report --format markdown > report.md', 'triage cases show TRI-20261127-7F3A --as reply | pbcopy'],
  ).action(runs(async (id: string, opts: ShowOptions, command: Command) => showCase(ctx, id, opts, command)));
}

async function showCase(ctx: CliContext, id: string, opts: ShowOptions, command: Command): Promise<ExitCode> {
  const app = await loadApp();
  const record = await app.withCaseStore(historyEnvironment(ctx), (store) => app.findCase(store, id));
  const format = opts.format ?? (terminalFor(ctx, command).stdoutIsTTY ? 'text' : 'markdown');
  const text = await shownText(ctx, record, opts.as, format);
  writeOut(ctx, text);
  if (opts.copy) await (await import('../copy-output.js')).copyWithNotice(ctx, text, opts.as === 'case' ? 'the case' : `the ${opts.as}`);
}

/** The case, its report or its reply, in the format asked for. */
async function shownText(ctx: CliContext, record: CaseRecord, as: ShowOptions['as'], format: NonNullable<ShowOptions['format']>): Promise<string> {
  if (as === 'reply') {
    if (record.reply === undefined) throw await nothingToShow(record, 'reply');
    const { sanitizeForTerminal } = await import('../../core/terminal-text.js');
    return format === 'json' ? json({ case: record.id, reply: record.reply }) : sanitizeForTerminal(record.reply);
  }
  if (as === 'report') {
    if (record.report === undefined) throw await nothingToShow(record, 'report');
    const { renderStoredReport } = await render();
    const rendered = renderStoredReport(record.report, format);
    if (rendered.note) writeErr(ctx, rendered.note);
    return rendered.text;
  }
  if (format === 'json') return json(record);
  const { renderCaseText, renderCaseMarkdown } = await render();
  return format === 'text' ? renderCaseText(record) : renderCaseMarkdown(record);
}

async function nothingToShow(record: CaseRecord, what: 'reply' | 'report'): Promise<TriageError> {
  const { TriageError } = await import('../../core/errors.js');
  const open = record.status === 'open';
  return new TriageError(`case-no-${what}`, `Case ${record.id} has no ${what}${open ? ' yet (it is still open)' : ''}.`, {
    hint: `Show the case with \`triage cases show ${record.id}\`${open ? `, or finish it with \`triage resume ${record.id}\`` : ''}.`,
  });
}

function registerReplay(cases: Command, ctx: CliContext): void {
  examples(
    cases
      .command('replay')
      .description('re-run a case\'s answers against the current playbook version and say what changed')
      .argument('<case>', 'case id, or a unique prefix of it')
      .option('--json', 'print JSON'),
    ['triage cases replay TRI-20261127-7F3A', 'triage cases list --json | jq -r ".[].id" | xargs -n1 triage cases replay'],
  ).action(runs(async (id: string, opts: { json?: boolean }, command: Command) => replayStoredCase(ctx, id, opts, command)));
}

async function replayStoredCase(ctx: CliContext, id: string, opts: { json?: boolean }, command: Command): Promise<ExitCode> {
  const app = await loadApp();
  const record = await app.withCaseStore(historyEnvironment(ctx), (store) => app.findCase(store, id));
  const { openWorkspace } = await import('../../app/indexed-workspace.js');
  const { replayCase } = await import('../../core/case-replay.js');
  const { renderReplayText } = await import('../../render/case-replay.js');
  const workspace = await openWorkspace(workspaceInput(ctx, command));
  await workspace.loadParser();
  const result = replayCase(record, workspace.library);
  writeOut(ctx, opts.json ? json(result) : renderReplayText(result));
  return result.same ? 0 : 1;
}

type SearchOptions = FilterOptions & { limit: string; json?: boolean };

function registerSearch(cases: Command, ctx: CliContext): void {
  examples(
    addFilterOptions(
      cases
        .command('search')
        .description('full-text search over past cases, best matches first, with snippets')
        .argument('<text...>', 'words to find; "a phrase", -exclude, a or b'),
      ['playbook', 'outcome', 'customer', 'since', 'status'],
    )
      .option('--limit <n>', 'how many results', '10')
      .option('--json', 'print JSON')
      // `-expired` is a search word (without that word), not an option.
      .allowUnknownOption(),
    ['triage cases search password reset', 'triage cases search \'"export timed out" -chrome\' --since 30d', 'triage cases search invoice -chrome', 'triage cases search invoice --json | jq -r ".[0].id"'],
  ).action(runs(async (words: string[], opts: SearchOptions, command: Command) => searchCases(ctx, words, opts, command)));
}

async function searchCases(ctx: CliContext, words: string[], opts: SearchOptions, command: Command): Promise<ExitCode> {
  const unknown = words.find((w) => w.startsWith('--'));
  if (unknown !== undefined) {
    const { TriageError } = await import('../../core/errors.js');
    throw new TriageError('usage', `Unknown option ${unknown.split('=')[0]} for \`cases search\`.`, { hint: 'Run `triage cases search --help` for its options; a word to leave out is written -word.' });
  }
  const app = await loadApp();
  const filter = app.filterFromFlags(opts, now());
  const limit = app.parseLimit(opts.limit, 10) || 10;
  const { hits, relaxed } = await app.withCaseStore(historyEnvironment(ctx), (store) => app.searchHistory(store, words.join(' '), { limit, filter }));
  const { renderSearchHits, searchHitsJson } = await render();
  if (opts.json) return writeOut(ctx, json(searchHitsJson(hits)));
  if (hits.length === 0) {
    writeErr(ctx, 'No past case matches. Try fewer or other words, or `triage cases list` to browse.');
    return;
  }
  if (relaxed) writeErr(ctx, 'No case matches every word; these match some of them.');
  writeOut(ctx, renderSearchHits(hits, { style: await styleFor(terminalFor(ctx, command).colorStdout) }));
}

type StatsOptions = FilterOptions & { json?: boolean };

function registerStats(cases: Command, ctx: CliContext): void {
  examples(
    addFilterOptions(cases.command('stats').description('cases per playbook and outcome, first-contact resolution, median time, top escalations'), ['since', 'playbook'])
      .option('--json', 'print JSON'),
    ['triage cases stats --since 7d', 'triage cases stats --json | jq .fcr.rate'],
  ).action(runs(async (opts: StatsOptions, command: Command) => caseStats(ctx, opts, command)));
}

async function caseStats(ctx: CliContext, opts: StatsOptions, command: Command): Promise<ExitCode> {
  const app = await loadApp();
  const filter = app.filterFromFlags(opts, now());
  const stats = await app.withCaseStore(historyEnvironment(ctx), (store) => app.historyStats(store, filter));
  if (opts.json) return writeOut(ctx, json(stats));
  const { renderStats } = await render();
  writeOut(ctx, renderStats(stats, { tty: terminalFor(ctx, command).stdoutIsTTY }));
}

function registerExport(cases: Command, ctx: CliContext): void {
  examples(
    cases
      .command('export')
      .description('cases as JSON Lines (one case per line; `cases import` reads it) or CSV (one row per case)')
      .argument('[case...]', 'case ids or unique prefixes (default: every case, oldest first)')
      .addOption(new Option('--format <format>', 'jsonl or csv').choices(['jsonl', 'csv']).default('jsonl')),
    ['triage cases export > cases.jsonl', 'triage cases export --format csv > cases.csv', 'triage cases export TRI-20261127-7F3A --format csv'],
  ).action(runs(async (ids: string[], opts: { format: 'jsonl' | 'csv' }) => exportCases(ctx, ids, opts)));
}

async function exportCases(ctx: CliContext, ids: string[], opts: { format: 'jsonl' | 'csv' }): Promise<ExitCode> {
  const app = await loadApp();
  const { renderCsvHeader, renderCsvRow, renderJsonLine } = await render();
  const out = ctx.streams.stdout;
  await app.withCaseStore(historyEnvironment(ctx), async (store) => {
    const records = await app.casesToExport(store, ids);
    if (opts.format === 'csv') await writeChunk(out, renderCsvHeader());
    for await (const record of records) {
      const pending = writeChunk(out, opts.format === 'csv' ? renderCsvRow(record) : renderJsonLine(record));
      if (pending) await pending;
    }
  });
}

function registerImport(cases: Command, ctx: CliContext): void {
  examples(
    cases
      .command('import')
      .description('store cases from JSON Lines as `cases export` writes them (idempotent: repeats are harmless)')
      .argument('[file]', 'a .jsonl file; - or nothing reads stdin')
      .option('--json', 'print the counts as JSON'),
    ['triage cases export | TRIAGE_DATABASE_URL=postgres://host/triage triage cases import', 'triage cases import laptop-cases.jsonl'],
  ).action(runs(async (file: string | undefined, opts: { json?: boolean }) => importCases(ctx, file, opts)));
}

async function importCases(ctx: CliContext, file: string | undefined, opts: { json?: boolean }): Promise<ExitCode> {
  const { TriageError } = await import('../../core/errors.js');
  const { input, source } = await importInput(ctx, file);
  const app = await loadApp();
  const { readLinesBounded, InputTooLarge } = await import('../../io/bounded-read.js');
  const lines = readLinesBounded(input, MAX_IMPORT_LINE);
  const result = await app
    .withCaseStore(historyEnvironment(ctx), (store) => app.importHistory(store, lines, source))
    .catch((error: unknown) => {
      if (!(error instanceof InputTooLarge)) throw error;
      throw new TriageError('import-invalid', `${source}: a line is longer than ${MAX_IMPORT_LINE / (1024 * 1024)} MB, so it is no case record; nothing more was read.`, {
        hint: 'Give a file written by `triage cases export` (one case per line). Cases on earlier lines may have been stored; importing them again is harmless.',
      });
    });
  if (opts.json) return writeOut(ctx, json(result));
  writeOut(ctx, `Imported ${result.read} case${result.read === 1 ? '' : 's'}: ${result.inserted} new, ${result.updated} updated, ${result.unchanged} unchanged.`);
}

/** The file to import, or stdin when it is a pipe; a terminal on stdin would only wait. */
async function importInput(ctx: CliContext, file: string | undefined): Promise<{ input: NodeJS.ReadableStream; source: string }> {
  const { TriageError } = await import('../../core/errors.js');
  if (file === undefined || file === '-') {
    if ((ctx.streams.stdin as { isTTY?: boolean }).isTTY) {
      throw new TriageError('usage', 'cases import reads JSON Lines from a file or a pipe, and stdin is a terminal.', {
        hint: 'Run `triage cases import cases.jsonl`, or pipe into it: `triage cases export | triage cases import`.',
      });
    }
    return { input: ctx.streams.stdin, source: '<stdin>' };
  }
  const { createReadStream, existsSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const path = resolve(ctx.cwd, file);
  if (!existsSync(path)) throw new TriageError('file-not-found', `No such file: ${file}.`, { hint: 'Give the path of a file written by `triage cases export`.' });
  return { input: createReadStream(path, { encoding: 'utf8' }), source: file };
}

interface PurgeOptions {
  olderThan: string;
  dryRun?: boolean;
  json?: boolean;
}

function registerPurge(cases: Command, ctx: CliContext): void {
  examples(
    cases
      .command('purge')
      .description('delete cases whose last activity is older than a duration (retention)')
      .requiredOption('--older-than <duration>', 'e.g. 90d, 12w, 1y')
      .option('--dry-run', 'only count what would be removed')
      .option('--json', 'print JSON'),
    ['triage cases purge --older-than 90d --dry-run', 'triage cases purge --older-than 1y'],
  ).action(runs(async (opts: PurgeOptions) => purgeCases(ctx, opts)));
}

async function purgeCases(ctx: CliContext, opts: PurgeOptions): Promise<ExitCode> {
  const app = await loadApp();
  const nowMs = now();
  const result = await app.withCaseStore(historyEnvironment(ctx), (store) => app.purgeHistory(store, opts.olderThan, nowMs, opts.dryRun === true));
  if (opts.json) return writeOut(ctx, json(result));
  const { formatTime } = await render();
  const what = `${result.removed} case${result.removed === 1 ? '' : 's'} last updated before ${formatTime(result.cutoff)} UTC`;
  writeOut(ctx, result.dryRun ? `Would remove ${what} (dry run: nothing was deleted).` : `Removed ${what}.`);
}

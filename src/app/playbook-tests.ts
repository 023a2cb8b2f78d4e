/**
 * `triage test`: runs the cases of playbook test files (`<id>.test.yaml`) through the real engine,
 * the same loop `run` uses (driveFlow without a prompter, then finishCase), and checks where each
 * case ends and what its reply and report say. Nothing runs on the machine: env probes get fixed
 * values and check results come from the case. Also measures which outcomes the cases reach.
 *
 * Runs are hermetic: no user settings (agent name, sign-off), a fixed case id and clock, so a test
 * passes the same on an agent's laptop and in CI.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { EXIT, TriageError } from '../core/errors.js';
import type { CaseRecord } from '../core/case-record.js';
import { missingInputs, startFlow, viewFlow } from '../core/flow-engine.js';
import type { AnswerValue, CheckResult, FlowState, FlowView, PlaybookLibrary } from '../core/flow-types.js';
import { createLibrary } from '../core/library.js';
import type { EnvField, Playbook } from '../core/model.js';
import type { PhraseBank } from '../core/phrases.js';
import { didYouMean } from '../core/playbook-schema.js';
import { parsePlaybookTestFile, TEST_FILE_SUFFIX, type PlaybookTestCase, type PlaybookTestFile } from '../core/playbook-test-spec.js';
import { isDirectory, type PlaybookDirectory } from '../io/discovery.js';
import { loadPlaybookDirectories, type LoadedPlaybooks } from '../io/load-playbooks.js';
import { renderReportMarkdown } from '../render/report-markdown.js';
import { replyProblems } from '../core/reply-claims.js';
import { HANDOVER_KINDS } from '../core/reply-craft.js';
import { detectSignals } from '../core/signals.js';
import { driveFlow, type RunUi } from './drive-flow.js';
import { finishCase, type FinishedCase } from './finish-case.js';
import { resolvePathArgument } from '../io/path-argument.js';
import { workspaceDirectories, type WorkspaceInput } from './workspace.js';
import type { OutcomeCoverage, PlaybookCoverage, ReachedOutcome, TestCaseResult, TestFileResult, TestRun, TestTotals } from '../core/playbook-test-results.js';

export type { OutcomeCoverage, PlaybookCoverage, ReachedOutcome, TestCaseResult, TestFileResult, TestRun, TestTotals };

/** Every test run uses this case id and clock, so replies and reports are the same every time. */
export const TEST_CASE_ID = 'TRI-20240101-TEST';
export const TEST_CLOCK = new Date('2024-01-01T09:00:00.000Z');

/** What `detect` probes report in tests (a case can override any env key in `answers`). */
export const TEST_PROBE_VALUES: Readonly<Record<string, string>> = {
  os: 'Linux',
  os_version: '6.8.0',
  arch: 'x64',
  cpus: '4',
  memory: '16 GB',
  node: 'v20.11.0',
  shell: 'bash',
  terminal: 'xterm-256color',
  locale: 'en-US',
  timezone: 'UTC',
};

export interface TestOptions {
  readonly phrases: PhraseBank;
}

// ---------------------------------------------------------------------------------------------
// Finding test files

interface TestTargets {
  readonly testFiles: readonly string[];
  /** Directories whose playbooks are loaded, in override order. */
  readonly directories: readonly PlaybookDirectory[];
  /** Directories that were searched for tests: their playbooks count in the coverage. */
  readonly scanned: readonly string[];
}

function findTargets(input: WorkspaceInput, paths: readonly string[]): TestTargets {
  const workspace = workspaceDirectories(input);
  if (paths.length === 0) {
    const testFiles = workspace.flatMap((d) => listTestFiles(d.path));
    return { testFiles, directories: workspace, scanned: workspace.map((d) => d.path) };
  }
  const testFiles: string[] = [];
  const extra: PlaybookDirectory[] = [];
  const scanned: string[] = [];
  for (const given of paths) {
    const { path, isDirectory } = resolvePathArgument(input.cwd, given, {
      code: 'test/path-missing',
      hint: 'Give test files (<id>.test.yaml), playbooks (.md, tested by the .test.yaml next to them) or directories; with no paths, every playbook directory is tested.',
    });
    if (isDirectory) {
      testFiles.push(...listTestFiles(path));
      extra.push({ path, origin: 'flag' });
      scanned.push(path);
    } else if (/\.md$/i.test(path)) {
      const sibling = path.replace(/\.md$/i, TEST_FILE_SUFFIX);
      if (!isFile(sibling)) {
        throw new TriageError('test/no-tests', `${given} has no test file: expected ${basename(sibling)} next to it.`, {
          exitCode: EXIT.checkFailed,
          hint: `Write one (see docs/authoring.md, "Testing a playbook"), then run \`triage test ${given}\`.`,
          file: path,
        });
      }
      testFiles.push(sibling);
      extra.push({ path: dirname(path), origin: 'flag' });
    } else {
      testFiles.push(path);
      extra.push({ path: dirname(path), origin: 'flag' });
    }
  }
  return { testFiles: unique(testFiles), directories: dedupeDirectories([...workspace, ...extra]), scanned };
}

/** `*.test.yaml` below `dir`, recursively, sorted; names starting with `_` or `.` are skipped like playbooks. */
export function listTestFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string, depth: number): void => {
    if (depth > 20) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
      const child = join(path, entry.name);
      if (entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(child))) walk(child, depth + 1);
      else if (entry.name.endsWith(TEST_FILE_SUFFIX)) found.push(child);
    }
  };
  walk(dir, 0);
  return found;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** A directory named twice keeps its last position, as in discovery. */
function dedupeDirectories(dirs: readonly PlaybookDirectory[]): PlaybookDirectory[] {
  const byPath = new Map<string, PlaybookDirectory>();
  for (const dir of dirs) {
    byPath.delete(dir.path);
    byPath.set(dir.path, dir);
  }
  return [...byPath.values()];
}

// ---------------------------------------------------------------------------------------------
// Running

export async function runPlaybookTests(input: WorkspaceInput, paths: readonly string[], options: TestOptions): Promise<TestRun> {
  const targets = findTargets(input, paths);
  if (targets.testFiles.length === 0) {
    throw new TriageError('test/none-found', `No playbook tests found${paths.length > 0 ? ` in ${paths.join(', ')}` : ' in the playbook directories'}.`, {
      exitCode: EXIT.checkFailed,
      hint: 'A test file is <playbook-id>.test.yaml next to the playbook; docs/authoring.md shows the format.',
    });
  }
  const loaded = loadPlaybookDirectories(targets.directories);
  const files: TestFileResult[] = [];
  for (const file of targets.testFiles) files.push(await runTestFile(file, loaded, options));
  const coverage = measureCoverage(files, loaded, targets.scanned);
  return { files, coverage, totals: totalsOf(files, coverage) };
}

async function runTestFile(file: string, loaded: LoadedPlaybooks, options: TestOptions): Promise<TestFileResult> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    return { file, problems: [{ file, line: 1, message: `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.` }], cases: [] };
  }
  const parsed = parsePlaybookTestFile(source, file);
  if (!parsed.ok) return { file, problems: parsed.problems, cases: [] };
  const spec = parsed.spec;
  const playbook = playbookUnderTest(spec, loaded);
  if (playbook === undefined) {
    return { file, playbook: spec.playbook, problems: [{ file, line: spec.playbookLine, message: unknownPlaybookMessage(spec, loaded) }], cases: [] };
  }
  // The playbook next to the test file wins over an override elsewhere: the test pins that file.
  const library = createLibrary([...loaded.parsed, playbook]);
  const cases: TestCaseResult[] = [];
  for (const testCase of spec.cases) cases.push(await runCase(testCase, playbook, library, options));
  return { file, playbook: playbook.id, playbookPath: playbook.path, problems: [], cases };
}

/** The playbook with the test's id, preferring one in the test file's own folder, then its playbook directory. */
function playbookUnderTest(spec: PlaybookTestFile, loaded: LoadedPlaybooks): Playbook | undefined {
  const candidates = loaded.parsed.filter((p) => p.id === spec.playbook);
  const folder = dirname(spec.file);
  return (
    candidates.find((p) => dirname(p.path) === folder) ??
    candidates.find((p) => folder === p.dir || folder.startsWith(`${p.dir}${sep}`)) ??
    loaded.library.get(spec.playbook)
  );
}

function unknownPlaybookMessage(spec: PlaybookTestFile, loaded: LoadedPlaybooks): string {
  const sibling = join(dirname(spec.file), `${spec.playbook}.md`);
  const broken = loaded.diagnostics.some((d) => d.file === sibling && d.severity === 'error');
  if (broken) return `playbook "${spec.playbook}" did not load: ${basename(sibling)} has errors. Run \`triage lint ${sibling}\` and fix them first.`;
  const ids = loaded.effective.map((p) => p.id);
  return `no playbook with id "${spec.playbook}" is loaded.${didYouMean(spec.playbook, ids, (s) => `"${s}"`)} The test file names the playbook by its front matter \`id\`; add its directory with --playbooks if it lives elsewhere.`;
}

/** Thrown from the injected check runner when the case gives no result for a check. */
class MissingCheckResult extends Error {
  constructor(readonly node: string, readonly playbook: string, readonly title: string, readonly argv: readonly string[]) {
    super(`no result for check ${node}`);
  }
}

const quietUi: RunUi = { showNode: () => {}, busy: (_label, work) => work(), notice: () => {} };

async function runCase(testCase: PlaybookTestCase, playbook: Playbook, library: PlaybookLibrary, options: TestOptions): Promise<TestCaseResult> {
  const failures: string[] = [];
  const expectedProblem = checkExpectedOutcome(testCase, playbook, library);
  if (expectedProblem) failures.push(expectedProblem);
  let state: FlowState = startFlow(library, playbook.id);
  const answers = testCase.answers;
  const pathOf = (view: FlowView): string[] => view.path.map((step) => (step.playbook === playbook.id ? step.node : `${step.playbook}#${step.node}`));

  try {
    state = await driveFlow(state, answers, {
      library,
      ui: quietUi,
      captureProbes: async (fields) => Object.fromEntries(fields.map((field) => [field.key, probeValue(field, answers)])),
      runCheck: async (argv, { playbook: checkPlaybook }) => {
        const pending = viewFlow(library, state).pending;
        const node = pending.kind === 'check' ? pending.node : undefined;
        const nodeId = node?.id ?? '';
        const injected = testCase.checks[`${checkPlaybook.id}#${nodeId}`] ?? testCase.checks[nodeId];
        if (injected === undefined) throw new MissingCheckResult(nodeId, checkPlaybook.id, node?.title ?? nodeId, argv);
        return injectedResult(injected.passed, injected.stdout);
      },
      save: (next) => {
        state = next;
      },
    });
  } catch (error) {
    const view = safeView(library, state);
    const path = view ? pathOf(view) : [];
    failures.push(describeRunError(error, testCase, library, state, path));
    return { name: testCase.name, line: testCase.line, passed: false, failures, path };
  }

  const view = viewFlow(library, state);
  const path = pathOf(view);
  if (view.pending.kind !== 'outcome') throw new Error('test run ended before an outcome');
  const final = view.pending.playbook;
  let finished: FinishedCase;
  try {
    finished = finishCase({
      record: testRecord(testCase, playbook),
      state,
      library,
      settings: { phrases: options.phrases, redact: true },
      finishedAt: TEST_CLOCK,
      attachedEnv: {},
    });
  } catch (error) {
    // A template that fails at run time (e.g. a filter given a wrong value) fails this case only.
    const reason = error instanceof TriageError ? error.message : `internal error: ${(error as Error).message}`;
    failures.push(`the run reached ${view.pending.node.id}, but building its reply or report failed: ${reason}`);
    return { name: testCase.name, line: testCase.line, passed: false, failures, path };
  }
  const outcome: ReachedOutcome = { playbook: final.id, path: final.path, node: finished.outcome.node, kind: finished.outcome.kind, title: finished.outcome.title };

  const expected = testCase.outcome;
  const matches = expected.node === outcome.node && (expected.playbook === undefined || expected.playbook === outcome.playbook);
  if (!matches) {
    const got = outcome.playbook === playbook.id ? outcome.node : `${outcome.playbook}#${outcome.node}`;
    const want = expected.playbook ? `${expected.playbook}#${expected.node}` : expected.node;
    if (!expectedProblem) failures.push(`expected outcome ${want}, got ${got} via ${path.join(' → ')}`);
  } else {
    const reply = finished.reply ?? '';
    const report = renderReportMarkdown({ ...finished.report, reply: null });
    failures.push(...containsFailures('reply', reply, testCase.replyContains, true));
    failures.push(...containsFailures('reply', reply, testCase.replyNotContains, false));
    failures.push(...containsFailures('report', report, testCase.reportContains, true));
    failures.push(...containsFailures('report', report, testCase.reportNotContains, false));
    failures.push(...replyRuleFailures(finished, final));
  }
  return { name: testCase.name, line: testCase.line, passed: failures.length === 0, failures, outcome, path };
}

/**
 * The reply as the customer reads it, against the rules every reply keeps: no completed action
 * the run did not confirm, no outcome title, one timeline, no phrase said twice.
 */
function replyRuleFailures(finished: FinishedCase, final: Playbook): string[] {
  if (finished.reply === null || finished.reply.trim() === '') return [];
  const node = final.nodes.find((n) => n.id === finished.outcome.node);
  const problems = replyProblems(finished.reply, {
    outcome: finished.outcome,
    actionsDone: (finished.report.actions ?? []).filter((a) => a.status === 'done').map((a) => a.key),
    handsOn: HANDOVER_KINDS.includes(finished.outcome.kind) || node?.report !== undefined,
  });
  return problems.map((problem) => `the reply ${problem} (every reply is checked for this; fix the reply block${node?.reply ? ` at line ${node.reply.line}` : ''} or the phrase bank)`);
}

/** A bare node id must be an outcome of the tested playbook or of a loaded one; `id#node` of that one. */
function checkExpectedOutcome(testCase: PlaybookTestCase, playbook: Playbook, library: PlaybookLibrary): string | undefined {
  const { node, playbook: inPlaybook } = testCase.outcome;
  const target = inPlaybook === undefined ? playbook : library.get(inPlaybook);
  if (target === undefined) {
    return `outcome ${inPlaybook}#${node}: no playbook "${inPlaybook}" is loaded.${didYouMean(inPlaybook ?? '', library.all().map((p) => p.id), (s) => `"${s}"`)}`;
  }
  const outcomes = target.nodes.filter((n) => n.outcome).map((n) => n.id);
  if (outcomes.includes(node)) return undefined;
  if (inPlaybook === undefined && library.all().some((p) => p.nodes.some((n) => n.outcome && n.id === node))) return undefined;
  const isNode = target.nodes.some((n) => n.id === node);
  return `outcome ${inPlaybook ? `${inPlaybook}#` : ''}${node} is ${isNode ? 'a node but not an outcome' : 'not a node'} of playbook "${target.id}".${didYouMean(node, outcomes, (s) => s)} Its outcomes: ${outcomes.join(', ')}.`;
}

function probeValue(field: EnvField, answers: Readonly<Record<string, AnswerValue>>): string {
  const given = answers[field.key];
  if (given !== undefined) return Array.isArray(given) ? given.join(', ') : String(given);
  if (field.source.kind === 'detect') return TEST_PROBE_VALUES[field.source.probe] ?? `test-${field.source.probe}`;
  if (field.source.kind === 'run') return `(not run in tests: ${field.source.argv.join(' ')})`;
  return '';
}

function injectedResult(passed: boolean, stdout: string): CheckResult {
  return { passed, exitCode: passed ? 0 : 1, stdout, stderr: '', timedOut: false, durationMs: 0 };
}

function safeView(library: PlaybookLibrary, state: FlowState): FlowView | undefined {
  try {
    return viewFlow(library, state);
  } catch {
    return undefined;
  }
}

function describeRunError(error: unknown, testCase: PlaybookTestCase, library: PlaybookLibrary, state: FlowState, path: readonly string[]): string {
  const where = path.length > 0 ? `; the run got as far as ${path.join(' → ')}` : '';
  if (error instanceof MissingCheckResult) {
    const key = error.node;
    return `no result for the check at "${error.title}" (${key}, which runs \`${error.argv.join(' ')}\`): tests never run commands, so add \`checks: { ${key}: pass }\` (or \`fail\`) to the case${where}`;
  }
  if (error instanceof TriageError && error.code === 'answer/missing') {
    const missing = missingInputs(library, state, testCase.answers, { fillOptional: true });
    const listed = missing.map((m) => `${m.key} (${m.prompt}${m.allowed && m.allowed.length > 0 ? `; one of: ${m.allowed.map((a) => JSON.stringify(a)).join(', ')}` : ''})`);
    const unused = unusedAnswers(testCase, library, state);
    const unusedText = unused.length > 0 ? `; answers never asked for: ${unused.join(', ')}` : '';
    return `missing answer${missing.length === 1 ? '' : 's'}: ${listed.join('; ') || 'the next step'}${where}${unusedText}`;
  }
  if (error instanceof TriageError) return `${error.message}${where}`;
  return `internal error while running the case: ${(error as Error).message ?? String(error)}${where}`;
}

/** Answer keys the run never used: usually a typo or a node id that changed. */
function unusedAnswers(testCase: PlaybookTestCase, library: PlaybookLibrary, state: FlowState): string[] {
  const used = new Set<string>();
  for (const input of state.inputs) {
    if (input.kind === 'env' || input.kind === 'ask') used.add(input.key);
    else if (input.kind === 'action') {
      used.add(input.key);
      used.add(`${input.key}.reference`);
    } else if (input.kind === 'choice') used.add(input.node);
    else if (input.kind === 'probes') for (const key of Object.keys(input.values)) used.add(key);
  }
  const known = new Set<string>();
  for (const p of library.all()) {
    for (const f of p.env) known.add(f.key);
    for (const n of p.nodes) {
      known.add(n.id);
      for (const a of n.asks) known.add(a.key);
      for (const a of n.actions ?? []) known.add(a.key).add(`${a.key}.reference`);
    }
  }
  return Object.keys(testCase.answers).filter((k) => !used.has(k) && !known.has(k));
}

function containsFailures(what: 'reply' | 'report', text: string, phrases: readonly string[], wanted: boolean): string[] {
  const failures: string[] = [];
  for (const phrase of phrases) {
    const found = text.includes(phrase);
    if (wanted && !found) {
      const loose = text.toLowerCase().indexOf(phrase.toLowerCase());
      const near = loose >= 0 ? ` (it has "${text.slice(loose, loose + phrase.length)}": matching is case-sensitive)` : '';
      failures.push(`${what} lacks "${phrase}"${near}`);
    } else if (!wanted && found) {
      failures.push(`${what} contains "${phrase}", which it must not: …${excerpt(text, text.indexOf(phrase), phrase.length)}…`);
    }
  }
  return failures;
}

function excerpt(text: string, at: number, length: number): string {
  const start = Math.max(0, at - 30);
  return text.slice(start, at + length + 30).replace(/\s+/g, ' ').trim();
}

function testRecord(testCase: PlaybookTestCase, playbook: Playbook): CaseRecord {
  const at = TEST_CLOCK.toISOString();
  const { customer, channel, mood, description, account } = testCase.intake;
  // Like a run without prompts: signals given in the case, else what the description shows.
  const signals = testCase.intake.signals ?? detectSignals(description).map((d) => d.signal);
  return {
    id: TEST_CASE_ID,
    status: 'open',
    playbook: { id: playbook.id, version: playbook.version, title: playbook.title, path: playbook.path },
    intake: { customer: { ...(customer !== undefined ? { name: customer } : {}), channel, mood, ...(account ? { account } : {}), signals }, description },
    inputs: [],
    startedAt: at,
    updatedAt: at,
    handoffs: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Coverage

function measureCoverage(files: readonly TestFileResult[], loaded: LoadedPlaybooks, scanned: readonly string[]): PlaybookCoverage[] {
  const inScope = new Map<string, Playbook>();
  const isScanned = (p: Playbook): boolean => scanned.some((dir) => p.path === dir || p.path.startsWith(`${dir}${sep}`));
  for (const p of loaded.parsed) if (isScanned(p)) inScope.set(p.path, p);
  const tested = new Set<string>();
  for (const file of files) {
    const playbook = loaded.parsed.find((p) => p.path === file.playbookPath);
    if (playbook === undefined) continue;
    inScope.set(playbook.path, playbook);
    tested.add(playbook.path);
  }
  const reached = new Map<string, { file: string; name: string; line: number }[]>();
  for (const file of files) {
    for (const c of file.cases) {
      if (!c.outcome) continue;
      const key = `${c.outcome.path}#${c.outcome.node}`;
      reached.set(key, [...(reached.get(key) ?? []), { file: file.file, name: c.name, line: c.line }]);
    }
  }
  return [...inScope.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.path < b.path ? -1 : 1))
    .map((p) => ({
      playbook: p.id,
      path: p.path,
      tested: tested.has(p.path),
      outcomes: p.nodes
        .filter((n) => n.outcome)
        .map((n) => ({
          node: n.id,
          kind: (n.outcome as NonNullable<typeof n.outcome>).kind,
          title: (n.outcome as NonNullable<typeof n.outcome>).title,
          line: n.line,
          reachedBy: reached.get(`${p.path}#${n.id}`) ?? [],
        })),
    }));
}

function totalsOf(files: readonly TestFileResult[], coverage: readonly PlaybookCoverage[]): TestTotals {
  const cases = files.flatMap((f) => f.cases);
  const outcomes = coverage.flatMap((c) => c.outcomes);
  const passed = cases.filter((c) => c.passed).length;
  return {
    files: files.length,
    invalidFiles: files.filter((f) => f.problems.length > 0).length,
    cases: cases.length,
    passed,
    failed: cases.length - passed,
    playbooks: coverage.length,
    outcomes: outcomes.length,
    covered: outcomes.filter((o) => o.reachedBy.length > 0).length,
  };
}

/** Whether the run should fail: a failed case, an invalid file, or (when required) an uncovered outcome. */
export function testRunFailed(run: TestRun, options: { requireFullCoverage: boolean }): boolean {
  return run.totals.failed > 0 || run.totals.invalidFiles > 0 || (options.requireFullCoverage && run.totals.covered < run.totals.outcomes);
}

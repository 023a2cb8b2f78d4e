/**
 * The terminal side of running a case: decides interactivity once, asks the intake, builds the
 * run environment (prompter, screen, probes, checks, settings), writes the result to stdout or a
 * file, records the case, and maps the outcome to an exit code. On Ctrl-C the session is already
 * saved; ctx.interrupts says how to resume.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { NO_PLAYBOOK_YET, type CaseOrigin, type CaseRecord, type Intake, type IntakeQuestion } from '../core/case-record.js';
import { EXIT, InterruptedError, TriageError, isTriageError } from '../core/errors.js';
import type { AnswerValue, PlaybookLibrary } from '../core/flow-types.js';
import type { Channel, Mood } from '../core/model.js';
import type { TicketRef } from '../core/helpdesk.js';
import { openWorkspace, type Workspace } from '../app/indexed-workspace.js';
import { assertRunnable } from '../app/run-validation.js';
import { LeftRun, type RunUi } from '../app/drive-flow.js';
import { GAP_PLAYBOOK_ID } from '../app/knowledge-gap.js';
import { assertRunAllowed, clockFromEnv, newCaseId, resumeCase, runNewCase, type RunEnvironment } from '../app/run.js';
import { reachablePlaybooks } from '../app/trust.js';
import { closestMatch } from '../core/did-you-mean.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { parseAnswerFlags, parseChannel, parseFailOn, parseMood, readAnswersFile, takeSignals } from '../app/run-inputs.js';
import { detectSignals, parseSignals, SIGNAL_LABELS, SIGNALS, type Signal } from '../core/signals.js';
import { loadAttachedEnvironment } from '../app/attached-env.js';
import type { FinishedCase } from '../app/finish-case.js';
import type { PlaybookSuggestions } from '../app/playbooks.js';
import type { SupportingCase } from '../core/suggestions.js';
import { recordCase } from '../app/record-case.js';
import { renderCaseOutput, defaultEmit, summaryRows } from '../render/case-output.js';
import { homeDirectory, triagePaths } from '../io/paths.js';
import { readSettingsFast, type Settings } from '../io/settings-read.js';
import type { ProbeDeps } from '../app/probe-check.js';
import { openSessionStore, type SessionStore } from '../io/session-store.js';
import type { TerminalCapabilities } from '../io/terminal.js';
import { loadPhraseBank, bundledTemplatesDir } from '../io/phrase-bank.js';
import type { Prompter } from '../io/prompter.js';
import { BACK, isPromptExit } from '../io/prompter.js';
import type { CliContext, GlobalOptions } from './context.js';
import { terminalFor } from './context.js';
import { createRunScreen } from './run-screen.js';
import type { OpenTicket } from './run-ticket.js';
import type { CheckFlags, RunFlags } from './commands/run.js';
import { workspaceInput } from './commands/shared.js';

export type RunMode =
  | { mode: 'run'; playbookId?: string; flags: RunFlags }
  | { mode: 'resume'; caseId?: string; flags: RunFlags }
  | { mode: 'guided'; flags: RunFlags };

/** `run`, `resume` and bare `triage`: the flags and global options commander read, then the case. */
export async function runCase(ctx: CliContext, globals: GlobalOptions, request: RunMode): Promise<number> {
  const run = await prepareRun(ctx, globals, request);
  const stopListening = ctx.interrupts?.whileRunning(() => interruptMessage(run.progress));
  try {
    const play = await gatherInputs(run);
    const finished = await driveCase(play);
    run.progress.caseId = finished.record.id;
    await recordFinished(play, finished);
    await emitResult(play, finished);
    await postToHelpdesk(play, finished);
    return run.failOn.has(finished.outcome.kind) ? EXIT.failOn : EXIT.ok;
  } catch (error) {
    if (isPromptExit(error)) throw await interruption(run);
    throw error;
  } finally {
    stopListening?.();
  }
}

/** What a run decides before it asks anything: the same for every phase that follows. */
interface CaseRun {
  readonly ctx: CliContext;
  readonly request: RunMode;
  readonly flags: RunFlags;
  readonly term: TerminalCapabilities;
  readonly interactive: boolean;
  readonly chalk: ChalkInstance;
  readonly settings: Settings;
  readonly clock: () => Date;
  readonly failOn: ReadonlySet<string>;
  readonly dataDir: string;
  readonly sessions: SessionStore;
  /** The session `triage resume` continues, as peek found it. */
  readonly resuming: CaseRecord | undefined;
  readonly loaded: Workspace;
  readonly origin: CaseOrigin;
  readonly prompter: Prompter | undefined;
  readonly screen: RunUi;
  /** Shared by reference with every later phase: the interrupt message reads it at Ctrl-C. */
  readonly progress: RunProgress;
}

/** Set as the case goes: its id once it has one, and when its first answer was saved. */
interface RunProgress {
  caseId: string | undefined;
  startedAt: string | undefined;
  /** Set once the finished case is in the history: Ctrl-C after that (at the post confirmation) has nothing to resume. */
  recorded?: RecordedCase;
}

/** The run with its inputs: answers, intake flags, the helpdesk ticket and the run environment. */
interface CaseInPlay extends CaseRun {
  readonly prefill: Record<string, AnswerValue>;
  readonly intakeFlags: RunFlags;
  /** The helpdesk modules, loaded only when a ticket can be involved. */
  readonly helpdesk: RunTicketModule | undefined;
  readonly ticketRef: TicketRef | undefined;
  readonly ticket: OpenTicket | undefined;
  readonly suggestedSignals: readonly Signal[] | undefined;
  /** Replaced when the no-playbook playbook joins the library. */
  env: RunEnvironment;
}

type RunTicketModule = typeof import('./run-ticket.js');

/** The terminal decision, settings, workspace, session store, prompter and screen. */
async function prepareRun(ctx: CliContext, globals: GlobalOptions, request: RunMode): Promise<CaseRun> {
  const { flags } = request;
  const term = terminalFor(ctx, globals);
  const interactive = term.canPrompt && flags.input !== false && flags.answers !== '-';
  const chalk = new Chalk({ level: term.colorStderr ? 1 : 0 });
  // First interactive run without an agent name: ask once, before settings are read.
  if (interactive) await (await import('./first-run.js')).firstRunIfNeeded(ctx, { color: term.colorStderr });
  const { settings, problem } = readSettingsFast(ctx.env);
  if (problem) warn(ctx, chalk, problem);
  const clock = clockFromEnv(ctx.env);
  const failOn = parseFailOn(flags.failOn);
  const dataDir = triagePaths(ctx.env).data;
  const sessions = openSessionStore(dataDir);
  // A resumed case brings its own --playbooks directories and --allow-commands: no flags needed.
  const resuming = request.mode === 'resume' ? sessions.peek(request.caseId) : undefined;
  const input = workspaceInput(ctx, globals);
  const savedDirs = resuming?.origin?.playbookDirs.filter((dir) => existsSync(dir)) ?? [];
  const loaded = await openWorkspace(input.flagDirs.length === 0 && savedDirs.length > 0 ? { ...input, flagDirs: savedDirs } : input);
  const origin: CaseOrigin = resuming?.origin ?? { playbookDirs: input.flagDirs.map((dir) => resolve(ctx.cwd, dir)), ...(flags.allowCommands ? { allowCommands: true } : {}) };
  const prompter = interactive ? await createPrompter(ctx) : undefined;
  const screen = createRunScreen({ stderr: ctx.streams.stderr, chalk, canSpin: term.canSpin, interactive });
  const progress: RunProgress = {
    caseId: request.mode === 'resume' ? (resuming?.id ?? request.caseId) : undefined,
    startedAt: resuming?.stage ? resuming.startedAt : undefined,
  };
  return { ctx, request, flags, term, interactive, chalk, settings, clock, failOn, dataDir, sessions, resuming, loaded, origin, prompter, screen, progress };
}

/** The answers file and flags, the signals, the helpdesk ticket and the attached environment. */
async function gatherInputs(run: CaseRun): Promise<CaseInPlay> {
  const { ctx, flags } = run;
  const prefill: Record<string, AnswerValue> = {
    ...(flags.answers ? await readAnswersFile(flags.answers, ctx.cwd, () => readAnswersStdin(ctx)) : {}),
    ...parseAnswerFlags(flags.answer ?? []),
  };
  // `--signal` or `signals:` in the answers file; the intake reads them from the flags.
  const givenSignals = takeSignals(flags.signal, prefill);
  const signalFlags: RunFlags = givenSignals === undefined ? flags : { ...flags, signal: givenSignals.join(',') || 'none' };
  const { helpdesk, ticketRef, ticket } = await takeTicket(run);
  const intakeFlags = ticket ? helpdesk!.withTicketIntake(signalFlags, ticket.fetched.intake, run.interactive) : signalFlags;
  const ticketEnv = ticket ? await helpdesk!.ticketEnvironment(ticket, run.screen, run.prompter) : {};
  const attached = { ...ticketEnv, ...(flags.envFile ? loadAttachedEnvironment(flags.envFile, ctx.cwd) : {}) };
  const env = await runEnvironment(run, attached);
  return { ...run, prefill, intakeFlags, helpdesk, ticketRef, ticket, suggestedSignals: ticket?.fetched.intake.signals, env };
}

/**
 * A helpdesk ticket: fetched before the intake, which then asks only what the ticket does not say.
 * Its modules load only when a ticket can be involved, not on every run.
 */
async function takeTicket(run: CaseRun): Promise<{ helpdesk?: RunTicketModule; ticketRef?: TicketRef; ticket?: OpenTicket }> {
  const { ctx, flags, request, settings, chalk } = run;
  const asksForTicket = request.mode === 'guided' && run.prompter !== undefined;
  const helpdesk = flags.ticket !== undefined || flags.post !== undefined || flags.setStatus || asksForTicket ? await import('./run-ticket.js') : undefined;
  const ticketRef = flags.ticket !== undefined ? helpdesk!.parseTicketRef(flags.ticket) : undefined;
  if (request.mode === 'run' && request.playbookId === undefined && ticketRef === undefined) {
    throw new TriageError('run/needs-playbook', 'triage run needs a playbook id, or --ticket to start from a helpdesk ticket.', {
      exitCode: EXIT.usage,
      hint: '`triage list` shows the playbooks and `triage search <words>` finds one; bare `triage` asks what happened and suggests one.',
    });
  }
  helpdesk?.checkPostFlags(flags, ticketRef !== undefined, run.interactive);
  const ticket =
    ticketRef !== undefined
      ? await helpdesk!.openTicket(ctx, settings, ticketRef, { interactive: run.interactive, chalk })
      : asksForTicket
        ? await helpdesk!.askForTicket(run.prompter!, ctx, settings, chalk)
        : undefined;
  return { helpdesk, ticketRef, ticket };
}

/** What the app layer runs the case with: the library, settings, phrases, probes and attached environment. */
async function runEnvironment(run: CaseRun, attached: Record<string, string>): Promise<RunEnvironment> {
  const { ctx, flags, settings } = run;
  const phrases = await loadPhraseBank(bundledTemplatesDir(), 'en', { cacheDir: triagePaths(ctx.env).cache });
  const env: RunEnvironment = {
    library: run.loaded.library,
    packageRoot: ctx.packageRoot,
    dataDir: run.dataDir,
    trustedDirs: settings.trusted ?? [],
    allowCommands: Boolean(flags.allowCommands || run.origin.allowCommands),
    prompter: run.prompter,
    ui: run.screen,
    clock: run.clock,
    settings: {
      agentName: settings['agent.name'],
      agentTitle: settings['agent.title'],
      companyName: settings['company.name'],
      signoff: settings.signoff,
      phrases,
      redact: flags.redact !== false,
      ...(flags.redaction ? { profile: flags.redaction } : {}),
      // Reports travel to trackers: this machine's home path and hostname come out of them.
      machine: machineIdentity(ctx.env),
    },
    attachedEnv: attached,
    ...playbookCommands(ctx),
    probes: probeDeps(settings, ctx.env),
    onCase: (id) => {
      run.progress.caseId = id;
    },
  };
  if (flags.redact === false) ctx.streams.stderr.write(`${run.chalk.red.bold('WARNING: --no-redact: secrets and personal data will appear in the output. Do not paste it anywhere public. (triage help redaction)')}\n`);
  return env;
}

/** New, resumed or guided: the intake as needed, then the playbook's run. */
async function driveCase(play: CaseInPlay): Promise<FinishedCase> {
  const { request } = play;
  if (request.mode === 'resume') return resumeRun(play, request.caseId);
  if (request.mode === 'run' && request.playbookId !== undefined) return runNamedPlaybook(play, request.playbookId);
  if (request.mode === 'run' && !play.prompter) return runTicketMatch(play);
  return runGuided(play);
}

async function resumeRun(play: CaseInPlay, caseId: string | undefined): Promise<FinishedCase> {
  // The case names its playbook only once loaded: let any playbook be parsed.
  await play.loaded.loadParser();
  await addGapPlaybook(play);
  const { resuming } = play;
  if (resuming?.status === 'open' && resuming.stage) return continueBeforePlaybook(play, resuming, resuming.stage);
  // Without a case id, resumeCase picks the latest session itself (the one peek found) and
  // reports the damaged ones it sets aside on the way, which peek skips silently.
  return resumeCase(caseId, play.env);
}

/** A case stopped before its playbook started: in the intake, or at the picker. */
async function continueBeforePlaybook(play: CaseInPlay, stopped: CaseRecord, stage: NonNullable<CaseRecord['stage']>): Promise<FinishedCase> {
  const where = stage === 'intake' ? 'in the intake' : 'at the playbook picker';
  if (!play.prompter) {
    throw new TriageError('session/needs-terminal', `Case ${stopped.id} stopped ${where}; continuing it needs a terminal.`, {
      hint: `Run \`triage resume ${stopped.id}\` in a terminal, or start it again with \`triage run <playbook> --answer ...\`.`,
    });
  }
  play.screen.notice(`Resuming case ${stopped.id} ${where}.`);
  const intake =
    stage === 'intake'
      ? await askIntake({ ...play.intakeFlags, ...answeredIntake(stopped) }, play.prompter, play.chalk, play.ctx, intakeProgress(play, stopped.playbook))
      : stopped.intake;
  return stopped.playbook.id ? startCase(play, stopped.playbook.id, intake, play.env, false) : pickAndRun(play, intake, play.prompter);
}

/** The intake questions a stopped case already answered, as flags, so they are not asked again. */
function answeredIntake(stopped: CaseRecord): Partial<RunFlags> {
  const answered = new Set(stopped.intakeAnswered ?? []);
  const { intake } = stopped;
  return {
    ...(answered.has('customer') ? { customer: intake.customer.name ?? '' } : {}),
    ...(answered.has('channel') ? { channel: intake.customer.channel } : {}),
    ...(answered.has('mood') ? { mood: intake.customer.mood } : {}),
    ...(answered.has('description') ? { description: intake.description } : {}),
    ...(answered.has('account') ? { account: intake.customer.account ?? '' } : {}),
    ...(answered.has('signals') ? { signal: (intake.customer.signals ?? []).join(',') || 'none' } : {}),
  };
}

/** `triage run <playbook>`: the intake, then that playbook. */
async function runNamedPlaybook(play: CaseInPlay, playbookId: string): Promise<FinishedCase> {
  const { ctx, chalk } = play;
  if (playbookId === GAP_PLAYBOOK_ID) await addGapPlaybook(play);
  else await assertRunnable(play.loaded, playbookId);
  await assertRequestedIdFree(play);
  // Refuse untrusted commands before the agent types the intake, not after.
  assertRunAllowed(playbookId, play.env);
  const intake = await askIntake(play.intakeFlags, play.prompter, chalk, ctx, intakeProgress(play, playbookRef(play, playbookId)), play.suggestedSignals);
  if (play.interactive && play.flags.history !== false) {
    showSimilarCases((await suggestionsFor(play.loaded, intake.description, intake.customer.name, ctx, chalk, true)).similar, ctx, chalk);
  }
  return startCase(play, playbookId, intake, play.env, false);
}

/** A script with a ticket and no playbook: the ticket's description picks it, when one matches strongly. */
async function runTicketMatch(play: CaseInPlay): Promise<FinishedCase> {
  const { ctx, chalk, ticketRef } = play;
  await assertRequestedIdFree(play);
  const intake = await askIntake(play.intakeFlags, undefined, chalk, ctx);
  const ranking = await suggestionsFor(play.loaded, intake.description, intake.customer.name, ctx, chalk, play.flags.history !== false);
  const playbookId = strongestMatch(ranking, `${ticketRef!.provider}:${ticketRef!.id}`);
  ctx.streams.stderr.write(`Playbook: ${playbookId} (the strongest match for the ticket)\n`);
  await assertRunnable(play.loaded, playbookId);
  assertRunAllowed(playbookId, play.env);
  return startCase(play, playbookId, intake, play.env, false);
}

/** Bare `triage`: the intake, then the picker. */
async function runGuided(play: CaseInPlay): Promise<FinishedCase> {
  if (!play.prompter) {
    throw new TriageError('run/needs-terminal', 'The guided intake needs a terminal.', { hint: 'In scripts use `triage run <playbook> --answer ...`; `triage search <words>` finds the playbook.' });
  }
  await assertRequestedIdFree(play);
  const intake = await askIntake(play.intakeFlags, play.prompter, play.chalk, play.ctx, intakeProgress(play, NO_PLAYBOOK_YET), play.suggestedSignals);
  return pickAndRun(play, intake, play.prompter);
}

/** The picker, then the chosen playbook's run; "go back" at its first question returns to the picker. */
async function pickAndRun(play: CaseInPlay, intake: Intake, pickPrompter: Prompter): Promise<FinishedCase> {
  const { ctx, chalk, loaded } = play;
  const history = play.flags.history !== false;
  await recordOpen(play, saveEarly(play, intake, 'picker', NO_PLAYBOOK_YET));
  const ranking = await suggestionsFor(loaded, intake.description, intake.customer.name, ctx, chalk, history);
  showSimilarCases(ranking.similar, ctx, chalk);
  let lastChoice: string | undefined;
  for (;;) {
    // After going back out of a playbook, the cursor is on it again.
    const choice = await choosePlaybook(loaded, intake, ranking, pickPrompter, ctx, chalk, history, lastChoice);
    lastChoice = choice;
    const playbookId = choice === NO_PLAYBOOK ? GAP_PLAYBOOK_ID : choice;
    if (choice === NO_PLAYBOOK) await addGapPlaybook(play);
    else await assertRunnable(loaded, playbookId);
    assertRunAllowed(playbookId, play.env);
    try {
      // A fresh screen, so headers show again after going back.
      const ui = createRunScreen({ stderr: ctx.streams.stderr, chalk, canSpin: play.term.canSpin, interactive: play.interactive });
      return await startCase(play, playbookId, intake, { ...play.env, ui }, true);
    } catch (error) {
      if (!(error instanceof LeftRun)) throw error;
      saveEarly(play, intake, 'picker', NO_PLAYBOOK_YET);
    }
  }
}

async function startCase(play: CaseInPlay, playbookId: string, intake: Intake, runEnv: RunEnvironment, canLeave: boolean): Promise<FinishedCase> {
  const { flags, progress, ticket } = play;
  warnUnusedAnswers(runEnv.library, playbookId, play.prefill, play.ctx, play.chalk);
  const id = progress.caseId ?? flags.caseId ?? newCaseId(play.clock());
  progress.caseId = id;
  const start = {
    playbookId,
    intake,
    prefill: play.prefill,
    caseId: id,
    canLeave,
    ...(progress.startedAt ? { startedAt: progress.startedAt } : {}),
    origin: play.origin,
    ...(flags.replayOf ? { replayOf: flags.replayOf.trim() } : {}),
    ...(ticket ? { ticket: ticket.fetched.caseTicket } : {}),
  };
  try {
    return await runNewCase(start, runEnv);
  } catch (error) {
    // A script's run refused for its input (exit 2) was never under way: leave no session
    // behind for `triage resume` to pick up. Interactive sessions stay until finished.
    if (!play.interactive && isTriageError(error) && error.exitCode === EXIT.usage) play.sessions.remove(id);
    throw error;
  }
}

/** Cases without a playbook run templates/no-playbook.md; it is parsed only when one is needed. */
async function addGapPlaybook(play: CaseInPlay): Promise<void> {
  const { loadGapPlaybook, withGapPlaybook } = await import('../app/knowledge-gap.js');
  play.env = { ...play.env, library: withGapPlaybook(play.loaded.library, await loadGapPlaybook(play.ctx.packageRoot)) };
}

/** `--case-id`, when given, must not name a finished case (unless `--replace-case`). */
async function assertRequestedIdFree(play: CaseInPlay): Promise<void> {
  const { flags } = play;
  if (flags.caseId === undefined) return;
  await assertCaseIdFree(flags.caseId, { replace: Boolean(flags.replaceCase), history: flags.history !== false }, play.dataDir, play.ctx);
}

/**
 * Nothing typed is lost: the intake is saved after every answer, and the whole intake (at the
 * playbook picker) also goes into the history as an open case. `triage resume` continues there.
 */
function saveEarly(play: CaseInPlay, intake: Intake, stage: 'intake' | 'picker', playbook: CaseRecord['playbook'], answered?: readonly IntakeQuestion[]): CaseRecord {
  const { progress, settings, ticket } = play;
  const now = play.clock().toISOString();
  progress.caseId ??= play.flags.caseId ?? newCaseId(play.clock());
  progress.startedAt ??= now;
  const record: CaseRecord = {
    id: progress.caseId,
    status: 'open',
    stage,
    ...(answered ? { intakeAnswered: answered } : {}),
    playbook,
    intake,
    ...(settings['agent.name'] ? { agent: settings['agent.name'] } : {}),
    inputs: [],
    startedAt: progress.startedAt,
    updatedAt: now,
    handoffs: [],
    origin: play.origin,
    ...(ticket ? { ticket: ticket.fetched.caseTicket } : {}),
  };
  play.sessions.save(record);
  return record;
}

function playbookRef(play: CaseInPlay, id: string): CaseRecord['playbook'] {
  const playbook = play.env.library.get(id);
  return playbook ? { id: playbook.id, version: playbook.version, title: playbook.title, path: playbook.path } : NO_PLAYBOOK_YET;
}

function intakeProgress(play: CaseInPlay, playbook: CaseRecord['playbook']): IntakeProgress {
  return (intake, answered) => {
    saveEarly(play, intake, 'intake', playbook, answered);
  };
}

async function recordOpen(play: CaseInPlay, record: CaseRecord): Promise<void> {
  if (play.flags.history === false) return;
  const warning = await recordCase(record, { dataDir: play.dataDir, env: play.ctx.env });
  if (warning) warn(play.ctx, play.chalk, warning);
}

/** The finished case into the history; its session goes once the history has it (or none is kept). */
async function recordFinished(play: CaseInPlay, finished: FinishedCase): Promise<void> {
  if (play.flags.history === false) {
    play.sessions.remove(finished.record.id);
    return;
  }
  const warning = await recordCase(finished.record, { dataDir: play.dataDir, env: play.ctx.env });
  if (warning) {
    warn(play.ctx, play.chalk, warning);
    return;
  }
  play.sessions.remove(finished.record.id);
  const fromTicket = finished.record.ticket ?? play.ticket?.ref;
  play.progress.recorded = { id: finished.record.id, ...(fromTicket ? { ticket: { provider: fromTicket.provider, id: fromTicket.id } } : {}) };
}

/** The report or reply: on stdout or into --output, copied with --copy, and offered to save at a terminal. */
async function emitResult(play: CaseInPlay, finished: FinishedCase): Promise<void> {
  const { ctx, flags, term } = play;
  const format = flags.format ?? play.settings.format ?? (term.stdoutIsTTY ? 'text' : 'markdown');
  // JSON is the triage.report/v1 object (which carries the reply) unless --emit reply asks for the
  // reply alone: `--format json | jq .title` must work whatever the outcome kind.
  const emit = flags.emit ?? (format === 'json' ? 'both' : defaultEmit(finished.outcome.kind));
  if (play.interactive) await showOutcome(play, finished);
  const output = renderCaseOutput(finished, { format, emit });
  if (flags.copy) {
    const { caseCopyText, copyWithNotice } = await import('./copy-output.js');
    const copy = caseCopyText(finished, format, emit, output);
    await copyWithNotice(ctx, copy.text, copy.what, flags.output ? `in ${flags.output}` : 'on stdout');
  }
  if (flags.output) {
    writeResult(resolve(ctx.cwd, flags.output), output);
    ctx.streams.stderr.write(`Saved the ${emit === 'both' ? 'report and reply' : emit} to ${flags.output}\n`);
    return;
  }
  ctx.streams.stdout.write(output);
  if (play.interactive && play.prompter && term.stdoutIsTTY) await offerToSave(play.prompter, output, ctx, finished.record.id, format);
}

/** At a terminal, on stderr: the outcome, its summary, and what redaction applied and took out. */
async function showOutcome(play: CaseInPlay, finished: FinishedCase): Promise<void> {
  const { ctx, chalk } = play;
  const stderr = ctx.streams.stderr;
  stderr.write(`\n${chalk.bold.green(`Outcome: ${finished.outcome.title}`)} ${chalk.dim(`(${finished.outcome.kind}, case ${finished.record.id})`)}\n`);
  const { renderTable } = await import('../render/table.js');
  stderr.write(renderTable(['', 'Value'], fitSummary(summaryRows(finished), stderr.columns), { tty: true }));
  stderr.write('\n');
  if (finished.profile !== undefined) {
    // Which profile applies, before anything is printed or saved (the history keeps internal).
    const { describeProfile } = await import('../core/redaction-profiles.js');
    stderr.write(`${chalk.bold('Redaction')} ${describeProfile(finished.profile)} ${chalk.dim('(--redaction internal|public; triage help redaction)')}\n`);
  }
  if (finished.redactions.length === 0) return;
  // The agent sees what was taken out before anything is printed or saved.
  stderr.write(`${chalk.bold('Redacted from the output')} ${chalk.dim('(triage help redaction)')}\n`);
  for (const f of finished.redactions) {
    stderr.write(`  ${chalk.yellow(f.replacement.padEnd(12))} ${f.kind.padEnd(18)} ${sanitizeForTerminal(f.preview)}${f.count > 1 ? chalk.dim(` ×${f.count}`) : ''}\n`);
  }
  stderr.write('\n');
}

/**
 * The output is out and the case recorded: a helpdesk that fails now loses nothing. A resumed
 * case that came from a ticket posts to it as well.
 */
async function postToHelpdesk(play: CaseInPlay, finished: FinishedCase): Promise<void> {
  const { ctx, flags, ticket } = play;
  if (flags.history === false) return;
  if (!ticket && !(play.request.mode === 'resume' && finished.record.ticket)) return;
  const posting = play.helpdesk ?? (await import('./run-ticket.js'));
  const target = ticket ?? (await posting.reopenTicket(ctx, play.settings, finished.record.ticket!));
  if (!target) return;
  await posting.postAtOutcome(ctx, { ticket: target, record: finished.record, flags, interactive: play.interactive, prompter: play.prompter, chalk: play.chalk, dataDir: play.dataDir });
}

/** Ctrl-C at a prompt: the session already holds every answer; the history gets it as open. */
async function interruption(run: CaseRun): Promise<InterruptedError> {
  const { caseId } = run.progress;
  if (caseId && run.flags.history !== false) {
    const saved = run.sessions.peek(caseId);
    if (saved?.status === 'open') await recordCase(saved, { dataDir: run.dataDir, env: run.ctx.env });
  }
  return new InterruptedError(interruptMessage(run.progress));
}

function warn(ctx: CliContext, chalk: ChalkInstance, text: string): void {
  ctx.streams.stderr.write(`${chalk.yellow(text)}\n`);
}

// Probes and check commands spawn processes: their modules (child_process, execa) load only
// for playbooks that have them, not on every run.
/** Playbook probes and checks run where the agent runs triage, with the agent's environment. */
function playbookCommands(ctx: CliContext): Pick<RunEnvironment, 'captureProbes' | 'runCommand'> {
  const where = { cwd: ctx.cwd, env: ctx.env };
  return {
    captureProbes: async (fields, options) => (await import('../io/probes.js')).captureEnvFields(fields, { ...options, ...where }),
    runCommand: async (argv, options) => (await import('../io/run-command.js')).runCommand(argv, { timeoutMs: options.timeoutMs, ...where }),
  };
}

/** Built-in probes: the settings they read and the sockets (loaded only when a probe runs). */
export function probeDeps(settings: Settings, env: NodeJS.ProcessEnv): ProbeDeps {
  const dnsServer = env.TRIAGE_DNS_SERVER || settings['network.dns_server'];
  return {
    config: settings as ProbeDeps['config'],
    // A probe observes the world now: SOURCE_DATE_EPOCH fixes report timestamps, not certificates' age.
    now: () => new Date(),
    observe: async (name, target, options) =>
      (await import('../io/network-probes.js')).observeProbe(name, target, { timeoutMs: options.timeoutMs, env, ...(dnsServer ? { dnsServer } : {}) }),
  };
}

/**
 * `--case-id` names a finished case in the history: exit 2 rather than overwrite it, unless
 * `--replace-case` says to replace it.
 */
async function assertCaseIdFree(id: string, options: { replace: boolean; history: boolean }, dataDir: string, ctx: CliContext): Promise<void> {
  if (options.replace) return;
  // An interrupted case of that id (a session, or an open case) is started again by the same
  // command: that is how a run killed before it finished is repeated. A finished case is never
  // overwritten.
  const where: string[] = [];
  // --no-history records nothing, so a stored case of that id cannot be overwritten.
  if (options.history) {
    const { caseStoreTarget, openCaseStore } = await import('../io/case-store.js');
    // No history file yet: nothing to overwrite, and looking must not create one (a nearly full
    // disk would then have no room left for the session).
    const target = caseStoreTarget({ dataDir, env: ctx.env });
    if (target.backend === 'sqlite' && !existsSync(target.file)) return;
    const store = await openCaseStore({ dataDir, env: ctx.env });
    try {
      const found = await store.getCase(id).catch(() => undefined);
      if (found?.id === id && found.status === 'done') where.push('the case history');
    } finally {
      await store.close().catch(() => undefined);
    }
  }
  if (where.length === 0) return;
  throw new TriageError('run/case-exists', `Case ${id} already exists (in ${where.join(' and ')}); --case-id will not overwrite a finished case.`, {
    exitCode: EXIT.usage,
    hint: `Leave out --case-id for a new id, use another id, or add --replace-case to replace case ${id}.`,
  });
}

interface RecordedCase {
  readonly id: string;
  readonly ticket?: { readonly provider: string; readonly id: string };
}

function interruptMessage({ caseId, recorded }: RunProgress): string {
  if (recorded) {
    const { id, ticket } = recorded;
    return ticket
      ? `Interrupted. Case ${id} is recorded with its outcome; what was not posted to ${ticket.provider}:${ticket.id} yet is posted with \`triage handoff ${id} --to ${ticket.provider}\` (nothing twice).`
      : `Interrupted. Case ${id} is recorded with its outcome; see it with \`triage cases show ${id}\`.`;
  }
  return caseId ? `Interrupted. Case ${caseId} is saved; continue it with \`triage resume ${caseId}\`.` : 'Interrupted before the case started; nothing to save.';
}

/** `--answers -`: a terminal on stdin would give nothing (or wait for Ctrl-D with no prompt); say how to use it. */
function readAnswersStdin(ctx: CliContext): NodeJS.ReadableStream {
  if (ctx.streams.stdin.isTTY) {
    throw new TriageError('answers/stdin-is-terminal', '--answers - reads the answers from stdin, but stdin is this terminal.', {
      hint: 'Pipe them in (`triage run <playbook> --answers - < answers.yaml`), give a file (`--answers answers.yaml`), or leave --answers out to be asked.',
    });
  }
  return ctx.streams.stdin;
}

function writeResult(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new TriageError('output/write-failed', `Could not write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
      hint: 'Choose another --output path; the case itself is saved in the history.',
    });
  }
}

async function createPrompter(ctx: CliContext): Promise<Prompter> {
  const { createInquirerPrompter } = await import('../io/inquirer-prompter.js');
  return createInquirerPrompter({ input: ctx.streams.stdin, output: ctx.streams.stderr });
}

/** Told after every intake answer: what is known so far, and which questions are answered. */
type IntakeProgress = (intake: Intake, answered: readonly IntakeQuestion[]) => void;

async function askIntake(
  flags: RunFlags,
  prompter: Prompter | undefined,
  chalk: ChalkInstance,
  ctx: CliContext,
  onProgress?: IntakeProgress,
  /** Signals a helpdesk ticket shows (repeat contact, words in later messages): offered ticked. */
  suggestedSignals: readonly Signal[] = [],
): Promise<Intake> {
  let name = flags.customer === undefined ? undefined : sanitizeForTerminal(flags.customer).trim();
  let channel: Channel | undefined = flags.channel ? parseChannel(flags.channel) : undefined;
  let mood: Mood | undefined = flags.mood ? parseMood(flags.mood) : undefined;
  let description = flags.description === undefined ? undefined : sanitizeForTerminal(flags.description).trim();
  let account = flags.account === undefined ? undefined : sanitizeForTerminal(flags.account).trim();
  // Given by --signal or the answers file (already checked), else confirmed below, else detected.
  let signals: readonly Signal[] | undefined = flags.signal === undefined ? undefined : parseSignals(flags.signal).signals;
  const intake = (): Intake => ({
    customer: { ...(name ? { name } : {}), channel: channel ?? 'email', mood: mood ?? 'calm', ...(account ? { account } : {}), ...(signals !== undefined ? { signals } : {}) },
    description: description ?? '',
  });
  if (prompter) {
    // Only what the flags did not give is asked; every question after the first can go back, and
    // going back offers the earlier answer again (typed text pre-filled, the cursor on the choice).
    const given: IntakeQuestion[] = [];
    const questions: { key: IntakeQuestion; ask: (allowBack: boolean) => Promise<string | typeof BACK>; set: (value: string) => void }[] = [];
    if (name === undefined) {
      questions.push({ key: 'customer', ask: (allowBack) => prompter.text("Customer's name", { allowBack, hint: 'optional', ...(name ? { default: name } : {}) }), set: (v) => (name = v.trim()) });
    } else given.push('customer');
    if (channel === undefined) {
      const channels = [
        { label: 'Email', value: 'email' },
        { label: 'Chat', value: 'chat' },
        { label: 'Phone', value: 'phone' },
      ];
      questions.push({ key: 'channel', ask: (allowBack) => prompter.choose('Channel', channels, { allowBack, ...(channel ? { default: channel } : {}) }), set: (v) => (channel = v as Channel) });
    } else given.push('channel');
    if (mood === undefined) {
      const moods = [
        { label: 'Calm', value: 'calm' },
        { label: 'Confused', value: 'confused' },
        { label: 'Frustrated', value: 'frustrated' },
        { label: 'Angry', value: 'angry' },
      ];
      questions.push({ key: 'mood', ask: (allowBack) => prompter.choose('How does the customer sound?', moods, { allowBack, ...(mood ? { default: mood } : {}) }), set: (v) => (mood = v as Mood) });
    } else given.push('mood');
    if (account === undefined) {
      questions.push({ key: 'account', ask: (allowBack) => prompter.text('Account (id or email)', { allowBack, hint: 'optional', ...(account ? { default: account } : {}) }), set: (v) => (account = v.trim()) });
    } else given.push('account');
    if (description === undefined) {
      questions.push({ key: 'description', ask: (allowBack) => prompter.text('What is the problem, in their words?', { allowBack, ...(description ? { default: description } : {}) }), set: (v) => (description = v.trim()) });
    } else given.push('description');
    if (signals === undefined) {
      // Signals found in the description are shown for the agent to confirm; none found, nothing asked.
      questions.push({ key: 'signals', ask: (allowBack) => confirmSignals(description ?? '', prompter, allowBack, chalk, ctx, suggestedSignals), set: (v) => (signals = parseSignals(v).signals) });
    } else given.push('signals');
    if (questions.length > 0) ctx.streams.stderr.write(`${chalk.bold('New case')} ${chalk.dim('— who is it, and what happened?')}\n`);
    for (let i = 0; i < questions.length; ) {
      const answer = await questions[i]!.ask(i > 0);
      if (answer === BACK) {
        i -= 1;
        continue;
      }
      questions[i]!.set(answer);
      i += 1;
      onProgress?.(intake(), [...given, ...questions.slice(0, i).map((q) => q.key)]);
    }
  }
  // Without a person to confirm them, what the description shows is taken as it is.
  signals ??= detectSignals(description ?? '').map((d) => d.signal);
  return intake();
}

/** The signals the description shows, ticked, for the agent to confirm or change; `none` without asking when it shows none. */
async function confirmSignals(
  description: string,
  prompter: Prompter,
  allowBack: boolean,
  chalk: ChalkInstance,
  ctx: CliContext,
  suggested: readonly Signal[] = [],
): Promise<string | typeof BACK> {
  const detected = detectSignals(description);
  if (detected.length === 0 && suggested.length === 0) return 'none';
  if (detected.length > 0) ctx.streams.stderr.write(`${chalk.dim(`In their words: ${detected.map((d) => `“${sanitizeForTerminal(d.evidence)}”`).join(', ')}`)}\n`);
  const choices = SIGNALS.map((signal) => {
    const found = detected.find((d) => d.signal === signal);
    const fromTicket = !found && suggested.includes(signal) ? ' — from the ticket' : '';
    return { label: found ? `${SIGNAL_LABELS[signal]} — “${sanitizeForTerminal(found.evidence)}”` : `${SIGNAL_LABELS[signal]}${fromTicket}`, value: signal, checked: found !== undefined || fromTicket !== '' };
  });
  const chosen = await prompter.chooseMany('What should the reply take into account? (space toggles, enter confirms)', choices, { allowBack });
  return chosen === BACK ? BACK : chosen.join(',') || 'none';
}

/** The intake's ranking: the same call `triage search` makes. */
async function suggestionsFor(
  loaded: Workspace,
  description: string,
  customer: string | undefined,
  ctx: CliContext,
  chalk: ChalkInstance,
  history: boolean,
): Promise<PlaybookSuggestions> {
  const { suggestPlaybooks } = await import('../app/playbooks.js');
  const ranking = await suggestPlaybooks(loaded, ctx.env, description, { ...(customer ? { customer } : {}), history });
  if (ranking.problem) ctx.streams.stderr.write(`${chalk.yellow(ranking.problem)}\n`);
  return ranking;
}

/** "Has this happened before?": the past cases that pass the similarity bar, this customer's first, on stderr. */
function showSimilarCases(cases: readonly SupportingCase[], ctx: CliContext, chalk: ChalkInstance): void {
  if (cases.length === 0) return;
  ctx.streams.stderr.write(`\n${chalk.bold('Has this happened before?')} ${chalk.dim('Similar past cases:')}\n`);
  for (const c of cases.slice(0, 5)) {
    const who = c.sameCustomer ? chalk.green(`${c.customer ?? 'this customer'} (same customer)`) : (c.customer ?? 'another customer');
    const solvedBy = c.playbook ? c.playbook.id : 'no playbook';
    ctx.streams.stderr.write(`  ${c.id}  ${c.startedAt.slice(0, 10)}  ${sanitizeForTerminal(who)}  ${solvedBy} → ${sanitizeForTerminal(c.outcome)}\n`);
  }
}

/** The picker's value for "None of these fits". */
const NO_PLAYBOOK = '\u0000none';
const SEARCH_AGAIN = '\u0000search';

async function choosePlaybook(
  loaded: Workspace,
  intake: Intake,
  first: PlaybookSuggestions,
  prompter: Prompter,
  ctx: CliContext,
  chalk: ChalkInstance,
  history: boolean,
  previous?: string,
): Promise<string> {
  let ranking = first;
  for (;;) {
    const { suggestions } = ranking;
    const strong = suggestions.some((s) => s.strength === 'strong');
    if (suggestions.length === 0) ctx.streams.stderr.write(`${chalk.yellow('No playbook matches that description.')}\n`);
    else if (!strong) ctx.streams.stderr.write(`${chalk.yellow('No playbook is a strong match for this description.')} ${chalk.dim('Pick the closest, search with other words, or choose "None of these fits".')}\n`);
    const choice = await prompter.choose(
      suggestions.length > 0 ? 'Best matching playbooks' : 'Choose a playbook',
      [
        ...(suggestions.length > 0
          ? suggestions.map((s) => ({
              label: `${s.title} ${s.strength === 'strong' ? chalk.green('(strong match)') : chalk.dim('(weak match)')}${s.cases.length > 0 ? chalk.dim(` ↺ ${s.cases.length} similar past case${s.cases.length === 1 ? '' : 's'}`) : ''}`,
              value: s.id,
              description: [
                s.id,
                s.matched.length > 0 ? `matched: ${s.matched.join(', ')}` : '',
                ...s.cases.map((c) => `${c.sameCustomer ? 'same customer, ' : ''}${c.id}: ${c.outcome}`),
              ]
                .filter((line) => line !== '')
                .join(' · '),
            }))
          : loaded.effective.map((p) => ({ label: p.title, value: p.id, description: p.id }))),
        { label: '🔍 Search again with other words', value: SEARCH_AGAIN },
        { label: '✗ None of these fits', value: NO_PLAYBOOK, description: 'go on without a playbook: note what you asked and tried; recorded as a knowledge gap' },
      ],
      { allowBack: false, ...(previous ? { default: previous } : {}) },
    );
    if (choice === BACK) continue;
    if (choice !== SEARCH_AGAIN) return choice;
    const query = await prompter.text('Search for', { allowBack: false });
    if (query === BACK || query.trim() === '') continue;
    ranking = await suggestionsFor(loaded, query, intake.customer.name, ctx, chalk, history);
  }
}

async function offerToSave(prompter: Prompter, output: string, ctx: CliContext, caseId: string, format: string): Promise<void> {
  const save = await prompter.confirm('Save this to a file?', { allowBack: false, default: false });
  if (save !== true) return;
  const ext = format === 'json' ? 'json' : format === 'markdown' || format === 'gitlab' ? 'md' : 'txt';
  const path = await prompter.text('File name', { allowBack: false, default: `${caseId}.${ext}` });
  if (path === BACK) return;
  try {
    writeResult(resolve(ctx.cwd, path.trim()), output);
  } catch (error) {
    // The case is finished and recorded; a bad file name must not turn it into a failed run.
    if (!isTriageError(error)) throw error;
    ctx.streams.stderr.write(`${error.message} ${error.hint ?? ''}\n`);
    return;
  }
  ctx.streams.stderr.write(`Saved to ${path.trim()}\n`);
}

function machineIdentity(env: NodeJS.ProcessEnv): { homePath?: string; hostname?: string } {
  let host: string | undefined;
  try {
    host = hostname();
  } catch {
    host = undefined;
  }
  return { homePath: homeDirectory(env), hostname: host };
}

/**
 * An answer whose key no question, env field, action or choice of the playbook (or one it links to) uses
 * is ignored; say so, since it is usually a typo. Not an error: one answers file may serve several
 * playbooks.
 */
function warnUnusedAnswers(library: PlaybookLibrary, playbookId: string, prefill: Readonly<Record<string, AnswerValue>>, ctx: CliContext, chalk: ChalkInstance): void {
  const start = library.get(playbookId);
  if (!start) return;
  // scope, frequency and started are asked before a bug or escalation report is final.
  const known = new Set<string>(['scope', 'frequency', 'started']);
  for (const playbook of reachablePlaybooks(library, start)) {
    for (const field of playbook.env) known.add(field.key);
    for (const node of playbook.nodes) {
      if (node.choices.length > 0) known.add(node.id);
      for (const ask of node.asks) known.add(ask.key);
      for (const action of node.actions ?? []) {
        known.add(action.key);
        known.add(`${action.key}.reference`);
      }
    }
  }
  for (const key of Object.keys(prefill)) {
    if (known.has(key)) continue;
    const suggestion = closestMatch(key, [...known]);
    ctx.streams.stderr.write(
      `${chalk.yellow(`Ignoring the answer for "${key}": playbook ${playbookId} asks nothing by that key.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`)}\n`,
    );
  }
}

/** Summary values cut to the terminal width, so the box stays a box; the report below has them whole. */
function fitSummary(rows: string[][], columns: number | undefined): string[][] {
  const keyWidth = Math.max(...rows.map((r) => (r[0] ?? '').length), 0);
  const room = Math.max(20, (columns && columns > 0 ? columns : 80) - keyWidth - 7);
  return rows.map(([key = '', value = '']) => {
    const oneLine = value.replace(/\s*\n\s*/g, ' ⏎ ');
    return [key, oneLine.length > room ? `${oneLine.slice(0, room - 1)}…` : oneLine];
  });
}

export async function checkCommand(ctx: CliContext, globals: GlobalOptions, playbookId: string, flags: CheckFlags): Promise<number> {
  const { runChecks } = await import('../app/check.js');
  const { parseCheckFailOn, checkExitCode } = await import('../app/check-exit.js');
  const failOn = parseCheckFailOn(flags.failOn);
  const format = flags.format ?? (flags.json ? 'json' : 'text');
  const { settings, problem } = readSettingsFast(ctx.env);
  if (problem) ctx.streams.stderr.write(`${problem}\n`);
  const loaded = await openWorkspace(workspaceInput(ctx, globals));
  const playbook = await assertRunnable(loaded, playbookId);
  const checked = await runChecks(playbook, {
    packageRoot: ctx.packageRoot,
    trustedDirs: settings.trusted ?? [],
    allowCommands: Boolean(flags.allowCommands),
    prefill: parseAnswerFlags(flags.answer),
    ...playbookCommands(ctx),
    probes: probeDeps(settings, ctx.env),
  });
  // Output goes to CI logs and artefacts: a token in a URL or a proxy password must not.
  const { createSecretsOnlyRedactor } = await import('../core/redaction-profiles.js');
  const result = createSecretsOnlyRedactor().redactDeep(checked);
  const { renderCheckResults, renderCheckJunit } = await import('../render/check-results.js');
  const text =
    format === 'json'
      ? `${JSON.stringify(result, null, 2)}\n`
      : format === 'junit'
        ? renderCheckJunit(result, { timestamp: clockFromEnv(ctx.env)() })
        : renderCheckResults(result);
  if (flags.output) {
    writeFileSync(resolve(ctx.cwd, flags.output), text);
    ctx.streams.stderr.write(`Wrote ${flags.output}\n`);
  } else ctx.streams.stdout.write(text);
  return checkExitCode(result, failOn);
}

/** The one playbook a script may start without being told: the top suggestion, and only when it is a strong match. */
function strongestMatch(ranking: PlaybookSuggestions, ticket: string): string {
  const [top] = ranking.suggestions;
  if (top?.strength === 'strong') return top.id;
  const close = ranking.suggestions.slice(0, 3).map((s) => s.id);
  throw new TriageError('run/no-strong-match', `No playbook is a strong match for ticket ${ticket}, and without a terminal triage does not guess.`, {
    exitCode: EXIT.usage,
    hint: `Name the playbook: \`triage run <playbook> --ticket ${ticket} …\`${close.length > 0 ? ` (closest: ${close.join(', ')})` : ''}.`,
  });
}

/**
 * The terminal side of running a case: decides interactivity once, asks the intake, builds the
 * run environment (prompter, screen, probes, checks, settings), writes the result to stdout or a
 * file, records the case, and maps the outcome to an exit code. Ctrl-C exits 130 with the
 * session saved.
 */
import type { Command } from 'commander';
import { Chalk, type ChalkInstance } from 'chalk';
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Intake } from '../core/case-record.js';
import { EXIT, InterruptedError, TriageError, isTriageError } from '../core/errors.js';
import type { AnswerValue } from '../core/flow-types.js';
import type { Channel, Mood } from '../core/model.js';
import { openWorkspace, type Workspace } from '../app/indexed-workspace.js';
import { assertRunnable } from '../app/run-validation.js';
import { LeftRun } from '../app/drive-flow.js';
import { assertRunAllowed, clockFromEnv, newCaseId, resumeCase, runNewCase, type RunEnvironment } from '../app/run.js';
import { reachablePlaybooks } from '../app/trust.js';
import { closestMatch } from '../core/did-you-mean.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { parseAnswerFlags, parseChannel, parseFailOn, parseMood, readAnswersFile } from '../app/run-inputs.js';
import { loadAttachedEnvironment } from '../app/attached-env.js';
import type { FinishedCase } from '../app/finish-case.js';
import type { SimilarCase } from '../app/similar-cases.js';
import { recordCase } from '../app/record-case.js';
import { renderCaseOutput, defaultEmit, summaryRows } from '../render/case-output.js';
import { triagePaths } from '../io/paths.js';
import { readSettingsFast } from '../io/settings-read.js';
import { openSessionStore } from '../io/session-store.js';
import { loadPhraseBank, bundledTemplatesDir } from '../io/phrase-bank.js';
import type { Prompter } from '../io/prompter.js';
import { BACK } from '../io/prompter.js';
import type { CliContext } from './context.js';
import { terminalFor } from './context.js';
import { createRunScreen } from './run-screen.js';
import type { RunFlags } from './commands/run.js';
import { workspaceInput } from './commands/shared.js';

export type RunMode =
  | { mode: 'run'; playbookId: string; flags: RunFlags }
  | { mode: 'resume'; caseId?: string; flags: RunFlags }
  | { mode: 'guided'; flags: RunFlags };

function isPromptExit(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

export async function runCommand(ctx: CliContext, command: Command, request: RunMode): Promise<number> {
  const { flags } = request;
  const term = terminalFor(ctx, command);
  const interactive = term.canPrompt && flags.input !== false && flags.answers !== '-';
  const chalk = new Chalk({ level: term.colorStderr ? 1 : 0 });
  // First interactive run without an agent name: ask once, before settings are read (issue 9).
  if (interactive) await (await import('./first-run.js')).firstRunIfNeeded(ctx, { color: term.colorStderr });
  const { settings, problem } = readSettingsFast(ctx.env);
  if (problem) ctx.streams.stderr.write(`${chalk.yellow(problem)}\n`);
  const clock = clockFromEnv(ctx.env);
  const failOn = parseFailOn(flags.failOn);
  const dataDir = triagePaths(ctx.env).data;

  const loaded = await openWorkspace(workspaceInput(ctx, command));
  const prompter = interactive ? await createPrompter(ctx) : undefined;
  const screen = createRunScreen({ stderr: ctx.streams.stderr, chalk, canSpin: term.canSpin, interactive });

  let caseId: string | undefined = request.mode === 'resume' ? request.caseId : undefined;
  const onSigint = (): void => {
    ctx.streams.stderr.write(`\n${interruptMessage(caseId)}\n`);
    process.exit(EXIT.interrupted);
  };
  process.once('SIGINT', onSigint);
  try {
    const prefill: Record<string, AnswerValue> = {
      ...(flags.answers ? await readAnswersFile(flags.answers, ctx.cwd, () => readAnswersStdin(ctx)) : {}),
      ...parseAnswerFlags(flags.answer ?? []),
    };
    const attached = flags.envFile ? loadAttachedEnvironment(flags.envFile, ctx.cwd) : {};
    const phrases = await loadPhraseBank(bundledTemplatesDir(), 'en', { cacheDir: triagePaths(ctx.env).cache });
    const env: RunEnvironment = {
      library: loaded.library,
      packageRoot: ctx.packageRoot,
      dataDir,
      trustedDirs: settings.trusted ?? [],
      allowCommands: Boolean(flags.allowCommands),
      prompter,
      ui: screen,
      clock,
      settings: {
        agentName: settings['agent.name'],
        agentTitle: settings['agent.title'],
        companyName: settings['company.name'],
        signoff: settings.signoff,
        phrases,
        redact: flags.redact !== false,
        // Reports travel to trackers: this machine's home path and hostname come out of them.
        machine: machineIdentity(),
      },
      attachedEnv: attached,
      captureProbes,
      runCommand: runPlaybookCommand,
      onCase: (id) => {
        caseId = id;
      },
    };
    if (flags.redact === false) ctx.streams.stderr.write(`${chalk.red.bold('WARNING: --no-redact: secrets and personal data will appear in the output. Do not paste it anywhere public. (triage help redaction)')}\n`);

    const startCase = async (playbookId: string, intake: Intake, runEnv: RunEnvironment, canLeave: boolean): Promise<FinishedCase> => {
      warnUnusedAnswers(loaded, playbookId, prefill, ctx, chalk);
      const id = flags.caseId ?? newCaseId(clock());
      caseId = id;
      try {
        return await runNewCase({ playbookId, intake, prefill, caseId: id, canLeave }, runEnv);
      } catch (error) {
        // A script's run refused for its input (exit 2) was never under way: leave no session
        // behind for `triage resume` to pick up. Interactive sessions stay until finished.
        if (!interactive && isTriageError(error) && error.exitCode === EXIT.usage) openSessionStore(dataDir).remove(id);
        throw error;
      }
    };

    let finished: FinishedCase;
    if (request.mode === 'resume') {
      // The case names its playbook only once loaded: let any playbook be parsed.
      await loaded.loadParser();
      finished = await resumeCase(request.caseId, env);
    } else if (request.mode === 'run') {
      await assertRunnable(loaded, request.playbookId);
      // Refuse untrusted commands before the agent types the intake, not after.
      assertRunAllowed(request.playbookId, env);
      const intake = await askIntake(flags, prompter, chalk, ctx);
      if (interactive && flags.history !== false) await showSimilarCases(intake, dataDir, ctx, chalk);
      finished = await startCase(request.playbookId, intake, env, false);
    } else {
      if (!prompter) {
        throw new TriageError('run/needs-terminal', 'The guided intake needs a terminal.', { hint: 'In scripts use `triage run <playbook> --answer ...`; `triage search <words>` finds the playbook.' });
      }
      const intake = await askIntake(flags, prompter, chalk, ctx);
      const similar = flags.history === false ? [] : await showSimilarCases(intake, dataDir, ctx, chalk);
      for (;;) {
        const playbookId = await choosePlaybook(loaded, intake.description, prompter, ctx, chalk, similar);
        await assertRunnable(loaded, playbookId);
        assertRunAllowed(playbookId, env);
        try {
          // "Go back" at the first question returns to the list (a fresh screen, so headers show again).
          const ui = createRunScreen({ stderr: ctx.streams.stderr, chalk, canSpin: term.canSpin, interactive });
          finished = await startCase(playbookId, intake, { ...env, ui }, true);
          break;
        } catch (error) {
          if (!(error instanceof LeftRun)) throw error;
          if (caseId) openSessionStore(dataDir).remove(caseId);
          caseId = undefined;
        }
      }
    }
    caseId = finished.record.id;

    if (flags.history !== false) {
      const warning = await recordCase(finished.record, { dataDir, env: ctx.env });
      if (warning) ctx.streams.stderr.write(`${chalk.yellow(warning)}\n`);
      else openSessionStore(dataDir).remove(finished.record.id);
    } else {
      openSessionStore(dataDir).remove(finished.record.id);
    }

    const format = flags.format ?? settings.format ?? (term.stdoutIsTTY ? 'text' : 'markdown');
    // JSON is the triage.report/v1 object (which carries the reply) unless --emit reply asks for the
    // reply alone: `--format json | jq .title` must work whatever the outcome kind.
    const emit = flags.emit ?? (format === 'json' ? 'both' : defaultEmit(finished.outcome.kind));
    if (interactive) {
      ctx.streams.stderr.write(`\n${chalk.bold.green(`Outcome: ${finished.outcome.title}`)} ${chalk.dim(`(${finished.outcome.kind}, case ${finished.record.id})`)}\n`);
      const { renderTable } = await import('../render/table.js');
      ctx.streams.stderr.write(renderTable(['', 'Value'], fitSummary(summaryRows(finished), ctx.streams.stderr.columns), { tty: true }));
      ctx.streams.stderr.write('\n');
    }
    if (interactive && finished.redactions.length > 0) {
      // The agent sees what was taken out before anything is printed or saved.
      ctx.streams.stderr.write(`${chalk.bold('Redacted from the output')} ${chalk.dim('(triage help redaction)')}\n`);
      for (const f of finished.redactions) {
        ctx.streams.stderr.write(`  ${chalk.yellow(f.replacement.padEnd(12))} ${f.kind.padEnd(18)} ${sanitizeForTerminal(f.preview)}${f.count > 1 ? chalk.dim(` ×${f.count}`) : ''}\n`);
      }
      ctx.streams.stderr.write('\n');
    }
    const output = renderCaseOutput(finished, { format, emit });
    if (flags.copy) {
      const { caseCopyText, copyWithNotice } = await import('./copy-output.js');
      const copy = caseCopyText(finished, format, emit, output);
      await copyWithNotice(ctx, copy.text, copy.what, flags.output ? `in ${flags.output}` : 'on stdout');
    }
    if (flags.output) {
      writeResult(resolve(ctx.cwd, flags.output), output);
      ctx.streams.stderr.write(`Saved the ${emit === 'both' ? 'report and reply' : emit} to ${flags.output}\n`);
    } else {
      ctx.streams.stdout.write(output);
      if (interactive && prompter && term.stdoutIsTTY) await offerToSave(prompter, output, ctx, finished.record.id, format);
    }
    return failOn.has(finished.outcome.kind) ? EXIT.failOn : EXIT.ok;
  } catch (error) {
    if (isPromptExit(error)) throw new InterruptedError(interruptMessage(caseId));
    throw error;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

// Probes and check commands spawn processes: their modules (child_process, execa) load only
// for playbooks that have them, not on every run (issue 7).
const captureProbes: RunEnvironment['captureProbes'] = async (fields, options) => (await import('../io/probes.js')).captureEnvFields(fields, options);
const runPlaybookCommand: RunEnvironment['runCommand'] = async (argv, options) => (await import('../io/run-command.js')).runCommand(argv, { timeoutMs: options.timeoutMs });

function interruptMessage(caseId: string | undefined): string {
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

async function askIntake(flags: RunFlags, prompter: Prompter | undefined, chalk: ChalkInstance, ctx: CliContext): Promise<Intake> {
  let name = flags.customer === undefined ? undefined : sanitizeForTerminal(flags.customer).trim();
  let channel: Channel | undefined = flags.channel ? parseChannel(flags.channel) : undefined;
  let mood: Mood | undefined = flags.mood ? parseMood(flags.mood) : undefined;
  let description = flags.description === undefined ? undefined : sanitizeForTerminal(flags.description).trim();
  if (prompter) {
    // Only what the flags did not give is asked; every question after the first can go back.
    const questions: { ask: (allowBack: boolean) => Promise<string | typeof BACK>; set: (value: string | undefined) => void }[] = [];
    if (name === undefined) {
      questions.push({ ask: (allowBack) => prompter.text("Customer's name", { allowBack, hint: 'optional' }), set: (v) => (name = v === undefined ? undefined : v.trim()) });
    }
    if (channel === undefined) {
      const channels = [
        { label: 'Email', value: 'email' },
        { label: 'Chat', value: 'chat' },
        { label: 'Phone', value: 'phone' },
      ];
      questions.push({ ask: (allowBack) => prompter.choose('Channel', channels, { allowBack }), set: (v) => (channel = v as Channel | undefined) });
    }
    if (mood === undefined) {
      const moods = [
        { label: 'Calm', value: 'calm' },
        { label: 'Confused', value: 'confused' },
        { label: 'Frustrated', value: 'frustrated' },
        { label: 'Angry', value: 'angry' },
      ];
      questions.push({ ask: (allowBack) => prompter.choose('How does the customer sound?', moods, { allowBack }), set: (v) => (mood = v as Mood | undefined) });
    }
    if (description === undefined) {
      questions.push({ ask: (allowBack) => prompter.text('What is the problem, in their words?', { allowBack }), set: (v) => (description = v === undefined ? undefined : v.trim()) });
    }
    if (questions.length > 0) ctx.streams.stderr.write(`${chalk.bold('New case')} ${chalk.dim('— who is it, and what happened?')}\n`);
    for (let i = 0; i < questions.length; ) {
      const answer = await questions[i]!.ask(i > 0);
      if (answer === BACK) {
        i -= 1;
        questions[i]!.set(undefined);
        continue;
      }
      questions[i]!.set(answer);
      i += 1;
    }
  }
  return {
    customer: { ...(name ? { name } : {}), channel: channel ?? 'email', mood: mood ?? 'calm' },
    description: description ?? '',
  };
}

/** "Has this happened before?": similar finished cases, this customer's first, on stderr. */
async function showSimilarCases(intake: Intake, dataDir: string, ctx: CliContext, chalk: ChalkInstance): Promise<SimilarCase[]> {
  const { findSimilarCases } = await import('../app/similar-cases.js');
  const { cases, problem } = await findSimilarCases(intake.description, { customer: intake.customer.name, dataDir, env: ctx.env });
  if (problem) ctx.streams.stderr.write(`${chalk.yellow(problem)}\n`);
  if (cases.length === 0) return cases;
  ctx.streams.stderr.write(`\n${chalk.bold('Has this happened before?')} ${chalk.dim('Similar past cases:')}\n`);
  for (const c of cases) {
    const who = c.sameCustomer ? chalk.green(`${c.customer ?? 'this customer'} (same customer)`) : (c.customer ?? 'another customer');
    ctx.streams.stderr.write(`  ${c.id}  ${c.startedAt.slice(0, 10)}  ${sanitizeForTerminal(who)}  ${c.playbook.id} → ${sanitizeForTerminal(c.outcome)}\n`);
  }
  return cases;
}

async function choosePlaybook(
  loaded: Workspace,
  description: string,
  prompter: Prompter,
  ctx: CliContext,
  chalk: ChalkInstance,
  similar: readonly SimilarCase[] = [],
): Promise<string> {
  // Playbooks that solved similar cases are offered first, once each.
  const pastPicks = [...new Map(similar.filter((c) => loaded.effective.some((p) => p.id === c.playbook.id)).map((c) => [c.playbook.id, c])).values()].slice(0, 3);
  const { buildSearchIndex, searchDocument, searchPlaybooks } = await import('../core/playbook-search.js');
  const index = buildSearchIndex(loaded.effective.map(searchDocument));
  let query = description;
  for (;;) {
    const hits = query.trim() ? searchPlaybooks(index, query, 6) : [];
    if (hits.length === 0) ctx.streams.stderr.write(`${chalk.yellow('No playbook matches that description.')}\n`);
    const choice = await prompter.choose(
      hits.length > 0 ? 'Best matching playbooks' : 'Choose a playbook',
      [
        ...pastPicks.map((c) => ({ label: `↺ ${c.playbook.title}`, value: c.playbook.id, description: `solved ${c.id}${c.sameCustomer ? ' for this customer' : ''}: ${c.outcome}` })),
        ...(hits.length > 0
          ? hits.map((h) => ({ label: h.title, value: h.id, description: h.id }))
          : loaded.effective.map((p) => ({ label: p.title, value: p.id, description: p.id }))),
        { label: '🔍 Search again with other words', value: '\u0000search' },
      ],
      { allowBack: false },
    );
    if (choice === BACK) continue;
    if (choice !== '\u0000search') return choice;
    query = String(await prompter.text('Search for', { allowBack: false }));
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

function machineIdentity(): { homePath?: string; hostname?: string } {
  let host: string | undefined;
  try {
    host = hostname();
  } catch {
    host = undefined;
  }
  return { homePath: homedir(), hostname: host };
}

/**
 * An answer whose key no question, env field, action or choice of the playbook (or one it links to) uses
 * is ignored; say so, since it is usually a typo. Not an error: one answers file may serve several
 * playbooks.
 */
function warnUnusedAnswers(loaded: Workspace, playbookId: string, prefill: Readonly<Record<string, AnswerValue>>, ctx: CliContext, chalk: ChalkInstance): void {
  const start = loaded.library.get(playbookId);
  if (!start) return;
  const known = new Set<string>();
  for (const playbook of reachablePlaybooks(loaded.library, start)) {
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

export async function checkCommand(
  ctx: CliContext,
  command: Command,
  playbookId: string,
  flags: { answer: string[]; allowCommands?: boolean; json?: boolean },
): Promise<number> {
  const { runChecks } = await import('../app/check.js');
  const { settings, problem } = readSettingsFast(ctx.env);
  if (problem) ctx.streams.stderr.write(`${problem}\n`);
  const loaded = await openWorkspace(workspaceInput(ctx, command));
  const playbook = await assertRunnable(loaded, playbookId);
  const result = await runChecks(playbook, {
    packageRoot: ctx.packageRoot,
    trustedDirs: settings.trusted ?? [],
    allowCommands: Boolean(flags.allowCommands),
    prefill: parseAnswerFlags(flags.answer),
    captureProbes,
    runCommand: runPlaybookCommand,
  });
  const { renderCheckResults } = await import('../render/check-results.js');
  ctx.streams.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : renderCheckResults(result));
  return result.checks.some((c) => !c.passed) ? EXIT.checkFailed : EXIT.ok;
}

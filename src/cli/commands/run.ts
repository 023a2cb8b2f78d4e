/** `triage run`, `triage resume`, `triage check`, and bare `triage` (guided intake). */
import { Option, type Command } from 'commander';
import { globalOptions, type CliContext } from '../context.js';
import { collect, examples, runs } from './shared.js';

export interface RunFlags {
  answer: string[];
  answers?: string;
  customer?: string;
  channel?: string;
  mood?: string;
  description?: string;
  /** Customer signals, comma-separated (`repeat-contact,deadline`), or `none`. */
  signal?: string;
  format?: 'markdown' | 'text' | 'json' | 'jira' | 'gitlab';
  /** Also copy the reply (or the report when only the report is printed) to the clipboard. */
  copy?: boolean;
  emit?: 'report' | 'reply' | 'both';
  failOn?: string;
  output?: string;
  input: boolean;
  caseId?: string;
  allowCommands?: boolean;
  envFile?: string;
  redact: boolean;
  history: boolean;
  /** The customer's account id or email. */
  account?: string;
  /** Replays that case: records a new case linked to it; redaction stand-ins are accepted. */
  replayOf?: string;
  /** Redaction profile of the printed output. */
  redaction?: 'internal' | 'public';
  /** --case-id may name a case that exists: replace it. */
  replaceCase?: boolean;
}

export interface CheckFlags {
  answer: string[];
  allowCommands?: boolean;
  json?: boolean;
  format?: 'text' | 'json' | 'junit';
  failOn?: string;
  output?: string;
}

export function addRunOptions(command: Command): Command {
  return command
    .option('-a, --answer <key=value>', 'an answer: ask key, env key, or choice node id (repeatable)', collect, [])
    .option('--answers <file>', 'answers as a JSON or YAML map; - reads stdin')
    .option('--customer <name>', "customer's name")
    .option('--account <id>', "the customer's account id or account email")
    .addOption(new Option('--channel <channel>', 'contact channel').choices(['email', 'chat', 'phone']))
    .addOption(new Option('--mood <mood>', "customer's mood").choices(['calm', 'confused', 'frustrated', 'angry']))
    .option('--description <text>', 'what the customer reported')
    .option('--signal <signals>', 'customer signals for the reply: repeat-contact, deadline, cancel-threat, business-impact (comma-separated), or none; default: detected from --description')
    .addOption(new Option('--format <format>', 'output format (default: text on a terminal, markdown in a pipe); jira: Jira wiki markup').choices(['markdown', 'text', 'json', 'jira', 'gitlab']))
    .addOption(new Option('--emit <what>', 'what to print (default: by outcome kind)').choices(['report', 'reply', 'both']))
    .option('--fail-on <kinds>', 'exit 3 when the outcome is one of these kinds, e.g. bug,escalate')
    .option('-o, --output <file>', 'write the result to a file instead of stdout')
    .option('--copy', 'also copy the reply (or the report, with --emit report) to the clipboard')
    .option('--no-input', 'never prompt; a missing answer is an error (exit 2)')
    .option('--case-id <id>', 'use this case id (for reproducible output); refused when that case exists')
    .option('--replace-case', 'with --case-id: replace the existing case of that id')
    .option('--replay-of <case>', "record this run as a replay of that case (what a report's replay line does)")
    .addOption(new Option('--redaction <profile>', 'redaction profile of the output (default public; the history always keeps internal)').choices(['internal', 'public']))
    .option('--allow-commands', 'run check/probe commands from untrusted playbook directories, this once')
    .option('--env-file <file>', 'attach an environment captured with `triage env --json` (or pasted text)')
    .option('--no-redact', 'DANGER: do not redact secrets and personal data in the output')
    .option('--no-history', 'do not record the case in the history');
}

export function registerRunCommands(program: Command, ctx: CliContext): void {
  // Bare `triage` in a terminal: intake, matching playbooks, then the run.
  program.action(runs(async (_opts: unknown, command: Command) => {
    const { runCase } = await import('../run-case.js');
    return await runCase(ctx, globalOptions(command), { mode: 'guided', flags: { answer: [], input: true, redact: true, history: true } });
  }));

  examples(
    addRunOptions(program.command('run').description('run a playbook, interactively or from answers').argument('<playbook>', 'playbook id')),
    [
      'triage run upload-or-export-fails',
      "triage run upload-or-export-fails --no-input -a upload-or-export=2 -a how-big-is-the-export=3 -a export_format=CSV -a row_count=4200 -a rows_expected=4200 -a rows_received=0 -a do-filters-explain-the-missing-rows=3 -a browser='Firefox 128' --format json | jq .title",
      'triage run upload-or-export-fails --answers answers.yaml --format markdown | gh issue create --title "Export fails" --body-file -',
      'triage run upload-or-export-fails --answers - --fail-on bug,escalate < answers.json',
    ],
  ).action(runs(async (playbookId: string, flags: RunFlags, command: Command) => {
    const { runCase } = await import('../run-case.js');
    return await runCase(ctx, globalOptions(command), { mode: 'run', playbookId, flags });
  }));

  examples(
    program
      .command('resume')
      .description('continue an interrupted run (the latest by default)')
      .argument('[case]', 'case id')
      .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'text', 'json', 'jira', 'gitlab']))
      .addOption(new Option('--emit <what>', 'what to print').choices(['report', 'reply', 'both']))
      .option('-o, --output <file>', 'write the result to a file instead of stdout')
      .option('--copy', 'also copy the reply (or the report, with --emit report) to the clipboard')
      .option('--fail-on <kinds>', 'exit 3 when the outcome is one of these kinds')
      .option('--allow-commands', 'run commands from untrusted playbook directories, this once')
      .option('--no-redact', 'DANGER: do not redact secrets and personal data')
      .option('--no-history', 'do not record the case in the history'),
    ['triage resume', 'triage resume TRI-20261127-7F3A'],
  ).action(runs(async (caseId: string | undefined, flags: RunFlags, command: Command) => {
    const { runCase } = await import('../run-case.js');
    return await runCase(ctx, globalOptions(command), { mode: 'resume', caseId, flags: { ...flags, answer: [], input: true } });
  }));

  examples(
    program
      .command('check')
      .description("run only a playbook's env probes and checks (commands and built-in probes); exit 1 if any check fails")
      .argument('<playbook>', 'playbook id')
      .option('-a, --answer <key=value>', 'values for {{answers.x}}/{{env.x}} placeholders (repeatable)', collect, [])
      .option('--allow-commands', 'run commands and network probes from an untrusted playbook directory, this once')
      .addOption(new Option('--format <format>', 'output format (default: text)').choices(['text', 'json', 'junit']))
      .option('--json', 'print JSON (same as --format json)')
      .option('--fail-on <what>', 'when to exit non-zero: any (default: a failed check exits 1), none, or outcome kinds (exit 3 when the checks lead to one, e.g. bug,escalate)')
      .option('-o, --output <file>', 'write the result to a file instead of stdout'),
    [
      'triage check cant-reach-service --answer url=https://api.example.com/health',
      'triage check cant-reach-service --answer url=https://api.example.com/health --format json | jq .first_failure',
      'triage check certificate-errors --answer url=https://api.example.com --format junit -o triage-junit.xml',
      'triage check computer-readiness --fail-on bug,escalate',
    ],
  ).action(runs(async (playbookId: string, flags: CheckFlags, command: Command) => {
    const { checkCommand } = await import('../run-case.js');
    return await checkCommand(ctx, globalOptions(command), playbookId, flags);
  }));
}

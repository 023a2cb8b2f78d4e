/** `triage env`: capture this machine's environment (what a customer runs and sends). */
import { Option, type Command } from 'commander';
import { EXIT, TriageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { terminalFor } from '../context.js';
import { examples, writeErr, writeOut, runs } from './shared.js';
import { styleFor } from '../style.js';

interface EnvFlags {
  readonly json?: boolean;
  readonly markdown?: boolean;
  readonly only?: string;
  readonly timeout: string;
  readonly redact: boolean;
  readonly probe?: string;
  readonly allowCommands?: boolean;
}

export const NO_REDACT_WARNING = 'WARNING: --no-redact: secrets and personal data will appear in the output. Do not paste it anywhere public.';

export function registerEnvCommand(program: Command, ctx: CliContext): void {
  examples(
    program
      .command('env')
      .description("capture this machine's environment: OS, CPU, memory, shell, terminal, locale, tool and browser versions (redacted)")
      .addOption(new Option('--json', 'print the triage.env/v1 JSON document').conflicts('markdown'))
      .addOption(new Option('--markdown', 'print Markdown tables to paste into a ticket').conflicts('json'))
      .option('--only <fields>', 'only these fields or sections, comma-separated (system, binaries, browsers, os, node, git, chrome...)')
      .option('--timeout <ms>', 'time limit for each tool probe', '2000')
      .option('--probe <playbook>', "also capture a playbook's own detect/run env fields (its commands run only if its directory is trusted)")
      .option('--allow-commands', "with --probe: run an untrusted playbook's probe commands, this once")
      .option('--no-redact', 'keep home path, hostname, emails, IP addresses and secrets (prints a warning)'),
    ['triage env', 'triage env --json > env.json', 'triage env --markdown --only system,browsers', 'triage env --only node,npm,git --timeout 5000'],
  ).action(runs(async (flags: EnvFlags, command: Command) => {
    const timeoutMs = parseTimeout(flags.timeout);
    const only = flags.only
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const terminal = terminalFor(ctx, command);
    if (!flags.redact) {
      const style = await styleFor(terminal.colorStderr);
      writeErr(ctx, style.bold(style.red(NO_REDACT_WARNING)));
    }

    const { captureEnvironment } = await import('../../app/env.js');
    const { report, findings } = await captureEnvironment({
      only,
      timeoutMs,
      redact: flags.redact,
      now: new Date(),
      version: ctx.version,
      env: ctx.env,
    });
    if (flags.probe) {
      const { capturePlaybookProbes } = await import('../../app/env-probe.js');
      const { workspaceInput } = await import('./shared.js');
      const probes = await capturePlaybookProbes(workspaceInput(ctx, command), flags.probe, { allowCommands: Boolean(flags.allowCommands), redact: flags.redact });
      Object.assign(report, { probes: { ...report.probes, ...probes } });
    }
    if (ctx.streams.stderr.isTTY && findings.length > 0) {
      // Whoever is about to send this file sees what was taken out of it first.
      writeErr(ctx, `Redacted before output (use --no-redact to keep): ${findings.map((f) => `${f.kind} ${f.preview} → ${f.replacement}`).join('; ')}`);
    }
    const { renderEnvJson, renderEnvMarkdown, renderEnvText } = await import('../../render/env.js');
    if (flags.json) writeOut(ctx, renderEnvJson(report));
    else if (flags.markdown) writeOut(ctx, renderEnvMarkdown(report));
    else writeOut(ctx, renderEnvText(report, { tty: terminal.stdoutIsTTY, style: await styleFor(terminal.colorStdout) }));
    return EXIT.ok;
  }));
}

function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0 || ms > 600_000) {
    throw new TriageError('invalid-timeout', `--timeout must be a whole number of milliseconds between 1 and 600000, not "${value}".`, {
      hint: 'For example: triage env --timeout 5000',
    });
  }
  return ms;
}

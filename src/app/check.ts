/**
 * `triage check <playbook>`: only the machine side of a playbook — its env probes and every check
 * block (commands and built-in probes) — with no questions. Placeholders take values from --answer,
 * the env probes, or (for probe targets) the settings. Every check runs, concurrently; the report
 * then follows the playbook's pass/fail links from the start to say which failure comes first and
 * which outcome the checks lead to.
 */
import { join } from 'node:path';
import { createSecretsOnlyRedactor } from '../core/redaction-profiles.js';
import type { AnswerValue, CheckResult } from '../core/flow-types.js';
import { applyCheckExpect } from '../core/check-expect.js';
import { commandGuard, substituteArgv } from '../core/flow-engine.js';
import type { OutcomeKind, Playbook } from '../core/model.js';
import { walkChecks } from '../core/check-walk.js';
import { assertCommandsAllowed, createTrustCheck } from './trust.js';
import { noProbes, runProbeCheck, type ProbeDeps } from './probe-check.js';
import type { CheckEntry, CheckReport } from '../core/check-report.js';

export interface CheckOptions {
  readonly packageRoot: string;
  readonly trustedDirs: readonly string[];
  readonly allowCommands: boolean;
  readonly prefill: Readonly<Record<string, AnswerValue>>;
  readonly captureProbes: (fields: Playbook['env'], options: { trusted: boolean }) => Promise<Record<string, string>>;
  readonly runCommand: (argv: readonly string[], options: { timeoutMs: number }) => Promise<CheckResult>;
  readonly probes?: ProbeDeps;
}


export type { CheckEntry, CheckReport };

/** Runs the checks of a playbook already found runnable (run-validation.ts). */
export async function runChecks(playbook: Playbook, options: CheckOptions): Promise<CheckReport> {
  const isTrusted = createTrustCheck({ bundledDir: join(options.packageRoot, 'playbooks'), trustedDirs: options.trustedDirs, allowCommands: options.allowCommands });
  // Only this playbook's commands run here, but refuse as `run` would, before anything starts.
  assertCommandsAllowed({ get: () => playbook, resolveLink: () => undefined, all: () => [playbook] }, playbook, isTrusted);
  const probeFields = playbook.env.filter((f) => f.source.kind !== 'ask');
  const probes = await options.captureProbes(probeFields, { trusted: isTrusted(playbook) });
  const env: Record<string, string> = { ...probes };
  const answers: Record<string, AnswerValue> = {};
  for (const [key, value] of Object.entries(options.prefill)) {
    if (playbook.env.some((f) => f.key === key)) env[key] = String(value);
    else answers[key] = value;
  }
  const nodes = playbook.nodes.filter((n) => n.check);
  // Every command line is built (and a refused value reported) before any command runs.
  const commandArgv = new Map(nodes.filter((n) => !n.check!.probe).map((n) => [n, substituteArgv(n.check!.run, { answers, env }, commandGuard(n.check!, playbook.path))]));
  // Independent checks run concurrently; each has its own timeout.
  const checks = await Promise.all(
    nodes.map(async (node): Promise<CheckEntry> => {
      const check = node.check!;
      if (check.probe) {
        const argv = [check.probe.name, ...substituteArgv(check.probe.targets, { answers, env })];
        const result = await runProbeCheck(check, argv, options.probes ?? noProbes);
        const probe = result.probe!;
        return {
          node: node.id,
          title: node.title,
          argv: [probe.name, probe.target],
          probe: probe.name,
          target: probe.target,
          passed: result.passed,
          exit_code: result.exitCode ?? null,
          timed_out: result.timedOut,
          duration_ms: Math.round(result.durationMs),
          observed: probe.observed,
          detail: result.passed ? 'ok' : (result.error ?? result.stdout),
          ...(probe.customer ? { customer: probe.customer } : {}),
          ...(probe.failure ? { failure: probe.failure } : {}),
          values: probe.values,
        };
      }
      const argv = commandArgv.get(node)!;
      const result = applyCheckExpect(check, await options.runCommand(argv, { timeoutMs: check.timeoutMs }));
      return {
        node: node.id,
        title: node.title,
        argv,
        passed: result.passed,
        exit_code: result.exitCode ?? null,
        timed_out: result.timedOut,
        duration_ms: Math.round(result.durationMs),
        observed: result.stdout.trim().split('\n')[0] ?? '',
        detail: result.timedOut
          ? `timed out after ${check.timeoutMs} ms`
          : (result.error ??
            (result.passed
              ? 'ok'
              : result.exitCode === (check.expect.exit ?? 0) && check.expect.stdout !== undefined
                ? `stdout did not match ${check.expect.stdout}`
                : `exited ${result.exitCode ?? '?'}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n')[0]}` : ''}`)),
      };
    }),
  );
  const byNode = new Map(checks.map((c) => [c.node, c.passed]));
  const walk = walkChecks(playbook, (nodeId) => byNode.get(nodeId));
  const first = checks.find((c) => c.node === walk.firstFailure) ?? checks.find((c) => !c.passed);
  // Answers to `secret: true` asks (and anything shaped like a secret) never reach the listing:
  // not in the argv shown, nor in what a command echoed back, nor in probe values.
  const secretValues = playbook.nodes
    .flatMap((n) => n.asks)
    .filter((ask) => ask.secret && answers[ask.key] !== undefined)
    .map((ask) => String(answers[ask.key]))
    .filter((v) => v.length >= 3);
  const redactor = createSecretsOnlyRedactor(secretValues);
  return redactor.redactDeep({
    playbook: { id: playbook.id, version: playbook.version, path: playbook.path },
    probes,
    checks,
    first_failure: first
      ? {
          node: first.node,
          title: first.title,
          ...(first.probe ? { probe: first.probe } : {}),
          ...(first.failure ? { failure: first.failure } : {}),
          observed: first.observed,
          detail: first.detail,
          ...(first.customer ? { customer: first.customer } : {}),
        }
      : null,
    outcome: walk.outcome ?? null,
  });
}

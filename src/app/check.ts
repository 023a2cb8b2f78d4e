/**
 * `triage check <playbook>`: only the machine side of a playbook — its env probes and every check
 * block — with no questions. Placeholders take values from --answer or the probes.
 */
import { join } from 'node:path';
import type { AnswerValue, CheckResult } from '../core/flow-types.js';
import { applyCheckExpect } from '../core/check-expect.js';
import { substituteArgv } from '../core/flow-engine.js';
import type { Playbook } from '../core/model.js';
import { assertCommandsAllowed, createTrustCheck } from './trust.js';

export interface CheckOptions {
  readonly packageRoot: string;
  readonly trustedDirs: readonly string[];
  readonly allowCommands: boolean;
  readonly prefill: Readonly<Record<string, AnswerValue>>;
  readonly captureProbes: (fields: Playbook['env'], options: { trusted: boolean }) => Promise<Record<string, string>>;
  readonly runCommand: (argv: readonly string[], options: { timeoutMs: number }) => Promise<CheckResult>;
}

export interface CheckReport {
  readonly playbook: { readonly id: string; readonly version: string; readonly path: string };
  readonly probes: Readonly<Record<string, string>>;
  readonly checks: readonly {
    readonly node: string;
    readonly title: string;
    readonly argv: readonly string[];
    readonly passed: boolean;
    readonly exit_code: number | null;
    readonly timed_out: boolean;
    readonly duration_ms: number;
    readonly detail: string;
  }[];
}

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
  // Every command line is built (and a refused value reported) before any command runs.
  const planned = playbook.nodes.filter((n) => n.check).map((node) => ({ node, argv: substituteArgv(node.check!, { answers, env }, playbook.path) }));
  // Independent checks run concurrently; each has its own timeout.
  const checks = await Promise.all(
    planned.map(async ({ node, argv }) => {
      const check = node.check!;
      const result = applyCheckExpect(check, await options.runCommand(argv, { timeoutMs: check.timeoutMs }));
      return {
        node: node.id,
        title: node.title,
        argv,
        passed: result.passed,
        exit_code: result.exitCode ?? null,
        timed_out: result.timedOut,
        duration_ms: Math.round(result.durationMs),
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
  return { playbook: { id: playbook.id, version: playbook.version, path: playbook.path }, probes, checks };
}

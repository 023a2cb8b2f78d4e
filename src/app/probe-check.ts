/**
 * A `check` block with `probe:`: choose its target (answers and env already substituted; config
 * read here), observe through the injected I/O, judge in core, and return a check result whose
 * `stdout` is the observed value, so `capture`, the path and the report treat it like a command's.
 */
import type { CheckResult } from '../core/flow-types.js';
import type { CheckBlock } from '../core/model.js';
import { chooseTarget, judgeProbe, verdictToCheckFields, type ProbeConfig, type ProbeName, type ProbeObservation } from '../core/probe-checks.js';

export interface ProbeDeps {
  /** Settings: `service.url` and friends, for `{{config.<key>}}` targets and judging. */
  readonly config: ProbeConfig & Readonly<Record<string, unknown>>;
  readonly now: () => Date;
  readonly observe: (name: ProbeName, target: string, options: { timeoutMs: number }) => Promise<ProbeObservation>;
}

/** Probes that may run without a target: `disk` looks at the home directory. */
const TARGET_OPTIONAL: ReadonlySet<ProbeName> = new Set(['disk']);

export async function runProbeCheck(check: CheckBlock, argv: readonly string[], deps: ProbeDeps): Promise<CheckResult> {
  const probe = check.probe!;
  // `disk` without a target looks at the home directory.
  const target = chooseTarget(argv.slice(1), deps.config) ?? (probe.name === 'disk' ? '~' : '');
  if (target === '' && !TARGET_OPTIONAL.has(probe.name)) {
    const wanted = probe.targets.join(' or ') || 'a target';
    const detail = `No target for the ${probe.name} probe: ${wanted} is empty${probe.targets.some((t) => t.includes('config.service.url')) ? ' (set one with `triage config set service.url https://…`)' : ''}`;
    return {
      passed: false,
      exitCode: 1,
      stdout: 'no target',
      stderr: '',
      timedOut: false,
      error: detail,
      durationMs: 0,
      probe: { name: probe.name, target: '', observed: 'no target', failure: 'target/missing', customer: 'we did not know which address to check', values: {} },
    };
  }
  const observation = await deps.observe(probe.name, target, { timeoutMs: check.timeoutMs });
  const verdict = judgeProbe(observation, { now: deps.now(), timeoutMs: check.timeoutMs, expect: check.expect, config: deps.config });
  return {
    ...verdictToCheckFields(verdict),
    timedOut: observation.timedOut === true,
    durationMs: observation.durationMs,
    probe: {
      name: probe.name,
      target,
      observed: verdict.observed,
      ...(verdict.failure ? { failure: verdict.failure } : {}),
      ...(verdict.customer ? { customer: verdict.customer } : {}),
      values: verdict.values,
    },
  };
}

/** For callers that wire no probes: every probe fails, saying so. */
export const noProbes: ProbeDeps = {
  config: {},
  now: () => new Date(),
  observe: async (name, target) => ({ probe: 'tcp', host: target, port: 0, connected: false, error: { code: 'ENOSYS', message: `built-in probes are not available here (${name})` }, durationMs: 0 }),
};

/**
 * `triage env`: this machine's environment from the built-in probes, tool and browser versions,
 * redacted (home path → `~`, hostname → `[HOST]`, emails, IPs, secrets) unless asked not to.
 * Every probe runs concurrently with its own timeout; a slow or failing one is recorded as such.
 */
import * as os from 'node:os';
import { ENV_SCHEMA, type EnvReport } from '../core/env-report.js';
import { TriageError } from '../core/errors.js';
import { DETECT_PROBES } from '../core/model.js';
import { createRedactor, type RedactionFinding } from '../core/redact.js';
import { BINARY_KEYS, BROWSER_KEYS, captureToolVersions, detectValue, readSystemFacts } from '../io/probes.js';
import { homeDirectory } from '../io/paths.js';

const ENV_SECTIONS = ['system', 'binaries', 'browsers'] as const;

export interface CaptureEnvironmentOptions {
  /** Field keys and/or section names; all when absent. */
  readonly only?: readonly string[];
  /** Per tool probe. */
  readonly timeoutMs: number;
  readonly redact: boolean;
  readonly now: Date;
  readonly version: string;
  readonly env: NodeJS.ProcessEnv;
  /** Default: the environment's home directory and this machine's hostname. */
  readonly homePath?: string;
  readonly hostname?: string;
}

export interface CapturedEnvironment {
  readonly report: EnvReport;
  /** What redaction removed (for a preview); empty when not redacting. */
  readonly findings: readonly RedactionFinding[];
}

/** Every name `--only` accepts: the sections and each field in them. */
function envFieldNames(): string[] {
  return [...ENV_SECTIONS, ...DETECT_PROBES, ...BINARY_KEYS, ...BROWSER_KEYS];
}

/** Which fields `--only` selects; throws a usage error naming the unknown ones. */
async function resolveOnly(only: readonly string[] | undefined): Promise<Set<string> | undefined> {
  if (!only || only.length === 0) return undefined;
  const known = envFieldNames();
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    // Loaded only for the error: the common path should not pay for it.
    const { closestMatch } = await import('../core/did-you-mean.js');
    const suggestion = closestMatch(unknown[0]!, known);
    throw new TriageError('unknown-env-field', `Unknown field${unknown.length > 1 ? 's' : ''} for --only: ${unknown.join(', ')}.`, {
      hint: `${suggestion ? `Did you mean ${suggestion}? ` : ''}Use sections (${ENV_SECTIONS.join(', ')}) or fields: ${[...DETECT_PROBES, ...BINARY_KEYS, ...BROWSER_KEYS].join(', ')}.`,
    });
  }
  const selected = new Set<string>();
  for (const name of only) {
    if (name === 'system') DETECT_PROBES.forEach((k) => selected.add(k));
    else if (name === 'binaries') BINARY_KEYS.forEach((k) => selected.add(k));
    else if (name === 'browsers') BROWSER_KEYS.forEach((k) => selected.add(k));
    else selected.add(name);
  }
  return selected;
}

export async function captureEnvironment(options: CaptureEnvironmentOptions): Promise<CapturedEnvironment> {
  const selected = await resolveOnly(options.only);
  const wanted = (key: string): boolean => !selected || selected.has(key);
  const systemKeys = DETECT_PROBES.filter(wanted);
  const toolKeys = [...BINARY_KEYS, ...BROWSER_KEYS].filter(wanted);

  const [facts, tools] = await Promise.all([
    systemKeys.length > 0 ? readSystemFacts(options.env) : Promise.resolve(undefined),
    toolKeys.length > 0
      ? captureToolVersions({ timeoutMs: options.timeoutMs, env: options.env, only: new Set(toolKeys) })
      : Promise.resolve({ binaries: {}, browsers: {} }),
  ]);
  const system: Record<string, string> = {};
  if (facts) for (const key of systemKeys) system[key] = detectValue(key, facts);

  const raw: EnvReport = {
    schema: ENV_SCHEMA,
    captured_at: options.now.toISOString(),
    triage: options.version,
    redacted: options.redact,
    system,
    binaries: tools.binaries,
    browsers: tools.browsers,
    probes: {},
  };
  if (!options.redact) return { report: raw, findings: [] };

  const redactor = createRedactor({
    personal: { homePath: options.homePath ?? homeDirectory(options.env), hostname: options.hostname ?? safeHostname() },
  });
  const report: EnvReport = {
    ...raw,
    system: redactor.redactDeep(raw.system),
    binaries: redactor.redactDeep(raw.binaries),
    browsers: redactor.redactDeep(raw.browsers),
    probes: redactor.redactDeep(raw.probes),
  };
  return { report, findings: redactor.findings() };
}

function safeHostname(): string | undefined {
  try {
    return os.hostname();
  } catch {
    return undefined;
  }
}

/**
 * Spawns the built binary (`node bin/triage.js`) the way a user or script would: real process,
 * real streams, isolated config and data directories so tests never touch the developer's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'triage.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly input?: string;
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** Isolated HOME/XDG dirs; a fresh one per call unless given. */
  readonly home?: string;
  readonly timeoutMs?: number;
}

export function makeHome(): string {
  return mkdtempSync(join(tmpdir(), 'triage-home-'));
}

export function isolatedEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
  };
}

export function triage(args: readonly string[], options: CliOptions = {}): CliResult {
  const home = options.home ?? makeHome();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('TRIAGE_') && k !== 'FORCE_COLOR' && k !== 'NO_COLOR') env[k] = v;
  }
  Object.assign(env, isolatedEnv(home));
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? home,
    env,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Where triage keeps things: the same locations conf uses (env-paths with no `-nodejs` suffix),
 * overridable for tests and portable installs.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import envPaths from 'env-paths';

export interface TriagePaths {
  /** Settings (config.json) and the user's own `playbooks/`. */
  readonly config: string;
  /** Sessions and the case history. */
  readonly data: string;
  /** The playbook index cache. */
  readonly cache: string;
}

export function triagePaths(env: NodeJS.ProcessEnv = process.env): TriagePaths {
  const base = envPaths('triage', { suffix: '' });
  // env-paths reads process.env: where it follows the XDG variables (not macOS or Windows), the
  // ones in `env` decide, so a command run with another environment keeps to that one's home.
  const xdg = (variable: string): string | undefined =>
    process.platform !== 'darwin' && process.platform !== 'win32' && env[variable] ? join(env[variable]!, 'triage') : undefined;
  return {
    config: env.TRIAGE_CONFIG_DIR || xdg('XDG_CONFIG_HOME') || base.config,
    data: env.TRIAGE_DATA_DIR || xdg('XDG_DATA_HOME') || base.data,
    cache: env.TRIAGE_CACHE_DIR || xdg('XDG_CACHE_HOME') || base.cache,
  };
}

/**
 * The user's home directory as `env` names it (HOME on POSIX, USERPROFILE on Windows), falling
 * back to the operating system's answer, so a command run with another environment redacts
 * that environment's home.
 */
export function homeDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return (process.platform === 'win32' ? env.USERPROFILE : env.HOME) || homedir();
}

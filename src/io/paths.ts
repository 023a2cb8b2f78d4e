/**
 * Where triage keeps things: the same locations conf uses (env-paths with no `-nodejs` suffix),
 * overridable for tests and portable installs.
 */
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
  return {
    config: env.TRIAGE_CONFIG_DIR || base.config,
    data: env.TRIAGE_DATA_DIR || base.data,
    cache: env.TRIAGE_CACHE_DIR || base.cache,
  };
}

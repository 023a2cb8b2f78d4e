/** Settings use cases: get/set/list, trusted directories. */
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { closestMatch } from '../core/did-you-mean.js';
import { TriageError } from '../core/errors.js';
import { isSettingKey, openSettings, SETTING_KEYS, type Settings } from '../io/settings.js';
import { triagePaths } from '../io/paths.js';
import { join } from 'node:path';

const FORMATS = ['markdown', 'text', 'json'];

function requireKey(key: string): asserts key is keyof typeof SETTING_KEYS {
  if (!isSettingKey(key)) {
    const guess = closestMatch(key, Object.keys(SETTING_KEYS));
    throw new TriageError('config/unknown-key', `Unknown setting "${key}".`, {
      hint: `${guess ? `Did you mean "${guess}"? ` : ''}Settings: ${Object.keys(SETTING_KEYS).join(', ')}.`,
    });
  }
}

export function getSetting(env: NodeJS.ProcessEnv, key: string): Settings[keyof Settings] {
  if (key === 'trusted') return openSettings(env).get('trusted') ?? [];
  requireKey(key);
  return openSettings(env).get(key);
}

export function setSetting(env: NodeJS.ProcessEnv, key: string, value: string): string {
  requireKey(key);
  if (key === 'format' && !FORMATS.includes(value)) {
    throw new TriageError('config/invalid-value', `format must be one of ${FORMATS.join(', ')}; got "${value}".`, { hint: 'e.g. `triage config set format markdown`' });
  }
  if (key === 'lint.chatWords') {
    const words = Number(value);
    if (!/^\d+$/.test(value.trim()) || words < 1) {
      throw new TriageError('config/invalid-value', `lint.chatWords must be a positive whole number of words; got "${value}".`, { hint: 'e.g. `triage config set lint.chatWords 150`' });
    }
    const settings = openSettings(env);
    settings.set(key, words);
    return settings.path;
  }
  const settings = openSettings(env);
  settings.set(key, value as never);
  return settings.path;
}

export function unsetSetting(env: NodeJS.ProcessEnv, key: string): void {
  requireKey(key);
  openSettings(env).delete(key);
}

export function listSettings(env: NodeJS.ProcessEnv): { key: string; value: unknown; meaning: string }[] {
  const settings = openSettings(env);
  return [
    ...Object.entries(SETTING_KEYS).map(([key, meaning]) => ({ key, value: settings.get(key as keyof Settings), meaning })),
    { key: 'trusted', value: settings.get('trusted'), meaning: 'directories whose playbooks may run commands (`triage trust`)' },
  ];
}

export function settingsPath(env: NodeJS.ProcessEnv): string {
  return join(triagePaths(env).config, 'config.json');
}

export function trustedDirectories(env: NodeJS.ProcessEnv): string[] {
  return openSettings(env).get('trusted') ?? [];
}

export interface TrustChange {
  /** The directory as stored: its real path. */
  readonly dir: string;
  /** False when it already was (or, for --remove, was not) trusted. */
  readonly changed: boolean;
}

export function trustDirectory(env: NodeJS.ProcessEnv, cwd: string, dir: string, trust: boolean): TrustChange {
  const absolute = resolve(cwd, dir);
  let real: string | undefined;
  let problem = 'no such directory';
  try {
    if (statSync(absolute).isDirectory()) real = realpathSync(absolute);
    else problem = 'a file, not a directory';
  } catch {
    /* missing: `problem` says so */
  }
  const settings = openSettings(env);
  if (!trust) {
    // By the path as recorded (a real path at trust time) or as given: a trusted directory that
    // was deleted, moved, or replaced by a symlink can still be removed by the path it had.
    return settings.update<'trusted', TrustChange>('trusted', (current = []) => {
      const next = current.filter((d) => d !== absolute && d !== real);
      const removed = current.find((d) => d === absolute || d === real);
      return { value: next, result: { dir: removed ?? real ?? absolute, changed: next.length !== current.length } };
    });
  }
  if (real === undefined) {
    throw new TriageError('trust/not-a-directory', `${dir}: ${problem} (${absolute}).`, { hint: 'Give the playbook directory to trust, e.g. `triage trust ./team-playbooks`.' });
  }
  return settings.update<'trusted', TrustChange>('trusted', (current = []) =>
    current.includes(real) ? { value: current, result: { dir: real, changed: false } } : { value: [...current, real], result: { dir: real, changed: true } },
  );
}

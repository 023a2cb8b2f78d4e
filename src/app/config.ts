/** Settings use cases: get/set/list, trusted directories. */
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { closestMatch } from '../core/did-you-mean.js';
import { TriageError } from '../core/errors.js';
import type { HelpdeskProvider } from '../core/helpdesk.js';
import { isSettingKey, openSettings, SETTING_KEYS, type Settings } from '../io/settings.js';
import { triagePaths } from '../io/paths.js';
import { join } from 'node:path';
import { CREDENTIAL_KEYS, isCredentialKey, readCredentials, writeCredential, type CredentialKey } from '../io/credentials.js';
import { parseHelpdeskUrl } from '../io/helpdesk/http.js';

const FORMATS = ['markdown', 'text', 'json'];

/** What `config get` and `config list` show for a stored token: never the token. */
export const HIDDEN_VALUE = 'set (hidden)';

const CREDENTIAL_MEANINGS: Readonly<Record<CredentialKey, string>> = {
  'helpdesk.rt.token': 'Request Tracker auth token, or the password of helpdesk.rt.user (stored in credentials.json, mode 0600; or TRIAGE_RT_TOKEN)',
  'helpdesk.zendesk.token': 'Zendesk API token (stored in credentials.json, mode 0600; or TRIAGE_ZENDESK_TOKEN)',
  'helpdesk.freshdesk.token': 'Freshdesk API key (stored in credentials.json, mode 0600; or TRIAGE_FRESHDESK_TOKEN)',
};

function requireKey(key: string): asserts key is keyof typeof SETTING_KEYS {
  if (!isSettingKey(key)) {
    const known = [...Object.keys(SETTING_KEYS), ...CREDENTIAL_KEYS];
    const guess = helpdeskKeyGuess(key, known) ?? closestMatch(key, known);
    throw new TriageError('config/unknown-key', `Unknown setting "${key}".`, {
      hint: `${guess ? `Did you mean "${guess}"? ` : ''}Settings: ${known.join(', ')}.`,
    });
  }
}

/**
 * `rt.token` for `helpdesk.rt.token`, and a password or API key under a helpdesk: those go in its
 * token setting. Too far apart for the edit-distance guess.
 */
function helpdeskKeyGuess(key: string, known: readonly string[]): string | undefined {
  const full = key.startsWith('helpdesk.') ? key : `helpdesk.${key}`;
  if (known.includes(full)) return full;
  const secret = /^(helpdesk\.[a-z]+)\.(password|api_?key|key|secret)$/i.exec(full);
  return secret && known.includes(`${secret[1]}.token`) ? `${secret[1]}.token` : undefined;
}

/** A token is a credential: `config set` with no value asks for it hidden (or reads `-` from stdin). */
export function isSecretSetting(key: string): boolean {
  return isCredentialKey(key);
}

export function getSetting(env: NodeJS.ProcessEnv, key: string): Settings[keyof Settings] {
  if (key === 'trusted') return openSettings(env).get('trusted') ?? [];
  if (isCredentialKey(key)) return readCredentials(env).values[key] === undefined ? undefined : HIDDEN_VALUE;
  requireKey(key);
  return openSettings(env).get(key);
}

/** Stores a token in credentials.json (never config.json); returns the file. */
function setCredential(env: NodeJS.ProcessEnv, key: CredentialKey, value: string): string {
  const token = value.trim();
  if (token === '' || /[\r\n]/.test(token)) {
    throw new TriageError('config/invalid-value', `${key} must be one line of text; got ${token === '' ? 'nothing' : 'several lines'}.`, {
      hint: `Run \`triage config set ${key}\` in a terminal to be asked for it, or pipe it: \`printf %s "$TOKEN" | triage config set ${key} -\`.`,
    });
  }
  return writeCredential(env, key, token);
}

/** `helpdesk.*.url` is an http(s) URL, `helpdesk.zendesk.email` an email address. */
function checkHelpdeskValue(key: string, value: string): string {
  const trimmed = value.trim();
  if (key.endsWith('.url')) {
    let url: URL | undefined;
    try {
      url = new URL(trimmed);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') {
      throw new TriageError('config/invalid-value', `${key} must be an http(s) URL without a user or password in it; got "${trimmed}".`, {
        hint: `e.g. \`triage config set ${key} https://${key.split('.')[1]}.example.com\` (the token goes in ${key.replace(/url$/, 'token')}).`,
      });
    }
    // The rest of what a client would refuse (an address ending in the API path), said now.
    parseHelpdeskUrl(key.split('.')[1] as HelpdeskProvider, trimmed);
    return trimmed.replace(/\/+$/, '');
  }
  if (key === 'helpdesk.zendesk.email' && !/^[^\s@]+@[^\s@]+$/.test(trimmed)) {
    throw new TriageError('config/invalid-value', `helpdesk.zendesk.email must be an email address; got "${trimmed}".`, {
      hint: 'e.g. `triage config set helpdesk.zendesk.email agent@example.com`',
    });
  }
  return trimmed;
}

export function setSetting(env: NodeJS.ProcessEnv, key: string, value: string): string {
  if (isCredentialKey(key)) return setCredential(env, key, value);
  requireKey(key);
  if (key.startsWith('helpdesk.')) {
    const settings = openSettings(env);
    settings.set(key, checkHelpdeskValue(key, value) as never);
    return settings.path;
  }
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
  if (isCredentialKey(key)) {
    writeCredential(env, key, undefined);
    return;
  }
  requireKey(key);
  openSettings(env).delete(key);
}

export function listSettings(env: NodeJS.ProcessEnv): { key: string; value: unknown; meaning: string }[] {
  const settings = openSettings(env);
  const credentials = readCredentials(env);
  return [
    ...Object.entries(SETTING_KEYS).map(([key, meaning]) => ({ key, value: settings.get(key as keyof Settings), meaning })),
    ...CREDENTIAL_KEYS.map((key) => ({ key, value: credentials.values[key] === undefined ? undefined : HIDDEN_VALUE, meaning: CREDENTIAL_MEANINGS[key] })),
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

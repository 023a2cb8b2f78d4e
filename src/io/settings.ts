/**
 * User settings through conf (atomic writes, a JSON file in the config directory).
 * conf loads Ajv at import (~130 ms), so this module is only imported by commands that need it.
 */
import Conf from 'conf';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TriageError } from '../core/errors.js';
import { triagePaths } from './paths.js';
import { withFileLock } from './file-lock.js';
import { setAsideDamagedSettings, settingsDamage, settingsFile, trustedSetting, type Settings } from './settings-read.js';

export type { Settings } from './settings-read.js';

/** Keys `triage config set` accepts, with what each means (shown by `config list`). */
export const SETTING_KEYS: Readonly<Record<Exclude<keyof Settings, 'trusted'>, string>> = {
  'agent.name': 'your name, used in reply sign-offs',
  'agent.title': 'your title, under your name in email sign-offs',
  'company.name': 'the company you support customers for',
  signoff: 'closing line before your name, e.g. "Best regards"',
  format: 'default output format of `run`: markdown, text or json',
  'lint.avoid': 'phrases `lint` warns about in replies, comma-separated (replaces the defaults; "" for none)',
  'lint.chatWords': '`lint` warns when a reply block is longer than this many words (default 120)',
  'service.url': 'the service check playbooks probe when no --answer url= is given, e.g. https://api.example.com',
  'service.tls_issuer': "who issues the service's TLS certificate (a regular expression, e.g. \"Let's Encrypt\"); another issuer means interception",
  'support.minimums': 'supported minimum versions, e.g. "Chrome 120, Firefox 115, Safari 16.4, Edge 120, Windows 10, macOS 13"',
  'network.dns_server': 'host[:port] of a DNS server for probes to ask instead of the system resolver (or TRIAGE_DNS_SERVER)',
  'helpdesk.rt.url': 'Request Tracker base URL, e.g. https://rt.example.com (or TRIAGE_RT_URL)',
  'helpdesk.rt.user': 'Request Tracker user for basic auth; leave unset with an RT auth token (or TRIAGE_RT_USER)',
  'helpdesk.zendesk.url': 'Zendesk base URL, e.g. https://acme.zendesk.com (or TRIAGE_ZENDESK_URL)',
  'helpdesk.zendesk.email': 'Zendesk agent email the API token belongs to (or TRIAGE_ZENDESK_EMAIL)',
  'helpdesk.freshdesk.url': 'Freshdesk base URL, e.g. https://acme.freshdesk.com (or TRIAGE_FRESHDESK_URL)',
};

export type SettingKey = keyof typeof SETTING_KEYS;

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTING_KEYS, key);
}

export interface SettingsStore {
  readonly path: string;
  /** Set when a damaged config.json was moved aside on opening: say so on stderr. */
  readonly notice?: string;
  get<K extends keyof Settings>(key: K): Settings[K];
  set<K extends keyof Settings>(key: K, value: Settings[K]): void;
  delete(key: keyof Settings): void;
  /**
   * Reads a setting, computes its new value and writes it, with no other triage writing the file
   * in between (a lock file beside it), so concurrent `trust` or `config set` lose nothing.
   * `next` returning undefined deletes the key.
   */
  update<K extends keyof Settings, R>(key: K, next: (current: Settings[K]) => { value: Settings[K]; result: R }): R;
  all(): Settings;
}

export function openSettings(env: NodeJS.ProcessEnv = process.env): SettingsStore {
  const cwd = triagePaths(env).config;
  const notice = repairSettingsFile(settingsFile(env));
  let conf: Conf<Settings>;
  try {
    // accessPropertiesByDotNotation off: 'agent.name' is a flat key, as users type it.
    // clearInvalidConfig off: a damaged file is moved aside above, never silently emptied.
    conf = new Conf<Settings>({ projectName: 'triage', projectSuffix: '', cwd, accessPropertiesByDotNotation: false, clearInvalidConfig: false });
  } catch (error) {
    throw new TriageError('config/unreadable', `The settings file in ${cwd} could not be read: ${(error as Error).message}`, {
      hint: `Check the permissions of ${resolve(cwd, 'config.json')}, or delete it; triage recreates it with defaults.`,
      file: resolve(cwd, 'config.json'),
      cause: error,
    });
  }
  // `trusted` is checked on every read: anything but a list of absolute paths trusts nothing.
  const read = <K extends keyof Settings>(key: K): Settings[K] =>
    (key === 'trusted' && conf.get('trusted') !== undefined ? trustedSetting(conf.get('trusted'), conf.path).dirs : conf.get(key)) as Settings[K];
  return {
    path: conf.path,
    ...(notice === undefined ? {} : { notice }),
    get: (key) => read(key),
    set: (key, value) => writing(conf.path, () => withFileLock(conf.path, () => (value === undefined ? conf.delete(key) : conf.set(key, value)))),
    delete: (key) => writing(conf.path, () => withFileLock(conf.path, () => conf.delete(key))),
    update: (key, next) =>
      writing(conf.path, () =>
        withFileLock(conf.path, () => {
          const { value, result } = next(read(key));
          if (value === undefined) conf.delete(key);
          else conf.set(key, value);
          return result;
        }),
      ),
    all: () => ({ ...conf.store, ...(conf.get('trusted') === undefined ? {} : { trusted: read('trusted') }) }),
  };
}

/** A settings write that fails (read-only or full disk, no permission) is the user's to fix, not a crash. */
function writing<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (error instanceof TriageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new TriageError('config/write-failed', `Could not save the settings (${code ?? (error as Error).message}).`, {
      hint:
        code === 'ENOSPC'
          ? 'The disk is full: free some space and run the command again.'
          : `Check that ${dirname(path)} is writable, or set TRIAGE_CONFIG_DIR to a directory that is.`,
      file: path,
      cause: error,
    });
  }
}

/** conf throws on a damaged file; set it aside first (as readSettingsFast does) so triage goes on. */
function repairSettingsFile(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const damage = settingsDamage(text);
  return damage === undefined ? undefined : setAsideDamagedSettings(path, damage);
}

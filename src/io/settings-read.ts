/** Settings as stored in config.json, and a reader that does not load conf. */
import { readFileSync, renameSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { triagePaths } from './paths.js';

export interface Settings {
  'agent.name'?: string;
  'agent.title'?: string;
  'company.name'?: string;
  signoff?: string;
  format?: 'markdown' | 'text' | 'json';
  /** Reply-craft lint: phrases replies should avoid, comma-separated (replaces the defaults). */
  'lint.avoid'?: string;
  /** Reply-craft lint: word limit of a reply block for chat (`config set` stores a number). */
  'lint.chatWords'?: number | string;
  /** The service `probe:` checks look at when no answer names one (`{{config.service.url}}`). */
  'service.url'?: string;
  /** Who issues the service's TLS certificate (a regular expression); another issuer means interception. */
  'service.tls_issuer'?: string;
  /** Supported minimum versions, e.g. `Chrome 120, Firefox 115, Safari 16.4, Windows 10, macOS 13`. */
  'support.minimums'?: string;
  /** `host[:port]` of the DNS server probes ask instead of the system resolver. */
  'network.dns_server'?: string;
  /** Request Tracker's base URL, e.g. `https://rt.example.com` (the REST 2 API is below it). */
  'helpdesk.rt.url'?: string;
  /** The RT user the token or password belongs to (basic auth); unset for an RT auth token. */
  'helpdesk.rt.user'?: string;
  /** Zendesk's base URL, e.g. `https://acme.zendesk.com`. */
  'helpdesk.zendesk.url'?: string;
  /** The Zendesk agent email the API token belongs to. */
  'helpdesk.zendesk.email'?: string;
  /** Freshdesk's base URL, e.g. `https://acme.freshdesk.com`. */
  'helpdesk.freshdesk.url'?: string;
  /** Absolute playbook directories whose commands may run. */
  trusted?: string[];
}

/**
 * Reads settings without loading conf (and its Ajv, ~130 ms): for commands on the hot path that
 * only need to read. A damaged file is moved aside (kept as a backup, see setAsideDamagedSettings)
 * and settings fall back to defaults; `problem` says so, for the caller to print on stderr.
 */
export function readSettingsFast(env: NodeJS.ProcessEnv = process.env): { settings: Settings; problem?: string } {
  const path = settingsFile(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // Missing (or moved aside earlier in this process: keep reporting that to later readers).
    const problem = setAside.get(path);
    return problem === undefined ? { settings: {} } : { settings: {}, problem };
  }
  const damage = settingsDamage(text);
  if (damage !== undefined) return { settings: {}, problem: setAsideDamagedSettings(path, damage) };
  const stored = JSON.parse(text) as Settings;
  const trusted = trustedSetting(stored.trusted, path);
  const settings = stored.trusted === undefined ? stored : { ...stored, trusted: trusted.dirs };
  return trusted.problem === undefined ? { settings } : { settings, problem: trusted.problem };
}

/**
 * The `trusted` setting, checked: a list of absolute paths (real paths recorded by `triage trust`).
 * Anything else (a string, an object, a list holding a number or a relative path) trusts nothing,
 * and `problem` says why, for stderr: a hand-edited `"trusted": "/"` must not trust everything.
 */
export function trustedSetting(value: unknown, path: string): { dirs: string[]; problem?: string } {
  if (value === undefined) return { dirs: [] };
  const wrong = !Array.isArray(value)
    ? `it is ${value === null ? 'null' : typeof value}, not a list`
    : value.map((d: unknown) => (typeof d !== 'string' ? `${JSON.stringify(d) ?? String(d)} is not a path` : isAbsolute(d) ? undefined : `"${d}" is not an absolute path`)).find(Boolean);
  if (wrong === undefined) return { dirs: value as string[] };
  return {
    dirs: [],
    problem: `triage: the "trusted" setting in ${path} is not a list of absolute directory paths (${wrong}), so no directory is trusted. Fix or remove it in that file, then trust directories again with \`triage trust <dir>\`.`,
  };
}

export function settingsFile(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(triagePaths(env).config, 'config.json');
}

/** Why a config.json text is unusable, or undefined when it is a JSON object. */
export function settingsDamage(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return text.trim() === '' ? 'the file is empty' : (error as Error).message.replace(/\s+/g, ' ');
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : 'it does not hold a JSON object';
}

/** Messages about files moved aside by this process, so every later reader can still report it. */
const setAside = new Map<string, string>();

/**
 * Moves a damaged config.json to `config.json.corrupt-<timestamp>` so triage can go on with
 * defaults while the user's settings stay recoverable; returns the message for stderr.
 */
export function setAsideDamagedSettings(path: string, damage: string, now: Date = new Date()): string {
  const earlier = setAside.get(path);
  if (earlier !== undefined) return earlier;
  const backup = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  let message: string;
  try {
    renameSync(path, backup);
    message = `triage: the settings file ${path} was damaged (${damage}); it was moved to ${backup} and default settings are used. Set your settings again with \`triage config set\`, or copy them back from that file.`;
  } catch (error) {
    message = `triage: the settings file ${path} is damaged (${damage}) and could not be moved aside (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); default settings are used. Fix or delete that file.`;
  }
  setAside.set(path, message);
  return message;
}

/**
 * Helpdesk tokens and passwords, kept apart from config.json (which users paste into bug reports
 * and sync between machines): `credentials.json` in the config directory, readable by the user
 * only. Written atomically with mode 0600; a file others can read is narrowed back to 0600 on the
 * next read, and refused when that is not possible.
 */
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TriageError } from '../core/errors.js';
import { HELPDESK_PROVIDERS, type HelpdeskProvider } from '../core/helpdesk.js';
import { writeFileAtomically } from './atomic-write.js';
import { withFileLock } from './file-lock.js';
import { triagePaths } from './paths.js';

export type CredentialKey = `helpdesk.${HelpdeskProvider}.token`;

export const CREDENTIAL_KEYS: readonly CredentialKey[] = HELPDESK_PROVIDERS.map((p) => `helpdesk.${p}.token` as const);

export function isCredentialKey(key: string): key is CredentialKey {
  return (CREDENTIAL_KEYS as readonly string[]).includes(key);
}

export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(triagePaths(env).config, 'credentials.json');
}

export interface StoredCredentials {
  readonly values: Partial<Record<CredentialKey, string>>;
  /** Set when the file was readable by others and has been narrowed to 0600: say so on stderr. */
  readonly notice?: string;
}

/** The stored tokens; none when the file does not exist. */
export function readCredentials(env: NodeJS.ProcessEnv = process.env): StoredCredentials {
  const path = credentialsFile(env);
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return { values: {} };
  }
  const notice = narrowPermissions(path, mode);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TriageError('credentials/unreadable', `The helpdesk credentials file ${path} could not be read (${(error as NodeJS.ErrnoException).code ?? 'it is not JSON'}).`, {
      hint: `Delete it and set the tokens again with \`triage config set helpdesk.<helpdesk>.token\`.`,
      file: path,
    });
  }
  const values: Partial<Record<CredentialKey, string>> = {};
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const key of CREDENTIAL_KEYS) {
      const value = (parsed as Record<string, unknown>)[key];
      if (typeof value === 'string' && value !== '') values[key] = value;
    }
  }
  return notice === undefined ? { values } : { values, notice };
}

/** Stores (or with undefined, removes) one token; the file is created with mode 0600. */
export function writeCredential(env: NodeJS.ProcessEnv, key: CredentialKey, value: string | undefined): string {
  const path = credentialsFile(env);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    withFileLock(path, () => {
      const current: Record<string, string> = { ...readCredentials(env).values };
      if (value === undefined) delete current[key];
      else current[key] = value;
      writeFileAtomically(path, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
    });
  } catch (error) {
    if (error instanceof TriageError) throw error;
    throw new TriageError('credentials/write-failed', `Could not save the helpdesk credentials (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, {
      hint: `Check that ${dirname(path)} is writable, or give the token in the environment instead (e.g. TRIAGE_RT_TOKEN).`,
      file: path,
    });
  }
  return path;
}

/** A credentials file readable by group or others is narrowed to 0600; one that cannot be is refused. */
function narrowPermissions(path: string, mode: number): string | undefined {
  // Windows has no group/other mode bits to speak of.
  if (process.platform === 'win32' || (mode & 0o077) === 0) return undefined;
  const was = (mode & 0o777).toString(8);
  try {
    chmodSync(path, 0o600);
  } catch (error) {
    throw new TriageError('credentials/too-open', `The helpdesk credentials file ${path} can be read by other users (mode ${was}) and its mode could not be changed (${(error as NodeJS.ErrnoException).code ?? 'unknown error'}).`, {
      hint: `Run \`chmod 600 ${path}\` as its owner; triage does not use tokens others can read.`,
      file: path,
    });
  }
  return `triage: the helpdesk credentials file ${path} could be read by other users (mode ${was}); it is now 0600. If others had access to this machine, replace the tokens in it.`;
}

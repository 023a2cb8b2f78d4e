/**
 * Where a helpdesk is and how triage logs in to it: settings (`helpdesk.<p>.url`, `.user`,
 * `.email`), the token from credentials.json, and the environment over both (`TRIAGE_RT_URL`,
 * `TRIAGE_RT_TOKEN`…), so a pipeline needs no files. A missing piece is an error that names the
 * setting, the variable and the command that sets it.
 */
import { EXIT, TriageError } from '../core/errors.js';
import { HELPDESK_NAMES, HELPDESK_PROVIDERS, type HelpdeskProvider } from '../core/helpdesk.js';
import { readCredentials } from '../io/credentials.js';
import type { HelpdeskConnection } from '../io/helpdesk/index.js';
import type { Settings } from '../io/settings-read.js';

export const DEFAULT_HELPDESK_TIMEOUT_SECONDS = 20;

const ENV_PREFIX: Readonly<Record<HelpdeskProvider, string>> = { rt: 'TRIAGE_RT', zendesk: 'TRIAGE_ZENDESK', freshdesk: 'TRIAGE_FRESHDESK' };

interface Piece {
  readonly setting: string;
  readonly variable: string;
}

function piece(provider: HelpdeskProvider, name: 'url' | 'user' | 'email' | 'token'): Piece {
  return { setting: `helpdesk.${provider}.${name}`, variable: `${ENV_PREFIX[provider]}_${name.toUpperCase()}` };
}

/** The environment wins over a setting; empty strings count as unset. */
function lookUp(env: NodeJS.ProcessEnv, stored: Readonly<Record<string, unknown>>, p: Piece): string | undefined {
  const fromEnv = env[p.variable]?.trim();
  if (fromEnv) return fromEnv;
  const value = stored[p.setting];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function missing(provider: HelpdeskProvider, p: Piece, example: string, secret: boolean): TriageError {
  const how = secret ? `\`triage config set ${p.setting}\` (asks for it hidden)` : `\`triage config set ${p.setting} ${example}\``;
  return new TriageError('helpdesk/not-configured', `${HELPDESK_NAMES[provider]} is not set up: ${p.setting} is not set (nor ${p.variable}).`, {
    exitCode: EXIT.usage,
    hint: `Set it with ${how}, or export ${p.variable}. See \`triage help helpdesk\` or docs/helpdesk.md.`,
  });
}

/** TRIAGE_HELPDESK_TIMEOUT in seconds (default 20). */
export function helpdeskTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = env.TRIAGE_HELPDESK_TIMEOUT?.trim();
  if (!raw) return DEFAULT_HELPDESK_TIMEOUT_SECONDS * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new TriageError('helpdesk/invalid-timeout', `TRIAGE_HELPDESK_TIMEOUT must be a positive number of seconds; got "${raw}".`, {
      exitCode: EXIT.usage,
      hint: `e.g. TRIAGE_HELPDESK_TIMEOUT=30, or unset it for the default of ${DEFAULT_HELPDESK_TIMEOUT_SECONDS} s.`,
    });
  }
  return Math.round(seconds * 1000);
}

/** The helpdesk's URL when one is configured (settings or environment), without needing its token. */
export function configuredHelpdeskUrl(provider: HelpdeskProvider, settings: Settings, env: NodeJS.ProcessEnv): string | undefined {
  return lookUp(env, settings as Record<string, unknown>, piece(provider, 'url'));
}

/** The helpdesks with a URL configured: the intake offers to fetch a ticket only then. */
export function configuredHelpdesks(settings: Settings, env: NodeJS.ProcessEnv): HelpdeskProvider[] {
  return HELPDESK_PROVIDERS.filter((p) => configuredHelpdeskUrl(p, settings, env) !== undefined);
}

export interface ResolvedConnection {
  readonly connection: HelpdeskConnection;
  /** Set when credentials.json was narrowed to 0600 on reading: say so on stderr. */
  readonly notice?: string;
}

/** Everything needed to talk to one helpdesk, or the error naming what is missing. */
export function resolveHelpdeskConnection(provider: HelpdeskProvider, settings: Settings, env: NodeJS.ProcessEnv): ResolvedConnection {
  const stored = settings as Record<string, unknown>;
  const urlPiece = piece(provider, 'url');
  const url = lookUp(env, stored, urlPiece);
  if (url === undefined) throw missing(provider, urlPiece, `https://${provider}.example.com`, false);
  checkUrl(url, urlPiece);
  const tokenPiece = piece(provider, 'token');
  // The credentials file is read only when the environment does not give the token.
  const fromEnv = env[tokenPiece.variable]?.trim();
  const credentials = fromEnv ? { values: {} } : readCredentials(env);
  const token = fromEnv || credentials.values[tokenPiece.setting as keyof typeof credentials.values];
  if (!token) throw missing(provider, tokenPiece, '', true);
  const user = provider === 'rt' ? lookUp(env, stored, piece('rt', 'user')) : undefined;
  let email: string | undefined;
  if (provider === 'zendesk') {
    const emailPiece = piece('zendesk', 'email');
    email = lookUp(env, stored, emailPiece);
    if (email === undefined) throw missing(provider, emailPiece, 'agent@example.com', false);
  }
  const connection: HelpdeskConnection = {
    url: url.replace(/\/+$/, ''),
    ...(user ? { user } : {}),
    ...(email ? { email } : {}),
    token,
    timeoutMs: helpdeskTimeoutMs(env),
  };
  return 'notice' in credentials && credentials.notice ? { connection, notice: credentials.notice } : { connection };
}

function checkUrl(url: string, p: Piece): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TriageError('helpdesk/invalid-url', `The helpdesk URL "${url}" (${p.setting} or ${p.variable}) is not an http(s) URL.`, {
      exitCode: EXIT.usage,
      hint: `Set it again, e.g. \`triage config set ${p.setting} https://helpdesk.example.com\`.`,
    });
  }
}

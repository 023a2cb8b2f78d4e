/**
 * JSON over HTTP for the helpdesk clients, on the platform's `fetch`: one base URL, one
 * Authorization value, a timeout per attempt, retries with backoff where a retry is safe, and
 * every failure turned into a TriageError that names the helpdesk, its host and the setting to
 * check. The Authorization value never appears in any message.
 */
import { EXIT, TriageError } from '../../core/errors.js';
import { HELPDESK_NAMES, type HelpdeskProvider } from '../../core/helpdesk.js';

/** Statuses that mean "try again later": the request was not handled. */
const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);
/**
 * Statuses after which a POST is retried too: the server says it did not take the request.
 * After a 502/504 the helpdesk may have handled it, and a second reply would reach the customer.
 */
const RETRY_STATUSES_UNSAFE_METHODS: ReadonlySet<number> = new Set([429, 503]);
/** Connection failures worth a retry: the server restarts or a proxy dropped the connection. */
const RETRY_CONNECTION_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
/** For a POST only a refused connection: a dropped one may have delivered the request. */
const RETRY_CONNECTION_CODES_UNSAFE_METHODS: ReadonlySet<string> = new Set(['ECONNREFUSED']);
const MAX_SERVER_MESSAGE = 300;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

/** How to reach one helpdesk, from the settings (`helpdesk.<provider>.*`, `TRIAGE_<PROVIDER>_*`). */
export interface HelpdeskConnection {
  /** The helpdesk's base web address. */
  readonly url: string;
  /** The login name, where the helpdesk authenticates with a user and a password (RT). */
  readonly user?: string;
  /** The agent's e-mail, where the helpdesk pairs it with an API token (Zendesk). */
  readonly email?: string;
  /** Password or API token; never shown. */
  readonly token: string;
  /** Per request attempt. */
  readonly timeoutMs: number;
  /** Retries after a failed attempt and the first backoff; the defaults suit real use. */
  readonly retries?: number;
  readonly backoffMs?: number;
}

export interface HelpdeskHttpOptions {
  readonly provider: HelpdeskProvider;
  /** The helpdesk's address; a path is kept (`https://example.com/rt`). */
  readonly baseUrl: string;
  /** The whole Authorization header value (`Basic …`, `token …`); never shown. */
  readonly authorization: string;
  /** The password or token inside `authorization`, kept out of any server message shown too. */
  readonly secret?: string;
  /** Settings that hold the credentials, named in the hint of a 401 (`helpdesk.rt.token`). */
  readonly credentialSettings?: readonly string[];
  /** Per attempt, including reading the body. Default 15 s. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. Default 2. */
  readonly retries?: number;
  /** The first backoff; it doubles each retry. Default 500 ms. */
  readonly backoffMs?: number;
  /** The longest `Retry-After` waited for; a longer one fails at once. Default 30 s. */
  readonly maxRetryAfterMs?: number;
}

export interface HelpdeskRequest {
  readonly method?: HttpMethod;
  /**
   * Below the base URL, e.g. `/REST/2.0/ticket/12`; or an absolute URL on the base URL's origin,
   * as helpdesks give for the next page or an attachment (another origin is refused).
   */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** What the path is, for a 404 ("ticket rt:12"). */
  readonly subject?: string;
  /** `text` gives the body as it came (an attachment's content); default `json`. */
  readonly responseType?: 'json' | 'text';
  /**
   * `false` for a PUT that adds something, retried only as cautiously as a POST (a Zendesk
   * comment goes in through a ticket update); default: GET, PUT and DELETE are idempotent.
   */
  readonly idempotent?: boolean;
}

export interface HelpdeskResponse<T = unknown> {
  readonly status: number;
  /** e.g. `location`, where RT names a created transaction. */
  readonly headers: Headers;
  /** The parsed JSON body; undefined for an empty one. */
  readonly body: T;
}

/** One helpdesk's HTTP endpoint. */
export interface HelpdeskHttp {
  readonly provider: HelpdeskProvider;
  /** The base URL's host (with port), safe to show. */
  readonly host: string;
  /** The base URL, normalised without a trailing slash. */
  readonly baseUrl: string;
  /** Sends one request, retrying where safe; rejects only with a TriageError. */
  request<T = unknown>(request: HelpdeskRequest): Promise<HelpdeskResponse<T>>;
}

/** `helpdesk.rt.token` → `helpdesk.rt.token (TRIAGE_RT_TOKEN)`. */
export function settingWithEnv(key: string): string {
  return `${key} (TRIAGE_${key.replace(/^helpdesk\./, '').replace(/\./g, '_').toUpperCase()})`;
}

/**
 * Checks a helpdesk base URL: http or https, no credentials in it (they belong in the token
 * setting). A bad one is a usage error (exit 2) that names the setting.
 */
export function parseHelpdeskUrl(provider: HelpdeskProvider, text: string): URL {
  const setting = settingWithEnv(`helpdesk.${provider}.url`);
  const name = HELPDESK_NAMES[provider];
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new TriageError('helpdesk/bad-url', `The ${name} address is not a URL.`, {
      exitCode: EXIT.usage,
      hint: `Set ${setting} to the helpdesk's address, e.g. https://helpdesk.example.com.`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TriageError('helpdesk/bad-url', `The ${name} address must start with https:// or http://, not ${url.protocol}//.`, {
      exitCode: EXIT.usage,
      hint: `Set ${setting} to the helpdesk's web address, e.g. https://${url.host || 'helpdesk.example.com'}.`,
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw new TriageError('helpdesk/bad-url', `The ${name} address ${url.protocol}//${url.host} has a user name or password in it.`, {
      exitCode: EXIT.usage,
      hint: `Remove them from ${setting}; put the password or token in ${settingWithEnv(`helpdesk.${provider}.token`)}.`,
    });
  }
  const apiPath = API_PATHS[provider];
  if (url.pathname.replace(/\/+$/, '').toLowerCase().endsWith(apiPath.toLowerCase())) {
    const base = `${url.origin}${url.pathname.replace(/\/+$/, '').slice(0, -apiPath.length)}`;
    throw new TriageError('helpdesk/bad-url', `The ${name} address ${url.origin}${url.pathname} ends in the API path ${apiPath}; triage adds that itself.`, {
      exitCode: EXIT.usage,
      hint: `Set ${setting} to ${base || url.origin}, the address the helpdesk's web pages start with.`,
    });
  }
  url.search = '';
  url.hash = '';
  return url;
}

/** The API path each client adds below the base address: a base that already ends in it is a mistake. */
const API_PATHS: Readonly<Record<HelpdeskProvider, string>> = { rt: '/REST/2.0', zendesk: '/api/v2', freshdesk: '/api/v2' };

/** Creates the HTTP endpoint for one helpdesk; throws `helpdesk/bad-url` for a bad base URL. */
export function createHelpdeskHttp(options: HelpdeskHttpOptions): HelpdeskHttp {
  const base = parseHelpdeskUrl(options.provider, options.baseUrl);
  const baseUrl = base.href.replace(/\/+$/, '');
  const context: Context = {
    provider: options.provider,
    name: HELPDESK_NAMES[options.provider],
    host: base.host,
    authorization: options.authorization,
    secrets: [options.authorization, options.secret].filter((s): s is string => Boolean(s)),
    credentialSettings: options.credentialSettings ?? [`helpdesk.${options.provider}.token`],
    timeoutMs: options.timeoutMs ?? 15_000,
    retries: options.retries ?? 2,
    backoffMs: options.backoffMs ?? 500,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
  };
  return {
    provider: options.provider,
    host: base.host,
    baseUrl,
    request: <T>(request: HelpdeskRequest) => send<T>(context, baseUrl, request),
  };
}

interface Context {
  readonly provider: HelpdeskProvider;
  readonly name: string;
  readonly host: string;
  readonly authorization: string;
  readonly secrets: readonly string[];
  readonly credentialSettings: readonly string[];
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  readonly maxRetryAfterMs: number;
}

/** What one attempt ended with: a response to judge, or a failure to connect or to finish. */
type Attempt = { readonly response: Response; readonly text: string } | { readonly failure: unknown };

async function send<T>(context: Context, baseUrl: string, request: HelpdeskRequest): Promise<HelpdeskResponse<T>> {
  const method = request.method ?? 'GET';
  const idempotent = request.idempotent ?? isIdempotent(method);
  const url = buildUrl(context, baseUrl, request.path, request.query);
  for (let attempt = 0; ; attempt += 1) {
    const outcome = await attemptOnce(context, method, url, request);
    const canRetry = attempt < context.retries;
    if ('failure' in outcome) {
      if (canRetry && retriesConnection(idempotent, outcome.failure)) {
        await sleep(backoff(context, attempt));
        continue;
      }
      throw connectionError(context, outcome.failure);
    }
    const { response, text } = outcome;
    if (response.status >= 200 && response.status < 300) {
      const body = request.responseType === 'text' ? text : parseBody(context, response, text);
      return { status: response.status, headers: response.headers, body: body as T };
    }
    if (canRetry && retriesStatus(idempotent, response.status)) {
      const wait = retryWait(context, response, attempt);
      if (wait !== undefined) {
        await sleep(wait);
        continue;
      }
    }
    throw statusError(context, request, response, text);
  }
}

async function attemptOnce(context: Context, method: HttpMethod, url: URL, request: HelpdeskRequest): Promise<Attempt> {
  const { body } = request;
  const accept = request.responseType === 'text' ? '*/*' : 'application/json';
  const headers: Record<string, string> = { accept, authorization: context.authorization };
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(context.timeoutMs),
    });
    return { response, text: await response.text() };
  } catch (failure) {
    return { failure };
  }
}

function buildUrl(context: Context, baseUrl: string, path: string, query: HelpdeskRequest['query']): URL {
  const url = /^https?:\/\//i.test(path) ? sameOriginUrl(context, baseUrl, path) : new URL(baseUrl + (path.startsWith('/') ? path : `/${path}`));
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const one of values) url.searchParams.append(key, String(one));
  }
  return url;
}

/**
 * A link the helpdesk gave (next page, attachment). The request carries the credentials, so a
 * link to another origin is refused rather than followed; a helpdesk reached under a second name
 * (a custom domain) names its canonical one in links, and the hint says which address to set.
 */
function sameOriginUrl(context: Context, baseUrl: string, link: string): URL {
  const url = new URL(link);
  if (url.origin === new URL(baseUrl).origin) return url;
  throw new TriageError('helpdesk/foreign-link', `${where(context)} gave a link to another address (${url.protocol}//${url.host}); triage sends the credentials only to ${context.host}.`, {
    exitCode: EXIT.checkFailed,
    hint: `If ${url.host} is the same helpdesk, set ${settingWithEnv(`helpdesk.${context.provider}.url`)} to ${url.protocol}//${url.host}.`,
  });
}

function isIdempotent(method: HttpMethod): boolean {
  return method === 'GET' || method === 'PUT' || method === 'DELETE';
}

function retriesStatus(idempotent: boolean, status: number): boolean {
  return (idempotent ? RETRY_STATUSES : RETRY_STATUSES_UNSAFE_METHODS).has(status);
}

function failureCode(failure: unknown): string | undefined {
  const cause = (failure as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = cause?.code ?? (failure as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** fetch refuses the ports browsers block (the Fetch standard's "bad port" list) before connecting. */
function isBlockedPort(failure: unknown): boolean {
  const cause = (failure as { cause?: unknown } | undefined)?.cause;
  return cause instanceof Error && cause.message === 'bad port';
}

function isTimeout(failure: unknown): boolean {
  return failure instanceof Error && (failure.name === 'TimeoutError' || failure.name === 'AbortError');
}

function retriesConnection(idempotent: boolean, failure: unknown): boolean {
  const code = failureCode(failure);
  return code !== undefined && (idempotent ? RETRY_CONNECTION_CODES : RETRY_CONNECTION_CODES_UNSAFE_METHODS).has(code);
}

function backoff(context: Context, attempt: number): number {
  return context.backoffMs * 2 ** attempt;
}

/** How long to wait before the next attempt; undefined when `Retry-After` is beyond the cap. */
function retryWait(context: Context, response: Response, attempt: number): number | undefined {
  const retryAfter = retryAfterMs(response.headers.get('retry-after'));
  if (retryAfter === undefined) return backoff(context, attempt);
  return retryAfter <= context.maxRetryAfterMs ? retryAfter : undefined;
}

/** `Retry-After` as milliseconds from now: delay-seconds or an HTTP date. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function parseBody(context: Context, response: Response, text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new TriageError('helpdesk/bad-response', `${where(context)} answered with something that is not JSON (${type.split(';')[0]}).`, {
      exitCode: EXIT.checkFailed,
      hint: `Check that ${settingWithEnv(`helpdesk.${context.provider}.url`)} is the helpdesk's own address and not a login page or a proxy in front of it.`,
    });
  }
}

function contentType(response: Response): string {
  return (response.headers.get('content-type') ?? 'no content type').split(';')[0]!.trim().toLowerCase();
}

/** The path that was asked for, without a query: the base address's path included. */
function requestPath(response: Response, path: string): string {
  return response.url ? new URL(response.url).pathname : path.split('?')[0]!;
}

function where(context: Context): string {
  return `${context.name} at ${context.host}`;
}

function urlHint(context: Context): string {
  return `Check ${settingWithEnv(`helpdesk.${context.provider}.url`)}`;
}

function connectionError(context: Context, failure: unknown): TriageError {
  if (isTimeout(failure)) {
    return new TriageError('helpdesk/timeout', `${where(context)} did not answer within ${seconds(context.timeoutMs)}.`, {
      exitCode: EXIT.checkFailed,
      hint: `${urlHint(context)} and that the helpdesk is up, or try again later.`,
      cause: failure,
    });
  }
  const code = failureCode(failure);
  if (isBlockedPort(failure)) {
    return new TriageError('helpdesk/blocked-port', `Cannot reach ${where(context)}: Node's fetch never connects to that port (one of the ports browsers block, such as 1, 25 or 6000).`, {
      exitCode: EXIT.checkFailed,
      hint: `Serve the helpdesk on another port (e.g. 443 or 8080) and set ${settingWithEnv(`helpdesk.${context.provider}.url`)} to it.`,
      cause: failure,
    });
  }
  const reason = connectionReason(code);
  const tls = code !== undefined && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code);
  return new TriageError('helpdesk/unreachable', `Cannot reach ${where(context)}: ${reason}.`, {
    exitCode: EXIT.checkFailed,
    hint: tls
      ? `${urlHint(context)}; for a private certificate authority, point NODE_EXTRA_CA_CERTS at its certificate.`
      : `${urlHint(context)} and that the helpdesk is up and reachable from this machine (VPN, proxy).`,
    cause: failure,
  });
}

function connectionReason(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (nothing listens there)';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return 'the connection was closed before an answer';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name was not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the host';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'the connection timed out';
    case undefined:
      return 'the request failed';
    default:
      return /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code) ? `its TLS certificate was not accepted (${code})` : `the request failed (${code})`;
  }
}

function statusError(context: Context, request: HelpdeskRequest, response: Response, text: string): TriageError {
  const status = response.status;
  const subject = request.subject ?? `${request.method ?? 'GET'} ${request.path}`;
  const credentials = context.credentialSettings.map(settingWithEnv).join(' and ');
  const failed = (code: string, message: string, hint: string): TriageError =>
    new TriageError(code, message, { exitCode: EXIT.checkFailed, hint });
  if (status >= 300 && status < 400) {
    const target = redirectTarget(response.headers.get('location'));
    return failed('helpdesk/redirected', `${where(context)} redirected the request${target ? ` to ${target}` : ''} (${status}).`,
      `Set ${settingWithEnv(`helpdesk.${context.provider}.url`)} to the address it redirects to (often https:// instead of http://).`);
  }
  if (status === 401) {
    const token = context.credentialSettings[context.credentialSettings.length - 1]!;
    return failed('helpdesk/unauthorized', `${where(context)} did not accept the credentials (401 Unauthorized).`,
      `Check ${credentials}: \`triage config set ${token}\` stores a new one (the environment variable wins when it is set).`);
  }
  if (status === 403) {
    return failed('helpdesk/forbidden', `${where(context)} refused access to ${subject} (403 Forbidden).`,
      `The account in ${credentials} needs the right to see and change tickets there; ask the helpdesk's administrator.`);
  }
  if (status === 404 && contentType(response) === 'text/html') {
    // The helpdesk's API answers a missing ticket in JSON; a web page means the address has no API.
    return failed('helpdesk/no-api', `${where(context)} has no helpdesk API at ${requestPath(response, request.path)} (404, a web page).`,
      `Set ${settingWithEnv(`helpdesk.${context.provider}.url`)} to the helpdesk's own address, the one its web pages start with (e.g. https://${context.provider}.example.com, without /REST/2.0 or /api/v2).`);
  }
  if (status === 404) {
    return failed('helpdesk/not-found', `${where(context)}: ${subject} was not found (404).`,
      `Check the ticket number, and that ${settingWithEnv(`helpdesk.${context.provider}.url`)} is the right helpdesk.`);
  }
  if (status === 429) return rateLimited(context, response);
  if (status >= 500) {
    const wait = retryAfterMs(response.headers.get('retry-after'));
    return failed('helpdesk/server-error', `${where(context)} failed with ${status} ${response.statusText}`.trimEnd() + serverSays(context, text) + '.',
      `The helpdesk has a problem of its own; try again ${wait === undefined ? 'later' : retryTime(wait)}, and tell its administrator if it stays.`);
  }
  return failed('helpdesk/rejected', `${where(context)} rejected ${subject} (${status})` + serverSays(context, text) + '.',
    'The helpdesk refused this change; check the ticket there (closed, merged, or a required field).');
}

function rateLimited(context: Context, response: Response): TriageError {
  const wait = retryAfterMs(response.headers.get('retry-after'));
  const when = wait === undefined ? 'in a minute' : retryTime(wait);
  return new TriageError('helpdesk/rate-limited', `${where(context)} is limiting requests (429 Too Many Requests).`, {
    exitCode: EXIT.checkFailed,
    hint: `Try again ${when}.`,
  });
}

/** `after 14:05:30 UTC (in 5 min)`. */
function retryTime(waitMs: number): string {
  return `after ${new Date(Date.now() + waitMs).toISOString().slice(11, 19)} UTC (in ${seconds(waitMs)})`;
}

function seconds(ms: number): string {
  return ms < 120_000 ? `${Math.ceil(ms / 1000)} s` : `${Math.ceil(ms / 60_000)} min`;
}

function redirectTarget(location: string | null): string | undefined {
  if (!location) return undefined;
  try {
    const url = new URL(location);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return undefined;
  }
}

/** The helpdesk's own words about a failure, on one line, trimmed, without the credentials. */
function serverSays(context: Context, text: string): string {
  const message = context.secrets.reduce((said, secret) => said.replaceAll(secret, '…'), serverMessage(text)).replace(/\s+/g, ' ').trim();
  if (message === '') return '';
  return `: ${message.length > MAX_SERVER_MESSAGE ? `${message.slice(0, MAX_SERVER_MESSAGE - 1)}…` : message}`;
}

/** RT `{message}`, Zendesk `{error, description, details}`, Freshdesk `{description, errors[]}`, or plain text. */
function serverMessage(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return /<html/i.test(text) ? '' : text;
  }
  return messagesIn(body).join('; ');
}

function messagesIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(messagesIn);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own = ['message', 'description', 'error'].flatMap((key) => (typeof record[key] === 'string' ? [record[key] as string] : []));
  const field = typeof record.field === 'string' && own.length > 0 ? [`${record.field}: ${own.join(', ')}`] : own;
  const details = record.details !== null && typeof record.details === 'object' && !Array.isArray(record.details) ? Object.values(record.details) : record.details;
  return [...new Set([...field, ...messagesIn(record.errors), ...messagesIn(details)])];
}

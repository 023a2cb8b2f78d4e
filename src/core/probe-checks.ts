/**
 * Built-in probes of a `check` block (`probe: [tls, '{{answers.url}}']`): what each one is, how its
 * target is read, and, given what the I/O side observed, whether it passed, in engineer words and
 * in customer words. Pure: the clock, the settings and the observation come in as arguments.
 */
import { boundedRegexTest } from './bounded-regex.js';

export const PROBE_NAMES = ['dns', 'tcp', 'tls', 'http', 'clock', 'proxy', 'disk', 'version'] as const;
export type ProbeName = (typeof PROBE_NAMES)[number];

/** Probes that send traffic: from an untrusted directory they need trust, like commands. */
export const NETWORK_PROBES: ReadonlySet<ProbeName> = new Set(['dns', 'tcp', 'tls', 'http', 'clock', 'proxy']);

export function isProbeName(name: string): name is ProbeName {
  return (PROBE_NAMES as readonly string[]).includes(name);
}

/** What a TLS probe can require; `require` in a check's `expect` picks a subset. */
export const TLS_REQUIREMENTS = ['not-expired', 'hostname', 'chain', 'issuer'] as const;
export type TlsRequirement = (typeof TLS_REQUIREMENTS)[number];

/** The probe-specific part of a check block's `expect`. */
export interface ProbeExpect {
  /** http: a regular expression the final status must match (default `^[23]`). */
  readonly status?: string;
  /** tls: days the certificate must still be valid for (default 0: not expired). */
  readonly minDays?: number;
  /** tls: what must hold (default: not-expired, hostname, chain; plus issuer when one is expected). */
  readonly require?: readonly TlsRequirement[];
  /** tls: a regular expression the issuer must match (config `service.tls_issuer` wins). */
  readonly issuer?: string;
  /** clock: the largest accepted difference from the server's clock, in seconds (default 120). */
  readonly maxSkewSeconds?: number;
  /** disk: free space needed, e.g. `2GiB`, `500MB` (default 1GiB). */
  readonly minFree?: string;
  /** version: supported minimums, e.g. `Chrome 120, Firefox 115` (config `support.minimums` wins). */
  readonly minimums?: string;
}

export const DEFAULT_HTTP_STATUS = '^[23]';
export const DEFAULT_MAX_SKEW_SECONDS = 120;
export const DEFAULT_MIN_FREE = '1GiB';

/** The settings probes read. */
export interface ProbeConfig {
  readonly 'service.url'?: string;
  readonly 'service.tls_issuer'?: string;
  readonly 'support.minimums'?: string;
}

// ---------------------------------------------------------------------------------------------
// Targets

const CONFIG_PLACEHOLDER = /^\s*\{\{\s*config\.([A-Za-z0-9_.-]+)\s*\}\}\s*$/;

/**
 * The first usable target of a probe: each candidate (answers and env already substituted by the
 * flow engine) with `{{config.<key>}}` read from the settings; empty ones are skipped.
 */
export function chooseTarget(candidates: readonly string[], config: Readonly<Record<string, unknown>>): string | undefined {
  for (const candidate of candidates) {
    const match = CONFIG_PLACEHOLDER.exec(candidate);
    const value = match ? config[match[1]!] : candidate;
    if (typeof value === 'string' && value.trim() !== '' && !value.includes('{{')) return value.trim();
  }
  return undefined;
}

/**
 * What a probe check is about to look at, for a progress line: its name and the first target
 * given (`tls https://…`), a setting as `config service.url`.
 */
export function probeLabel(argv: readonly string[]): string[] {
  const [name = '', ...targets] = argv;
  const first = targets.find((t) => t.trim() !== '');
  if (first === undefined) return [name];
  const setting = CONFIG_PLACEHOLDER.exec(first)?.[1];
  return [name, setting ? `(${setting} setting)` : first];
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** The URL the target names or implies (`https://host:port/`). */
  readonly url: string;
}

/**
 * `https://api.example.com/health`, `api.example.com:8443` or `api.example.com` as host, port and
 * URL; `defaultPort` when none is written (443, or 80 for `http:`). Undefined when unreadable.
 */
export function parseEndpoint(target: string, defaultPort = 443): Endpoint | undefined {
  const text = target.trim();
  if (text === '') return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `${defaultPort === 80 ? 'http' : 'https'}://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.hostname === '') return undefined;
  const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, url: url.href };
}

// ---------------------------------------------------------------------------------------------
// Proxies

export interface ProxyChoice {
  /** The proxy URL, when one applies. */
  readonly proxy?: string;
  /** The variable it came from (`HTTPS_PROXY`). */
  readonly variable?: string;
  /** The NO_PROXY entry that turned it off. */
  readonly bypassedBy?: string;
}

function envValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
}

/**
 * The proxy `url` goes through, as curl reads the environment: `HTTPS_PROXY` for https,
 * `HTTP_PROXY` for http (upper or lower case), `ALL_PROXY` otherwise, none when `NO_PROXY` lists the
 * host (a suffix `.example.com` or `example.com` matches subdomains, `*` matches all, `host:port`).
 */
export function proxyFor(url: string, env: Readonly<Record<string, string | undefined>>): ProxyChoice {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {};
  }
  const variable = parsed.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const proxy = envValue(env, variable) ?? envValue(env, 'ALL_PROXY');
  if (!proxy) return {};
  const usedVariable = envValue(env, variable) ? variable : 'ALL_PROXY';
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  for (const raw of (envValue(env, 'NO_PROXY') ?? '').split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return { bypassedBy: entry };
    const [entryHost = '', entryPort] = entry.startsWith('[') ? [entry.slice(1, entry.indexOf(']')), entry.split(']:')[1]] : entry.split(':');
    if (entryPort && entryPort !== port) continue;
    const bare = entryHost.replace(/^\*?\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return { bypassedBy: raw.trim() };
  }
  return { proxy: /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`, variable: usedVariable };
}

/** A proxy URL without its password, for output. */
export function displayProxy(proxy: string): string {
  try {
    const url = new URL(proxy);
    if (url.password) url.password = '****';
    return url.href.replace(/\/$/, '');
  } catch {
    return proxy;
  }
}

// ---------------------------------------------------------------------------------------------
// Sizes and versions

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** `2GiB`, `500 MB`, `1073741824` as bytes; undefined when unreadable. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = SIZE_UNITS[match[2]!.toLowerCase()];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}

/** `Chrome 120, Firefox 115, Safari 16.4, Windows 10` as product → version (lower-case names). */
export function parseMinimums(text: string): Map<string, string> {
  const minimums = new Map<string, string>();
  for (const part of text.split(/[,;\n]/)) {
    const match = /^\s*(.*?)\s+v?(\d+(?:\.\d+)*)\s*$/.exec(part);
    if (match && match[1]) minimums.set(normaliseProduct(match[1]), match[2]!);
  }
  return minimums;
}

function normaliseProduct(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\s+/g, ' ');
  if (lower === 'mac os' || lower === 'mac os x' || lower === 'os x') return 'macos';
  if (lower === 'microsoft edge') return 'edge';
  if (lower === 'google chrome') return 'chrome';
  return lower;
}

/** -1, 0 or 1, comparing dotted numbers part by part (`16.4` < `16.10`). */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const y = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * A product and version from `Chrome 126.0.6478.127`, `Windows 10`, `macOS 14.5 Sonoma`,
 * `Ubuntu 24.04.1 LTS` (a pasted User-Agent is reduced to its browser by the caller).
 */
export function readProductVersion(text: string): { product: string; name: string; version: string } | undefined {
  const match = /^\s*([A-Za-z][A-Za-z /-]*?)\s+\(?v?(\d+(?:\.\d+)*)/.exec(text);
  if (!match) return undefined;
  // `Debian GNU/Linux 12 (bookworm)` is Debian 12.
  const name = match[1]!.replace(/\s*GNU\/Linux\b/i, '').replace(/\s+Linux$/i, '');
  return { product: normaliseProduct(name), name, version: match[2]! };
}

// ---------------------------------------------------------------------------------------------
// Observations (what src/io saw) and verdicts

interface Timed {
  readonly durationMs: number;
  /** The probe did not finish within its timeout. */
  readonly timedOut?: boolean;
  /** Why it could not finish: an error code such as `ECONNREFUSED`, `ENOTFOUND`, with its message. */
  readonly error?: { readonly code?: string; readonly message: string };
}

export type ProbeObservation =
  | (Timed & { readonly probe: 'dns'; readonly host: string; readonly resolver: string; readonly addresses: readonly { readonly address: string; readonly family: 4 | 6 }[] })
  | (Timed & { readonly probe: 'tcp'; readonly host: string; readonly port: number; readonly address?: string; readonly connected: boolean })
  | (Timed & {
      readonly probe: 'tls';
      readonly host: string;
      readonly port: number;
      readonly protocol?: string;
      readonly subject?: string;
      readonly altNames?: string;
      readonly issuer?: string;
      readonly validFrom?: string;
      readonly validTo?: string;
      readonly hostnameMatch?: boolean;
      /** Why Node would not trust the chain (`CERT_HAS_EXPIRED`, `SELF_SIGNED_CERT_IN_CHAIN`); undefined when trusted. */
      readonly trustError?: string;
      readonly handshake: boolean;
      /** The target is an `http://` address: there is no TLS to look at. */
      readonly plain?: boolean;
    })
  | (Timed & {
      readonly probe: 'http';
      readonly url: string;
      readonly status?: number;
      /** Each redirect followed, as `301 → https://…`. */
      readonly redirects: readonly string[];
      readonly proxy?: string;
      readonly date?: string;
    })
  | (Timed & { readonly probe: 'clock'; readonly url: string; readonly serverDate?: string; readonly localTime: string; readonly proxy?: string })
  | (Timed & { readonly probe: 'proxy'; readonly url: string; readonly choice: ProxyChoice; readonly reachable?: boolean })
  | (Timed & { readonly probe: 'disk'; readonly path: string; readonly freeBytes?: number; readonly totalBytes?: number })
  | (Timed & { readonly probe: 'version'; readonly value: string });

/** A probe's result, as a check needs it. */
export interface ProbeVerdict {
  readonly passed: boolean;
  /** One line: what was observed (`93.184.216.34, 2606:2800::1 via 127.0.0.1:5300 in 3 ms`). */
  readonly observed: string;
  /** Why it failed, for engineers (`connection refused by 127.0.0.1:443`); '' when passed. */
  readonly detail: string;
  /** Why it failed, for the customer (`our service did not accept the connection`); '' when passed. */
  readonly customer: string;
  /** A stable name of the failure (`tls/expired`, `tcp/refused`); undefined when passed. */
  readonly failure?: string;
  /** The observation's fields, for JSON output. */
  readonly values: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

const DAY_MS = 86_400_000;

function pass(observed: string, values: ProbeVerdict['values']): ProbeVerdict {
  return { passed: true, observed, detail: '', customer: '', values };
}

function fail(failure: string, observed: string, detail: string, customer: string, values: ProbeVerdict['values']): ProbeVerdict {
  return { passed: false, observed, detail, customer, failure, values };
}

function timedFailure(probe: string, o: Timed, what: string, customer: string, values: ProbeVerdict['values'], timeoutMs: number): ProbeVerdict | undefined {
  if (o.timedOut) return fail(`${probe}/timeout`, `no answer within ${timeoutMs} ms`, `${what}: no answer within ${timeoutMs} ms (timed out)`, customer, values);
  return undefined;
}

function errorText(o: Timed): string {
  if (!o.error) return 'unknown error';
  return o.error.code && !o.error.message.includes(o.error.code) ? `${o.error.code}: ${o.error.message}` : o.error.message;
}

/** Customer words for a connection error code, shared by tcp, http and proxy. */
function connectionFailure(code: string | undefined): { failure: string; words: string; customer: string } {
  switch (code) {
    case 'ECONNREFUSED':
      return { failure: 'refused', words: 'connection refused', customer: 'the server turned the connection away' };
    case 'ECONNRESET':
      return { failure: 'reset', words: 'connection reset', customer: 'the connection was cut off part-way' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { failure: 'unreachable', words: 'no route to the host', customer: 'this network has no route to our service' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { failure: 'dns', words: 'the name did not resolve', customer: "the computer could not look up our service's address" };
    default:
      return { failure: 'error', words: code ?? 'error', customer: 'the connection failed' };
  }
}

export interface JudgeOptions {
  readonly now: Date;
  readonly timeoutMs: number;
  readonly expect: ProbeExpect;
  readonly config: ProbeConfig;
}

/** Whether an observation passes, and what to say about it. */
export function judgeProbe(o: ProbeObservation, options: JudgeOptions): ProbeVerdict {
  const ms = `${Math.round(o.durationMs)} ms`;
  const { timeoutMs, expect } = options;
  switch (o.probe) {
    case 'dns': {
      const addresses = o.addresses.map((a) => a.address);
      const values = { host: o.host, resolver: o.resolver, a: o.addresses.filter((a) => a.family === 4).map((a) => a.address), aaaa: o.addresses.filter((a) => a.family === 6).map((a) => a.address), duration_ms: Math.round(o.durationMs) };
      const customer = "the computer could not look up our service's address";
      const timeout = timedFailure('dns', o, `DNS lookup of ${o.host} via ${o.resolver}`, customer, values, timeoutMs);
      if (timeout) return timeout;
      if (addresses.length === 0) {
        const code = o.error?.code;
        const notFound = code === 'ENOTFOUND' || code === 'ENODATA' || code === 'NXDOMAIN' || code === undefined;
        return fail(
          notFound ? 'dns/not-found' : 'dns/error',
          notFound ? 'no address' : errorText(o),
          `DNS lookup of ${o.host} via ${o.resolver} found no A or AAAA record${o.error ? ` (${errorText(o)})` : ''}`,
          customer,
          values,
        );
      }
      return pass(o.resolver.startsWith('nothing') ? `${addresses.join(', ')} (an IP address, nothing to look up)` : `${addresses.join(', ')} via ${o.resolver} in ${ms}`, values);
    }
    case 'tcp': {
      const where = `${o.host}:${o.port}`;
      const values = { host: o.host, port: o.port, ...(o.address ? { address: o.address } : {}), connected: o.connected, duration_ms: Math.round(o.durationMs) };
      const timeout = timedFailure('tcp', o, `TCP connect to ${where}`, 'the connection to our service got no answer: something on the way (a firewall) may be dropping it', values, timeoutMs);
      if (timeout) return timeout;
      if (!o.connected) {
        const f = connectionFailure(o.error?.code);
        return fail(`tcp/${f.failure}`, f.words, `TCP connect to ${where}: ${f.words} (${errorText(o)})`, f.customer, values);
      }
      return pass(`connected to ${o.address ?? o.host}:${o.port} in ${ms}`, values);
    }
    case 'tls':
      return judgeTls(o, options);
    case 'http': {
      const values = { url: o.url, ...(o.status === undefined ? {} : { status: o.status }), redirects: o.redirects, proxy: o.proxy ? displayProxy(o.proxy) : 'none', duration_ms: Math.round(o.durationMs) };
      const via = o.proxy ? ` via proxy ${displayProxy(o.proxy)}` : '';
      const timeout = timedFailure('http', o, `GET ${o.url}${via}`, 'our service did not answer in time', values, timeoutMs);
      if (timeout) return timeout;
      if (o.status === undefined) {
        const f = connectionFailure(o.error?.code);
        return fail(`http/${f.failure}`, errorText(o), `GET ${o.url}${via}: ${errorText(o)}`, f.customer, values);
      }
      const pattern = expect.status ?? DEFAULT_HTTP_STATUS;
      const redirects = o.redirects.length > 0 ? ` after ${o.redirects.length} redirect${o.redirects.length === 1 ? '' : 's'}` : '';
      const observed = `HTTP ${o.status}${redirects}${via} in ${ms}`;
      if (!safeTest(pattern, String(o.status))) {
        return fail(
          o.status >= 500 ? 'http/server-error' : 'http/status',
          observed,
          `GET ${o.url}${via} answered ${o.status}${redirects}, expected a status matching ${pattern}`,
          o.status >= 500 ? 'our service answered with an error' : 'our service answered, but not with the page it should',
          values,
        );
      }
      return pass(observed, values);
    }
    case 'clock': {
      const values: Record<string, string | number> = { url: o.url, local_time: o.localTime, ...(o.serverDate ? { server_date: o.serverDate } : {}), duration_ms: Math.round(o.durationMs) };
      const timeout = timedFailure('clock', o, `Clock check against ${o.url}`, 'we could not compare the computer clock with ours', values, timeoutMs);
      if (timeout) return timeout;
      const server = o.serverDate ? Date.parse(o.serverDate) : Number.NaN;
      if (Number.isNaN(server)) {
        return fail('clock/no-date', o.error ? errorText(o) : 'no Date header', `Clock check against ${o.url}: ${o.error ? errorText(o) : 'the answer had no usable Date header'}`, 'we could not compare the computer clock with ours', values);
      }
      // The Date header has one-second resolution and was stamped mid-request.
      const skew = Math.round((Date.parse(o.localTime) - o.durationMs / 2 - server) / 1000);
      values.skew_seconds = skew;
      const max = expect.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
      const observed = skew === 0 ? 'in step with the server' : `${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} the server`;
      if (Math.abs(skew) > max) {
        return fail('clock/skew', observed, `Local clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} ${new URL(o.url).host} (Date: ${o.serverDate}); more than ${max} s breaks TLS and sign-in codes`, `the computer's clock is ${describeDuration(Math.abs(skew))} ${skew > 0 ? 'fast' : 'slow'}`, values);
      }
      return pass(observed, values);
    }
    case 'proxy': {
      const { choice } = o;
      const values: Record<string, string | boolean | number> = { url: o.url, proxy: choice.proxy ? displayProxy(choice.proxy) : 'none', ...(choice.variable ? { variable: choice.variable } : {}), ...(choice.bypassedBy ? { no_proxy: choice.bypassedBy } : {}) };
      if (!choice.proxy) return pass(choice.bypassedBy ? `none (NO_PROXY ${choice.bypassedBy})` : 'none', values);
      values.reachable = o.reachable === true;
      const name = `${displayProxy(choice.proxy)} (${choice.variable})`;
      const timeout = timedFailure('proxy', o, `Proxy ${name}`, 'the proxy server this computer is set to use did not answer', values, timeoutMs);
      if (timeout) return timeout;
      if (!o.reachable) {
        const f = connectionFailure(o.error?.code);
        return fail(`proxy/${f.failure === 'error' ? 'unreachable' : f.failure}`, `${name}: ${f.words}`, `Proxy ${name} for ${o.url}: ${f.words} (${errorText(o)})`, 'the proxy server this computer is set to use is not answering', values);
      }
      return pass(`${name}, reachable`, values);
    }
    case 'disk': {
      const min = parseSize(expect.minFree ?? DEFAULT_MIN_FREE) ?? 0;
      const values: Record<string, string | number> = { path: o.path, min_free_bytes: min, ...(o.freeBytes === undefined ? {} : { free_bytes: o.freeBytes }), ...(o.totalBytes === undefined ? {} : { total_bytes: o.totalBytes }) };
      const timeout = timedFailure('disk', o, `Free space of ${o.path}`, 'we could not read how much disk space is free', values, timeoutMs);
      if (timeout) return timeout;
      if (o.freeBytes === undefined) return fail('disk/unreadable', errorText(o), `Free space of ${o.path}: ${errorText(o)}`, 'we could not read how much disk space is free', values);
      const observed = `${formatBytes(o.freeBytes)} free${o.totalBytes ? ` of ${formatBytes(o.totalBytes)}` : ''}`;
      if (o.freeBytes < min) return fail('disk/low', observed, `${o.path}: ${observed}, less than the ${formatBytes(min)} needed`, 'the computer is almost out of disk space', values);
      return pass(observed, values);
    }
    case 'version': {
      const found = readProductVersion(o.value);
      const minimums = parseMinimums(options.config['support.minimums'] ?? expect.minimums ?? '');
      const values: Record<string, string> = { value: o.value };
      if (!found) return fail('version/unreadable', o.value || 'nothing', `Could not read a product and version from ${JSON.stringify(o.value)}`, 'we could not tell which version is in use', values);
      values.product = found.product;
      values.version = found.version;
      const minimum = minimums.get(found.product);
      if (minimum === undefined) {
        return fail('version/unsupported-product', `${found.name} ${found.version}`, `No supported minimum is set for ${found.name} (have: ${[...minimums.keys()].join(', ') || 'none'}; set them with \`triage config set support.minimums\`)`, `${found.name} is not one we support`, values);
      }
      values.minimum = minimum;
      if (compareVersions(found.version, minimum) < 0) {
        return fail('version/too-old', `${found.name} ${found.version} (minimum ${minimum})`, `${found.name} ${found.version} is older than the supported minimum ${minimum}`, `this version of ${found.name} is older than we support`, values);
      }
      return pass(`${found.name} ${found.version} (minimum ${minimum})`, values);
    }
  }
}

function judgeTls(o: Extract<ProbeObservation, { probe: 'tls' }>, options: JudgeOptions): ProbeVerdict {
  const { now, timeoutMs, expect, config } = options;
  const where = `${o.host}:${o.port}`;
  const validTo = o.validTo ? Date.parse(o.validTo) : Number.NaN;
  // Whole days, towards zero: 19.9 days left is 19, expired 3.2 days ago is -3; `expired` decides.
  const daysLeft = Number.isNaN(validTo) ? undefined : Math.trunc((validTo - now.getTime()) / DAY_MS) || 0;
  const expired = !Number.isNaN(validTo) && validTo < now.getTime();
  const values: Record<string, string | number | boolean> = {
    host: o.host,
    port: o.port,
    ...(o.protocol ? { protocol: o.protocol } : {}),
    ...(o.subject ? { subject: o.subject } : {}),
    ...(o.altNames ? { alt_names: o.altNames } : {}),
    ...(o.issuer ? { issuer: o.issuer } : {}),
    ...(o.validTo ? { valid_to: new Date(validTo).toISOString() } : {}),
    ...(daysLeft === undefined ? {} : { days_left: daysLeft }),
    ...(o.hostnameMatch === undefined ? {} : { hostname_match: o.hostnameMatch }),
    trusted: o.handshake && o.trustError === undefined,
    ...(o.trustError ? { trust_error: o.trustError } : {}),
    duration_ms: Math.round(o.durationMs),
  };
  if (o.plain) return pass(`not used (an http:// address)`, { host: o.host, port: o.port, tls: false });
  const timeout = timedFailure('tls', o, `TLS handshake with ${where}`, 'the secure connection to our service could not be set up', values, timeoutMs);
  if (timeout) return timeout;
  if (!o.handshake) {
    const f = connectionFailure(o.error?.code);
    const words = f.failure === 'error' ? errorText(o) : f.words;
    return fail(`tls/${f.failure === 'error' ? 'handshake' : f.failure}`, words, `TLS handshake with ${where} failed: ${errorText(o)}`, 'the secure connection to our service could not be set up', values);
  }
  const expectedIssuer = config['service.tls_issuer'] ?? expect.issuer;
  const require = new Set<TlsRequirement>(expect.require ?? ['not-expired', 'hostname', 'chain', ...(expectedIssuer ? (['issuer'] as const) : [])]);
  const minDays = expect.minDays ?? 0;
  const ago = daysLeft === undefined ? '' : daysLeft === 0 ? 'today' : `${-daysLeft} day${daysLeft === -1 ? '' : 's'} ago`;
  const observed = `${o.protocol ?? 'TLS'}, ${o.subject ?? 'no subject'} from ${o.issuer ?? 'unknown issuer'}${daysLeft === undefined ? '' : expired ? `, expired ${ago}` : `, ${daysLeft} days left`}`;
  if (require.has('not-expired') && daysLeft !== undefined && (expired || daysLeft < minDays)) {
    return fail(
      expired ? 'tls/expired' : 'tls/expiring',
      observed,
      expired
        ? `Certificate of ${where} (${o.subject}) expired on ${values.valid_to} (${ago})`
        : `Certificate of ${where} (${o.subject}) expires on ${values.valid_to}, in ${daysLeft} days (fewer than ${minDays})`,
      expired ? "our service's security certificate has expired" : "our service's security certificate expires soon",
      values,
    );
  }
  if (require.has('hostname') && o.hostnameMatch === false) {
    return fail('tls/wrong-host', observed, `Certificate of ${where} is for ${o.altNames || o.subject}, not ${o.host}`, "the security certificate presented does not belong to our service's address", values);
  }
  if (require.has('issuer') && expectedIssuer && !(o.issuer && safeTest(expectedIssuer, o.issuer))) {
    return fail('tls/intercepted', observed, `Certificate of ${where} is issued by ${o.issuer ?? 'an unknown issuer'}, not by ${expectedIssuer}: something between this machine and the service (a proxy, VPN or security software) is re-signing the connection`, 'something on your network (a proxy, VPN or security software) is stepping into the secure connection to our service', values);
  }
  const expiredTrust = o.trustError === 'CERT_HAS_EXPIRED';
  if (require.has('chain') && o.trustError !== undefined && !(expiredTrust && !require.has('not-expired'))) {
    return fail('tls/untrusted', observed, `Certificate chain of ${where} is not trusted (${o.trustError}); issuer ${o.issuer ?? 'unknown'}`, "the computer does not trust the security certificate it was shown for our service", values);
  }
  return pass(observed, values);
}

/** A playbook's or setting's pattern, case-insensitive, with the same time limit as every other pattern. */
function safeTest(pattern: string, text: string): boolean {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'i');
  } catch {
    return false;
  }
  return boundedRegexTest(re, text) === 'match';
}

function describeDuration(seconds: number): string {
  if (seconds >= 7200) return `${Math.round(seconds / 3600)} hours`;
  if (seconds >= 120) return `${Math.round(seconds / 60)} minutes`;
  return `${seconds} seconds`;
}

/**
 * A verdict as a check's result. `stdout` (what a `capture` stores) is the observed value when the
 * probe passed and the engineer words when it failed, so a report can quote it; `error` is those words too.
 */
export function verdictToCheckFields(verdict: ProbeVerdict): { passed: boolean; exitCode: number; stdout: string; stderr: string; error?: string } {
  return { passed: verdict.passed, exitCode: verdict.passed ? 0 : 1, stdout: verdict.passed ? verdict.observed : verdict.detail, stderr: '', ...(verdict.passed ? {} : { error: verdict.detail }) };
}

/**
 * The sockets behind built-in probes (src/core/probe-checks.ts decides what the results mean).
 * Everything here is read-only and spawns nothing: a DNS query, a TCP connect, a TLS handshake, an
 * HTTP GET (following redirects, through the proxy the environment names), a statfs. Each probe has
 * one deadline; whatever happens, it resolves with an observation and never throws.
 */
import * as dns from 'node:dns';
import { statfs } from 'node:fs/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, connect as netConnect, type LookupFunction, type Socket } from 'node:net';
import { homedir } from 'node:os';
import * as tls from 'node:tls';
import { parseEndpoint, proxyFor, type ProbeName, type ProbeObservation } from '../core/probe-checks.js';

export interface NetworkProbeOptions {
  readonly timeoutMs: number;
  /** The environment proxies are read from (HTTPS_PROXY, HTTP_PROXY, NO_PROXY). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `host[:port]` of the DNS server to ask instead of the system resolver (also used to connect). */
  readonly dnsServer?: string;
  /** Extra trusted certificates (PEM), besides Node's and NODE_EXTRA_CA_CERTS. */
  readonly ca?: string | readonly string[];
  readonly now?: () => Date;
}

type ErrorInfo = { readonly code?: string; readonly message: string };

function errorInfo(error: unknown): ErrorInfo {
  const e = error as NodeJS.ErrnoException;
  const message = e?.message ?? String(error);
  // OpenSSL's `…:SSL routines:ssl3_get_record:wrong version number:../deps/…` → `wrong version number`.
  const reason = /SSL routines:[^:]*:([^:]+):/.exec(message)?.[1];
  return { ...(typeof e?.code === 'string' ? { code: e.code } : {}), message: reason ?? message.trim() };
}

function elapsed(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Outermost first: a TLS socket before the tunnel it runs over. Destroying the tunnel under a live
 * TLS socket crashes Node 20 (a segfault), so the inner ones are left to go with it.
 */
function destroyAll(sockets: readonly Socket[]): void {
  for (const socket of [...sockets].reverse()) if (!socket.destroyed) socket.destroy();
}

class Deadline extends Error {
  constructor() {
    super('timed out');
  }
}

/** Resolves with `work`'s value, or rejects with Deadline after `ms`; `onTimeout` cleans up. */
function withDeadline<T>(ms: number, work: Promise<T>, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Deadline());
    }, ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function resolverFor(server: string, timeoutMs: number): dns.promises.Resolver {
  const resolver = new dns.promises.Resolver({ timeout: Math.max(100, Math.min(timeoutMs, 5000)), tries: 1 });
  resolver.setServers([server]);
  return resolver;
}

async function resolveWith(resolver: dns.promises.Resolver, host: string): Promise<{ address: string; family: 4 | 6 }[]> {
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const addresses = [
    ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
    ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
  ];
  if (addresses.length === 0 && v4.status === 'rejected') {
    const both = [v4, v6].map((r) => (r.status === 'rejected' ? (r.reason as NodeJS.ErrnoException).code : undefined));
    // A name that exists only in one family answers ENODATA for the other: report the real problem.
    throw both.includes('ENOTFOUND') ? Object.assign(new Error(`${host} does not exist (NXDOMAIN)`), { code: 'ENOTFOUND' }) : v4.reason;
  }
  return addresses;
}

/** A `lookup` for sockets that asks `dnsServer` instead of the system resolver. */
function lookupVia(dnsServer: string | undefined, timeoutMs: number): LookupFunction | undefined {
  if (!dnsServer) return undefined;
  const resolver = resolverFor(dnsServer, timeoutMs);
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    resolveWith(resolver, hostname).then(
      (addresses) => {
        const first = addresses[0];
        if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }));
        if (options?.all) return callback(null, addresses);
        return callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error),
    );
  }) as LookupFunction;
}

export async function probeDns(target: string, options: NetworkProbeOptions): Promise<ProbeObservation> {
  const start = process.hrtime.bigint();
  const host = parseEndpoint(target)?.host ?? target;
  const resolver = options.dnsServer ?? `system resolver (${dns.getServers().join(', ') || 'hosts file'})`;
  if (isIP(host)) return { probe: 'dns', host, resolver: 'nothing (an IP address)', addresses: [{ address: host, family: isIP(host) as 4 | 6 }], durationMs: elapsed(start) };
  try {
    const addresses = await withDeadline(
      options.timeoutMs,
      options.dnsServer
        ? resolveWith(resolverFor(options.dnsServer, options.timeoutMs), host)
        : dns.promises.lookup(host, { all: true }).then((list) => list.map((a) => ({ address: a.address, family: a.family as 4 | 6 }))),
    );
    return { probe: 'dns', host, resolver, addresses, durationMs: elapsed(start) };
  } catch (error) {
    if (error instanceof Deadline) return { probe: 'dns', host, resolver, addresses: [], timedOut: true, durationMs: elapsed(start) };
    return { probe: 'dns', host, resolver, addresses: [], error: errorInfo(error), durationMs: elapsed(start) };
  }
}

export async function probeTcp(target: string, options: NetworkProbeOptions): Promise<ProbeObservation> {
  const start = process.hrtime.bigint();
  const endpoint = parseEndpoint(target);
  if (!endpoint) return { probe: 'tcp', host: target, port: 0, connected: false, error: { code: 'EINVAL', message: `not a host, host:port or URL: ${target}` }, durationMs: 0 };
  const { host, port } = endpoint;
  let socket: Socket | undefined;
  try {
    const address = await withDeadline(
      options.timeoutMs,
      new Promise<string | undefined>((resolve, reject) => {
        socket = netConnect({ host, port, ...lookupOption(options) });
        socket.once('connect', () => resolve(socket?.remoteAddress));
        socket.once('error', reject);
      }),
      () => socket?.destroy(),
    );
    return { probe: 'tcp', host, port, ...(address ? { address } : {}), connected: true, durationMs: elapsed(start) };
  } catch (error) {
    if (error instanceof Deadline) return { probe: 'tcp', host, port, connected: false, timedOut: true, durationMs: elapsed(start) };
    return { probe: 'tcp', host, port, connected: false, error: errorInfo(error), durationMs: elapsed(start) };
  } finally {
    socket?.destroy();
  }
}

function lookupOption(options: NetworkProbeOptions): { lookup?: LookupFunction } {
  const lookup = lookupVia(options.dnsServer, options.timeoutMs);
  return lookup ? { lookup } : {};
}

function caOption(options: NetworkProbeOptions): { ca?: string[] } {
  if (options.ca === undefined) return {};
  // Adding a CA must not drop the usual roots (and NODE_EXTRA_CA_CERTS).
  return { ca: [...tls.rootCertificates, ...(typeof options.ca === 'string' ? [options.ca] : options.ca)] };
}

function dn(part: tls.Certificate | undefined): string | undefined {
  if (!part) return undefined;
  const fields = [part.CN, part.O].filter((v): v is string => typeof v === 'string' && v !== '');
  return fields.length > 0 ? [...new Set(fields)].join(', ') : undefined;
}

/** A raw socket to `host:port`, through an HTTP CONNECT proxy when one is given. */
function openTunnel(host: string, port: number, proxy: string | undefined, options: NetworkProbeOptions, track: (s: Socket) => void): Promise<Socket> {
  if (!proxy) {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host, port, ...lookupOption(options) });
      track(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
    });
  }
  const proxyUrl = new URL(proxy);
  const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    const auth = proxyUrl.username ? { 'Proxy-Authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxyUrl.username)}:${decodeURIComponent(proxyUrl.password)}`).toString('base64')}` } : {};
    const request = http.request({ host: proxyUrl.hostname, port: Number(proxyUrl.port || 80), method: 'CONNECT', path: authority, headers: { Host: authority, ...auth }, ...lookupOption(options) });
    request.once('socket', track);
    request.once('connect', (response, socket) => {
      if (response.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(Object.assign(new Error(`the proxy ${proxyUrl.host} answered CONNECT with ${response.statusCode}`), { code: 'EPROXY' }));
      }
    });
    request.once('error', reject);
    request.end();
  });
}

export async function probeTls(target: string, options: NetworkProbeOptions): Promise<ProbeObservation> {
  const start = process.hrtime.bigint();
  const endpoint = parseEndpoint(target);
  if (!endpoint) return { probe: 'tls', host: target, port: 0, handshake: false, error: { code: 'EINVAL', message: `not a host, host:port or URL: ${target}` }, durationMs: 0 };
  const { host, port } = endpoint;
  if (endpoint.url.startsWith('http:')) return { probe: 'tls', host, port, handshake: false, plain: true, durationMs: 0 };
  const sockets: Socket[] = [];
  const track = (s: Socket): void => void sockets.push(s);
  try {
    const seen = await withDeadline(
      options.timeoutMs,
      (async () => {
        const proxy = proxyFor(`https://${isIP(host) === 6 ? `[${host}]` : host}:${port}/`, options.env).proxy;
        const raw = proxy ? await openTunnel(host, port, proxy, options, track) : undefined;
        return new Promise<tls.TLSSocket>((resolve, reject) => {
          const socket = tls.connect({
            ...(raw ? { socket: raw } : { host, port, ...lookupOption(options) }),
            ...(isIP(host) ? {} : { servername: host }),
            // Look, don't judge here: trust and hostname are reported, not enforced.
            rejectUnauthorized: false,
            checkServerIdentity: () => undefined,
            ...caOption(options),
          });
          track(socket);
          socket.once('secureConnect', () => resolve(socket));
          socket.once('error', reject);
        });
      })(),
      () => destroyAll(sockets),
    );
    const cert = seen.getPeerCertificate();
    const hasCert = cert && Object.keys(cert).length > 0;
    return {
      probe: 'tls',
      host,
      port,
      handshake: true,
      protocol: seen.getProtocol() ?? undefined,
      ...(hasCert
        ? {
            subject: dn(cert.subject),
            ...(cert.subjectaltname ? { altNames: cert.subjectaltname } : {}),
            issuer: dn(cert.issuer),
            validFrom: cert.valid_from,
            validTo: cert.valid_to,
            hostnameMatch: tls.checkServerIdentity(host, cert) === undefined,
          }
        : {}),
      ...(seen.authorized ? {} : { trustError: String(seen.authorizationError ?? 'UNKNOWN') }),
      durationMs: elapsed(start),
    };
  } catch (error) {
    if (error instanceof Deadline) return { probe: 'tls', host, port, handshake: false, timedOut: true, durationMs: elapsed(start) };
    return { probe: 'tls', host, port, handshake: false, error: errorInfo(error), durationMs: elapsed(start) };
  } finally {
    destroyAll(sockets);
  }
}

interface HttpAnswer {
  readonly status: number;
  readonly location?: string;
  readonly date?: string;
  /** When the headers arrived. */
  readonly at: Date;
}

/** One GET, through `proxy` when given; the body is read and dropped. */
function getOnce(url: URL, proxy: string | undefined, options: NetworkProbeOptions, track: (s: Socket) => void, method = 'GET'): Promise<HttpAnswer> {
  const now = options.now ?? (() => new Date());
  const headers = { 'User-Agent': 'triage-probe', Accept: '*/*', Connection: 'close' };
  const onResponse = (resolve: (a: HttpAnswer) => void) => (response: http.IncomingMessage) => {
    const at = now();
    response.resume();
    const location = response.headers.location;
    const date = response.headers.date;
    resolve({ status: response.statusCode ?? 0, ...(location ? { location } : {}), ...(date ? { date } : {}), at });
  };
  return new Promise((resolve, reject) => {
    let request: http.ClientRequest;
    if (url.protocol === 'https:') {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const port = Number(url.port || 443);
      const requestOptions: https.RequestOptions = { method, headers, rejectUnauthorized: false, checkServerIdentity: () => undefined, ...caOption(options) };
      if (proxy) {
        openTunnel(host, port, proxy, options, track).then((raw) => {
          const secure = tls.connect({ socket: raw, ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: false, checkServerIdentity: () => undefined, ...caOption(options) });
          track(secure);
          request = https.request(url, { ...requestOptions, createConnection: () => secure }, onResponse(resolve));
          request.once('error', reject);
          request.end();
        }, reject);
        return;
      }
      request = https.request(url, { ...requestOptions, agent: false, ...lookupOption(options) }, onResponse(resolve));
    } else if (proxy) {
      const proxyUrl = new URL(proxy);
      request = http.request({ host: proxyUrl.hostname, port: Number(proxyUrl.port || 80), method, path: url.href, headers: { ...headers, Host: url.host }, agent: false, ...lookupOption(options) }, onResponse(resolve));
    } else {
      request = http.request(url, { method, headers, agent: false, ...lookupOption(options) }, onResponse(resolve));
    }
    request.once('socket', track);
    request.once('error', reject);
    request.end();
  });
}

const MAX_REDIRECTS = 5;

export async function probeHttp(target: string, options: NetworkProbeOptions): Promise<ProbeObservation> {
  const start = process.hrtime.bigint();
  const endpoint = parseEndpoint(target);
  if (!endpoint) return { probe: 'http', url: target, redirects: [], error: { code: 'EINVAL', message: `not a URL: ${target}` }, durationMs: 0 };
  const sockets: Socket[] = [];
  const track = (s: Socket): void => void sockets.push(s);
  const redirects: string[] = [];
  let url = new URL(endpoint.url);
  let proxy = proxyFor(url.href, options.env).proxy;
  try {
    const answer = await withDeadline(
      options.timeoutMs,
      (async () => {
        for (;;) {
          const got = await getOnce(url, proxy, options, track);
          if (![301, 302, 303, 307, 308].includes(got.status) || !got.location || redirects.length >= MAX_REDIRECTS) return got;
          url = new URL(got.location, url);
          redirects.push(`${got.status} → ${url.href}`);
          proxy = proxyFor(url.href, options.env).proxy;
        }
      })(),
      () => destroyAll(sockets),
    );
    return { probe: 'http', url: endpoint.url, status: answer.status, redirects, ...(proxy ? { proxy } : {}), ...(answer.date ? { date: answer.date } : {}), durationMs: elapsed(start) };
  } catch (error) {
    const base = { probe: 'http' as const, url: endpoint.url, redirects, ...(proxy ? { proxy } : {}), durationMs: elapsed(start) };
    return error instanceof Deadline ? { ...base, timedOut: true } : { ...base, error: errorInfo(error) };
  } finally {
    destroyAll(sockets);
  }
}

export async function probeClock(target: string, options: NetworkProbeOptions): Promise<ProbeObservation> {
  const now = options.now ?? (() => new Date());
  const start = process.hrtime.bigint();
  const endpoint = parseEndpoint(target);
  if (!endpoint) return { probe: 'clock', url: target, localTime: now().toISOString(), error: { code: 'EINVAL', message: `not a URL: ${target}` }, durationMs: 0 };
  const sockets: Socket[] = [];
  const url = new URL(endpoint.url);
  const proxy = proxyFor(url.href, options.env).proxy;
  try {
    const answer = await withDeadline(options.timeoutMs, getOnce(url, proxy, options, (s) => void sockets.push(s), 'HEAD'), () => destroyAll(sockets));
    return { probe: 'clock', url: url.href, localTime: answer.at.toISOString(), ...(answer.date ? { serverDate: answer.date } : {}), ...(proxy ? { proxy } : {}), durationMs: elapsed(start) };
  } catch (error) {
    const base = { probe: 'clock' as const, url: url.href, localTime: now().toISOString(), durationMs: elapsed(start) };
    return error instanceof Deadline ? { ...base, timedOut: true } : { ...base, error: errorInfo(error) };
  } finally {
    destroyAll(sockets);
  }
}

export async function probeProxy(target: string, options: NetworkProbeOptions): Promise<ProbeObservation> {
  const start = process.hrtime.bigint();
  const url = parseEndpoint(target)?.url ?? target;
  const choice = proxyFor(url, options.env);
  if (!choice.proxy) return { probe: 'proxy', url, choice, durationMs: elapsed(start) };
  let proxyUrl: URL;
  try {
    proxyUrl = new URL(choice.proxy);
  } catch {
    return { probe: 'proxy', url, choice, reachable: false, error: { code: 'EINVAL', message: `${choice.variable} is not a URL` }, durationMs: elapsed(start) };
  }
  const tcp = await probeTcp(`${proxyUrl.hostname.includes(':') ? `[${proxyUrl.hostname.replace(/^\[|\]$/g, '')}]` : proxyUrl.hostname}:${proxyUrl.port || 80}`, options);
  const reached = tcp.probe === 'tcp' && tcp.connected;
  return { probe: 'proxy', url, choice, reachable: reached, ...(tcp.timedOut ? { timedOut: true } : {}), ...(tcp.error ? { error: tcp.error } : {}), durationMs: elapsed(start) };
}

export async function probeDisk(target: string, options: Pick<NetworkProbeOptions, 'timeoutMs'>): Promise<ProbeObservation> {
  const start = process.hrtime.bigint();
  const path = target.trim() === '' || target.trim() === '~' ? homedir() : target.replace(/^~(?=[/\\])/, homedir());
  try {
    // A hung network mount can block statfs: the deadline still ends the probe.
    const stats = await withDeadline(options.timeoutMs, statfs(path));
    return { probe: 'disk', path, freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize, durationMs: elapsed(start) };
  } catch (error) {
    if (error instanceof Deadline) return { probe: 'disk', path, timedOut: true, durationMs: elapsed(start) };
    return { probe: 'disk', path, error: errorInfo(error), durationMs: elapsed(start) };
  }
}

/** Runs one built-in probe. Never rejects. */
export async function observeProbe(name: ProbeName, target: string, options: NetworkProbeOptions): Promise<ProbeObservation> {
  switch (name) {
    case 'dns':
      return probeDns(target, options);
    case 'tcp':
      return probeTcp(target, options);
    case 'tls':
      return probeTls(target, options);
    case 'http':
      return probeHttp(target, options);
    case 'clock':
      return probeClock(target, options);
    case 'proxy':
      return probeProxy(target, options);
    case 'disk':
      return probeDisk(target, options);
    case 'version': {
      // A pasted User-Agent stands for its browser.
      const { looksLikeUserAgent, parseUserAgent } = await import('../core/user-agent.js');
      return { probe: 'version', value: looksLikeUserAgent(target) ? parseUserAgent(target).browser : target, durationMs: 0 };
    }
  }
}

/**
 * Real servers on free loopback ports for the network probe tests: HTTPS with certificates from
 * a throwaway CA made with openssl at test time (valid, expired, for another host, re-signed by an
 * "inspection" CA), a port that refuses, one that never completes a connection, a TLS port that
 * never answers, an HTTP CONNECT proxy (optionally intercepting), and a DNS responder over UDP.
 * Nothing here talks to anything but 127.0.0.1.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedCacheUnlessOwn } from './cli.js';

export interface Pem {
  readonly key: string;
  readonly cert: string;
}

export interface TestPki {
  readonly dir: string;
  /** The CA that signs the service's certificates (its PEM file is `caFile`). */
  readonly ca: Pem;
  readonly caFile: string;
  readonly valid: Pem;
  readonly expired: Pem;
  readonly wrongHost: Pem;
  /** A certificate for 127.0.0.1 from a CA nobody trusts, as security software makes. */
  readonly intercepted: Pem;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string, cn: string): void {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
  openssl(['req', '-x509', '-new', '-key', `${name}.key`, '-sha256', '-days', '30', '-subj', `/CN=${cn}/O=${cn}`, '-out', `${name}.pem`], dir);
}

/**
 * A leaf certificate signed by `caName` with `openssl ca` (OpenSSL 3.0's `x509 -req` cannot set
 * dates in the past), valid from `start` to `end` (`YYYYMMDDHHMMSSZ`), for the given SAN.
 */
function makeLeaf(dir: string, caName: string, name: string, cn: string, san: string, start: string, end: string): Pem {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`], dir);
  const caDir = join(dir, `${caName}-db`);
  mkdirSync(caDir, { recursive: true });
  writeFileSync(join(caDir, 'index.txt'), '', { flag: 'a' });
  const conf = [
    '[ca]',
    'default_ca = test',
    '[test]',
    `dir = ${caDir}`,
    'database = $dir/index.txt',
    'new_certs_dir = $dir',
    `certificate = ${join(dir, `${caName}.pem`)}`,
    `private_key = ${join(dir, `${caName}.key`)}`,
    'rand_serial = yes',
    'default_md = sha256',
    'policy = anything',
    'unique_subject = no',
    'copy_extensions = none',
    'x509_extensions = leaf',
    '[anything]',
    'commonName = supplied',
    '[leaf]',
    'basicConstraints = CA:FALSE',
    'keyUsage = digitalSignature',
    'extendedKeyUsage = serverAuth',
    `subjectAltName = ${san}`,
  ].join('\n');
  writeFileSync(join(dir, `${name}.cnf`), conf);
  openssl(['ca', '-batch', '-notext', '-config', `${name}.cnf`, '-in', `${name}.csr`, '-out', `${name}.pem`, '-startdate', start, '-enddate', end], dir);
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.pem`), 'utf8') };
}

function stamp(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'triage-pki-'));
  makeCa(dir, 'ca', 'Triage Test CA');
  makeCa(dir, 'inspect', 'Corporate Inspection CA');
  const day = 86_400_000;
  const now = Date.now();
  const loopback = 'IP:127.0.0.1, DNS:localhost';
  const valid = makeLeaf(dir, 'ca', 'valid', 'localhost', loopback, stamp(new Date(now - day)), stamp(new Date(now + 20 * day)));
  const expired = makeLeaf(dir, 'ca', 'expired', 'localhost', loopback, stamp(new Date(now - 10 * day)), stamp(new Date(now - 3 * day)));
  const wrongHost = makeLeaf(dir, 'ca', 'wrong', 'wrong.example', 'DNS:wrong.example', stamp(new Date(now - day)), stamp(new Date(now + 20 * day)));
  const intercepted = makeLeaf(dir, 'inspect', 'intercepted', 'localhost', loopback, stamp(new Date(now - day)), stamp(new Date(now + 20 * day)));
  const ca = { key: readFileSync(join(dir, 'ca.key'), 'utf8'), cert: readFileSync(join(dir, 'ca.pem'), 'utf8') };
  return { dir, ca, caFile: join(dir, 'ca.pem'), valid, expired, wrongHost, intercepted };
}

export interface Running {
  readonly port: number;
  close(): Promise<void>;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function trackSockets(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

/** Answers every request: `/redirect` → 302 to `/health`, `/broken` → 503, else 200. `dateOffsetMs` skews its Date header. */
function handler(options: { dateOffsetMs?: number }): http.RequestListener {
  return (request, response) => {
    response.sendDate = false;
    response.setHeader('Date', new Date(Date.now() + (options.dateOffsetMs ?? 0)).toUTCString());
    if (request.url === '/redirect') {
      response.writeHead(302, { Location: '/health' }).end();
    } else if (request.url === '/broken') {
      response.writeHead(503).end('unavailable');
    } else response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
  };
}

export async function startHttps(pem: Pem, options: { dateOffsetMs?: number } = {}): Promise<Running> {
  const server = https.createServer({ key: pem.key, cert: pem.cert }, handler(options));
  const sockets = trackSockets(server);
  return { port: await listen(server), close: closer(server, sockets) };
}

export async function startHttp(options: { dateOffsetMs?: number } = {}): Promise<Running> {
  const server = http.createServer(handler(options));
  const sockets = trackSockets(server);
  return { port: await listen(server), close: closer(server, sockets) };
}

/** A port nothing listens on: connecting is refused at once. */
export async function refusingPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Accepts connections and never says a word: TLS handshakes and HTTP requests wait forever. */
export async function startSilent(): Promise<Running> {
  const server = net.createServer(() => undefined);
  const sockets = trackSockets(server);
  return { port: await listen(server), close: closer(server, sockets) };
}

/**
 * A port whose connections never complete: a listener with a backlog of 0 that never accepts,
 * its queue filled by one held connection, so the kernel drops further SYNs. Node always accepts,
 * so the listener is a small python3 process.
 */
export async function startBlackhole(): Promise<Running> {
  const child: ChildProcess = spawn('python3', ['-c', 'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
  });
  const filler = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => filler.once('connect', () => resolve()));
  return {
    port,
    close: async () => {
      filler.destroy();
      child.stdin!.end();
      child.kill();
    },
  };
}

/**
 * An HTTP proxy: CONNECT tunnels to 127.0.0.1 only, plain requests forwarded. With `intercept`,
 * CONNECT is answered by the proxy itself with that certificate (as TLS-inspecting security
 * software does) and requests inside are answered 200. Records what it was asked for.
 */
export async function startProxy(options: { intercept?: Pem } = {}): Promise<Running & { readonly requests: string[] }> {
  const requests: string[] = [];
  const interceptor = options.intercept ? await startHttps(options.intercept) : undefined;
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const target = new URL(request.url ?? '/');
    if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') return void response.writeHead(403).end();
    const upstream = http.request({ host: '127.0.0.1', port: target.port, path: target.pathname, method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.writeHead(502).end());
    request.pipe(upstream);
  });
  server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    requests.push(`CONNECT ${request.url}`);
    const [host, port] = (request.url ?? '').split(':');
    if (host !== '127.0.0.1' && host !== 'localhost') return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    // Intercepting: every tunnel ends at the proxy's own HTTPS server, whatever was asked for.
    const upstream = net.connect(interceptor ? interceptor.port : Number(port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const sockets = trackSockets(server);
  const close = closer(server, sockets);
  return {
    port: await listen(server),
    requests,
    close: async () => {
      await close();
      await interceptor?.close();
    },
  };
}

/**
 * A DNS server over UDP on 127.0.0.1: answers A queries for the names in `records`, NXDOMAIN for
 * any other name, and an empty answer for other types of a known name.
 */
export async function startDns(records: Readonly<Record<string, string>>): Promise<Running & { readonly queries: string[] }> {
  const socket = dgram.createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (message, remote) => {
    if (message.length < 12) return;
    let offset = 12;
    const labels: string[] = [];
    while (offset < message.length && message[offset] !== 0) {
      const length = message[offset]!;
      labels.push(message.subarray(offset + 1, offset + 1 + length).toString('ascii'));
      offset += length + 1;
    }
    const questionEnd = offset + 5;
    const name = labels.join('.').toLowerCase();
    const type = message.readUInt16BE(offset + 1);
    queries.push(`${name} ${type === 1 ? 'A' : type === 28 ? 'AAAA' : type}`);
    const address = records[name];
    const header = Buffer.alloc(12);
    message.copy(header, 0, 0, 2);
    const answerA = address !== undefined && type === 1;
    // QR, RD copied, RA; RCODE 3 (NXDOMAIN) for unknown names.
    header.writeUInt16BE(0x8180 | (message.readUInt16BE(2) & 0x0100) | (address === undefined ? 3 : 0), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answerA ? 1 : 0, 6);
    const question = message.subarray(12, questionEnd);
    const parts = [header, question];
    if (answerA) {
      const answer = Buffer.alloc(16);
      answer.writeUInt16BE(0xc00c, 0);
      answer.writeUInt16BE(1, 2);
      answer.writeUInt16BE(1, 4);
      answer.writeUInt32BE(60, 6);
      answer.writeUInt16BE(4, 10);
      address.split('.').forEach((octet, i) => answer.writeUInt8(Number(octet), 12 + i));
      parts.push(answer);
    }
    socket.send(Buffer.concat(parts), remote.port, remote.address);
  });
  const port = await new Promise<number>((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
  return { port, queries, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

/** Runs the built binary without blocking this process (its servers must keep answering). */
export function triageAsync(args: readonly string[], env: Record<string, string>, options: { timeoutMs?: number; cwd?: string } = {}): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'triage.js'), ...args], { env, cwd: options.cwd ?? env.HOME, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** This process's environment without proxies or triage settings, plus an isolated home and the run's shared cache. */
export function cleanEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('TRIAGE_') || /^(https?|all|no)_proxy$/i.test(k) || k === 'NODE_EXTRA_CA_CERTS') continue;
    env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    ...sharedCacheUnlessOwn(extra),
    ...extra,
  };
}

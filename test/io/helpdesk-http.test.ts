/**
 * The helpdesk HTTP layer against real HTTP servers on loopback ports: retries and Retry-After,
 * timeouts, refused connections, each HTTP failure as its own error, and the token kept out of
 * every message.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT, TriageError } from '../../src/core/errors.js';
import { createHelpdeskHttp, parseHelpdeskUrl, retryAfterMs, type HelpdeskHttpOptions } from '../../src/io/helpdesk/http.js';
import { refusingPort, startSilent, type Running } from '../helpers/net-servers.js';

const TOKEN = 'token s3cr3t-T0KEN-value';

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: string;
  readonly at: number;
}

type Reply = (res: http.ServerResponse) => void;

/** Answers the n-th request with the n-th reply (the last one repeats) and records each request. */
async function scripted(replies: readonly Reply[]): Promise<{ port: number; requests: Recorded[]; close: () => Promise<void> }> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body, at: Date.now() });
      replies[Math.min(requests.length, replies.length) - 1]!(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const port = (server.address() as AddressInfo).port;
  return { port, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const servers: http.Server[] = [];
const running: Running[] = [];
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all([...servers.map((s) => new Promise((resolve) => s.close(resolve))), ...running.map((r) => r.close())]);
});

function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return (res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
}

function client(port: number, options: Partial<HelpdeskHttpOptions> = {}) {
  return createHelpdeskHttp({
    provider: 'rt',
    baseUrl: `http://127.0.0.1:${port}/rt/`,
    authorization: TOKEN,
    credentialSettings: ['helpdesk.rt.user', 'helpdesk.rt.token'],
    timeoutMs: 1000,
    retries: 2,
    backoffMs: 20,
    maxRetryAfterMs: 2000,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<TriageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TriageError);
  const triage = error as TriageError;
  const text = `${triage.message} ${triage.hint ?? ''}`;
  expect(text).not.toContain('s3cr3t');
  expect(text).toContain('Request Tracker');
  return triage;
}

describe('helpdesk http', () => {
  it('sends the authorization, query parameters and JSON body under the base path, and returns headers', async () => {
    const server = await scripted([json(201, ['Correspondence added'], { location: 'http://x/REST/2.0/transaction/77' })]);
    const response = await client(server.port).request<string[]>({ method: 'POST', path: '/REST/2.0/ticket/5/correspond', query: { fields: 'Type,Creator', page: 2, skip: undefined }, body: { Content: 'hi' } });
    expect(response.status).toBe(201);
    expect(response.body).toEqual(['Correspondence added']);
    expect(response.headers.get('location')).toBe('http://x/REST/2.0/transaction/77');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/rt/REST/2.0/ticket/5/correspond?fields=Type%2CCreator&page=2', authorization: TOKEN, body: '{"Content":"hi"}' });
  });

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    const server = await scripted([json(429, { message: 'slow down' }, { 'retry-after': '1' }), json(200, { id: 1 })]);
    const response = await client(server.port).request({ path: '/x' });
    expect(response.body).toEqual({ id: 1 });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('retries a 503 twice with growing backoff, then succeeds', async () => {
    const server = await scripted([json(503, {}), json(503, {}), json(200, { ok: true })]);
    const response = await client(server.port, { backoffMs: 100 }).request({ path: '/x' });
    expect(response.body).toEqual({ ok: true });
    const [first, second, third] = server.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(90);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(190);
  });

  it('gives up on a 503 after the retries with a server error', async () => {
    const server = await scripted([json(503, { message: 'maintenance' })]);
    const error = await failure(client(server.port).request({ path: '/x' }));
    expect(error.code).toBe('helpdesk/server-error');
    expect(error.message).toContain('maintenance');
    expect(error.exitCode).toBe(EXIT.checkFailed);
    expect(server.requests).toHaveLength(3);
  });

  it('fails a 503 at once, saying when to retry, when its Retry-After is beyond the cap', async () => {
    const server = await scripted([json(503, { message: 'maintenance' }, { 'retry-after': '300' })]);
    const error = await failure(client(server.port).request({ path: '/x' }));
    expect(error.code).toBe('helpdesk/server-error');
    expect(error.hint).toMatch(/try again after \d\d:\d\d:\d\d UTC \(in 5 min\)/);
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a POST after a 502: the reply may have been posted', async () => {
    const server = await scripted([json(502, {}), json(201, {})]);
    const error = await failure(client(server.port).request({ method: 'POST', path: '/x', body: {} }));
    expect(error.code).toBe('helpdesk/server-error');
    expect(server.requests).toHaveLength(1);
  });

  it('retries a GET whose connection was dropped, but not a POST: it may have been delivered', async () => {
    const drop: Reply = (res) => res.socket?.destroy();
    const forGet = await scripted([drop, json(200, { ok: true })]);
    expect((await client(forGet.port).request({ path: '/x' })).body).toEqual({ ok: true });
    expect(forGet.requests).toHaveLength(2);

    const forPost = await scripted([drop, json(201, {})]);
    const error = await failure(client(forPost.port).request({ method: 'POST', path: '/x', body: {} }));
    expect(error.code).toBe('helpdesk/unreachable');
    expect(error.message).toContain('closed before an answer');
    expect(forPost.requests).toHaveLength(1);
  });

  it('fails at once, saying when to retry, when Retry-After is beyond the cap', async () => {
    const server = await scripted([json(429, {}, { 'retry-after': '600' })]);
    const started = Date.now();
    const error = await failure(client(server.port).request({ path: '/x' }));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.code).toBe('helpdesk/rate-limited');
    expect(error.hint).toMatch(/Try again after \d\d:\d\d:\d\d UTC \(in 10 min\)/);
    expect(server.requests).toHaveLength(1);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 00:00:30 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('times out a server that never answers within the timeout', async () => {
    const silent = await startSilent();
    running.push(silent);
    const started = Date.now();
    const error = await failure(client(silent.port, { timeoutMs: 300, retries: 0 }).request({ path: '/x' }));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error.code).toBe('helpdesk/timeout');
    expect(error.message).toBe(`Request Tracker at 127.0.0.1:${silent.port} did not answer within 1 s.`);
    expect(error.hint).toContain('helpdesk.rt.url (TRIAGE_RT_URL)');
  });

  it('reports a closed port as unreachable after the retries', async () => {
    const port = await refusingPort();
    const started = Date.now();
    const error = await failure(client(port, { backoffMs: 50 }).request({ path: '/x' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(error.code).toBe('helpdesk/unreachable');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('refused');
    expect(error.hint).toContain('TRIAGE_RT_URL');
  });

  it('names the credential settings on a 401, never the token', async () => {
    const server = await scripted([json(401, { message: `Bad token ${TOKEN}` })]);
    const error = await failure(client(server.port).request({ path: '/x', subject: 'ticket rt:1' }));
    expect(error.code).toBe('helpdesk/unauthorized');
    expect(error.hint).toBe('Check helpdesk.rt.user (TRIAGE_RT_USER) and helpdesk.rt.token (TRIAGE_RT_TOKEN): `triage config set helpdesk.rt.token` stores a new one (the environment variable wins when it is set).');
    expect(server.requests).toHaveLength(1);
  });

  it('says what was forbidden on a 403', async () => {
    const server = await scripted([json(403, { message: 'Forbidden' })]);
    const error = await failure(client(server.port).request({ path: '/x', subject: 'ticket rt:9' }));
    expect(error.code).toBe('helpdesk/forbidden');
    expect(error.message).toContain('ticket rt:9');
  });

  it('says which ticket was not found on a 404', async () => {
    const server = await scripted([json(404, { message: 'Resource does not exist' })]);
    const error = await failure(client(server.port).request({ path: '/REST/2.0/ticket/123', subject: 'ticket rt:123' }));
    expect(error.code).toBe('helpdesk/not-found');
    expect(error.message).toBe(`Request Tracker at 127.0.0.1:${server.port}: ticket rt:123 was not found (404).`);
  });

  it('says the address has no API when a 404 is a web page, not a missing ticket', async () => {
    const server = await scripted([(res) => {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body>Not found</body></html>');
    }]);
    const error = await failure(client(server.port).request({ path: '/REST/2.0/ticket/123', query: { fields: 'Subject' }, subject: 'ticket rt:123' }));
    expect(error.code).toBe('helpdesk/no-api');
    expect(error.message).toBe(`Request Tracker at 127.0.0.1:${server.port} has no helpdesk API at /rt/REST/2.0/ticket/123 (404, a web page).`);
    expect(error.hint).toContain('helpdesk.rt.url (TRIAGE_RT_URL)');
  });

  it('names a port that fetch refuses to connect to, instead of "the request failed"', async () => {
    const error = await failure(createHelpdeskHttp({ provider: 'rt', baseUrl: 'http://127.0.0.1:6000', authorization: TOKEN, retries: 0 }).request({ path: '/x' }));
    expect(error.code).toBe('helpdesk/blocked-port');
    expect(error.message).toContain('never connects to that port');
    expect(error.hint).toContain('another port');
  });

  it("passes the server's own message on a 422, trimmed to one line", async () => {
    const long = 'x'.repeat(1000);
    const server = await scripted([json(422, { message: `Invalid value\n  for Status: ${TOKEN} ${long}` })]);
    const error = await failure(client(server.port).request({ method: 'PUT', path: '/x', subject: 'the update of ticket rt:4', body: {} }));
    expect(error.code).toBe('helpdesk/rejected');
    expect(error.message).toMatch(/^Request Tracker at 127\.0\.0\.1:\d+ rejected the update of ticket rt:4 \(422\): Invalid value for Status: … x+…\.$/);
    expect(error.message.length).toBeLessThan(450);
  });

  it('reads Zendesk and Freshdesk style validation errors', async () => {
    const server = await scripted([
      json(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { status: [{ description: 'Status: closed is not valid' }] } }),
      json(400, { description: 'Validation failed', errors: [{ field: 'status', message: 'It should be one of these values', code: 'invalid_value' }] }),
    ]);
    const http = client(server.port);
    expect((await failure(http.request({ path: '/x' }))).message).toContain('Record validation errors; RecordInvalid; Status: closed is not valid');
    expect((await failure(http.request({ path: '/x' }))).message).toContain('Validation failed; status: It should be one of these values');
  });

  it('does not follow a redirect silently', async () => {
    const server = await scripted([(res) => {
      res.writeHead(301, { location: 'https://rt.example.com/rt/x' });
      res.end();
    }]);
    const error = await failure(client(server.port).request({ path: '/x' }));
    expect(error.code).toBe('helpdesk/redirected');
    expect(error.message).toContain('https://rt.example.com/rt/x');
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a login page instead of JSON', async () => {
    const server = await scripted([(res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>Login</html>');
    }]);
    const error = await failure(client(server.port).request({ path: '/x' }));
    expect(error.code).toBe('helpdesk/bad-response');
    expect(error.message).toContain('text/html');
  });

  it('checks the base URL: http or https, no credentials in it', () => {
    for (const [url, pattern] of [
      ['not a url', /not a URL/],
      ['ftp://rt.example.com', /must start with https:\/\/ or http:\/\/, not ftp:/],
      ['https://root:hunter2@rt.example.com', /has a user name or password in it/],
      ['https://rt.example.com/rt/REST/2.0/', /ends in the API path \/REST\/2\.0; triage adds that itself/],
    ] as const) {
      let error: unknown;
      try {
        parseHelpdeskUrl('rt', url);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TriageError);
      expect((error as TriageError).code).toBe('helpdesk/bad-url');
      expect((error as TriageError).exitCode).toBe(EXIT.usage);
      expect((error as TriageError).message).toMatch(pattern);
      expect(`${(error as TriageError).message} ${(error as TriageError).hint}`).not.toContain('hunter2');
      expect((error as TriageError).hint).toContain('TRIAGE_RT_');
    }
    expect(parseHelpdeskUrl('zendesk', 'https://acme.zendesk.com/').host).toBe('acme.zendesk.com');
    expect(() => parseHelpdeskUrl('freshdesk', 'https://acme.freshdesk.com/api/v2')).toThrow(/ends in the API path/);
    const apiUrl = (() => {
      try {
        return parseHelpdeskUrl('rt', 'https://rt.example.com/rt/REST/2.0/');
      } catch (error) {
        return error as TriageError;
      }
    })();
    expect((apiUrl as TriageError).hint).toBe('Set helpdesk.rt.url (TRIAGE_RT_URL) to https://rt.example.com/rt, the address the helpdesk\'s web pages start with.');
  });
});

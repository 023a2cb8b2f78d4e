/**
 * A helpdesk on 127.0.0.1 for the client tests: it answers with the request/response examples in
 * test/fixtures/helpdesk/<provider>/ and records every request it gets. A fixture names the
 * request it answers (method, path, and the query parameters that must be present); `{{base}}`
 * in a fixture becomes this server's address and `{{elsewhere}}` the address given for another
 * host, so links in the examples point where the test wants them.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export interface FixtureRequest {
  readonly method: string;
  readonly path: string;
  /** Parameters the request must carry (others may be there too). */
  readonly query?: Readonly<Record<string, string>>;
  /** What the client is documented to send; the tests compare, the server does not. */
  readonly body?: unknown;
}

export interface FixtureResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON, or a string sent as it is. */
  readonly body?: unknown;
}

export interface Fixture {
  /** Error examples have no request of their own: the test says where they answer. */
  readonly request?: FixtureRequest;
  readonly response: FixtureResponse;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The body parsed as JSON, when it is JSON. */
  readonly json: unknown;
}

export interface FixtureServer {
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /**
   * Answers requests that match `request` (the fixture's own by default) with the fixture's
   * response, `times` times or for good. The latest route that matches answers.
   */
  serve(fixture: Fixture, options?: { readonly request?: FixtureRequest; readonly times?: number }): void;
  /** `{{name}}` in fixtures served from now on becomes `value`. */
  define(name: string, value: string): void;
  close(): Promise<void>;
}

export const HELPDESK_FIXTURES = join(ROOT, 'test', 'fixtures', 'helpdesk');

/** `loadFixture('zendesk', 'ticket-show')` reads test/fixtures/helpdesk/zendesk/ticket-show.json. */
export function loadFixture(provider: string, name: string): Fixture {
  return JSON.parse(readFileSync(join(HELPDESK_FIXTURES, provider, `${name}.json`), 'utf8')) as Fixture;
}

interface Route {
  readonly request: FixtureRequest;
  readonly response: FixtureResponse;
  remaining: number;
}

export async function startFixtureServer(): Promise<FixtureServer> {
  const routes: Route[] = [];
  const requests: RecordedRequest[] = [];
  const names = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = record(req, Buffer.concat(chunks).toString('utf8'));
      requests.push(recorded);
      const route = routes.findLast((candidate) => candidate.remaining > 0 && matches(candidate.request, recorded));
      if (!route) {
        res.writeHead(599, { 'content-type': 'text/plain' }).end(`no fixture for ${recorded.method} ${recorded.path}`);
        return;
      }
      route.remaining -= 1;
      send(res, substitute(route.response, names) as FixtureResponse);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  names.set('base', baseUrl);
  return {
    baseUrl,
    requests,
    serve(fixture, options = {}) {
      const request = options.request ?? fixture.request;
      if (!request) throw new Error('A fixture without a request needs options.request.');
      routes.push({ request, response: fixture.response, remaining: options.times ?? Number.POSITIVE_INFINITY });
    },
    define(name, value) {
      names.set(name, value);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function record(req: http.IncomingMessage, body: string): RecordedRequest {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let json: unknown;
  try {
    json = body === '' ? undefined : JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body, json };
}

function matches(expected: FixtureRequest, actual: RecordedRequest): boolean {
  if (expected.method !== actual.method || expected.path !== actual.path) return false;
  return Object.entries(expected.query ?? {}).every(([key, value]) => actual.query[key] === value);
}

function send(res: http.ServerResponse, response: FixtureResponse): void {
  const body = response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(body) }).end(body);
}

/** `{{name}}` → its value in every string of a fixture; other `{{…}}` (Zendesk placeholders) stay. */
function substitute(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => names.get(name) ?? whole);
  if (Array.isArray(value)) return value.map((item) => substitute(item, names));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, names)]));
  }
  return value;
}

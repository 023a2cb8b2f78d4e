/**
 * Built-in probes against real servers on loopback ports: each failure mode is reached, within the
 * probe's timeout, and judged the way the playbooks branch on it.
 */
import * as dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeProbe, type ProbeExpect, type ProbeObservation } from '../../src/core/probe-checks.js';
import { observeProbe, type NetworkProbeOptions } from '../../src/io/network-probes.js';
import type { ProbeName } from '../../src/core/probe-checks.js';
import { makeTestPki, refusingPort, startBlackhole, startDns, startHttp, startHttps, startProxy, startSilent, type Running, type TestPki } from '../helpers/net-servers.js';

let pki: TestPki;
const running: Running[] = [];
let valid: Running;
let expired: Running;
let wrongHost: Running;
let skewed: Running;
let plain: Running;
let silent: Running;
let blackhole: Running;
let refused: number;
let dns: Running & { queries: string[] };

beforeAll(async () => {
  pki = makeTestPki();
  valid = await startHttps(pki.valid);
  expired = await startHttps(pki.expired);
  wrongHost = await startHttps(pki.wrongHost);
  skewed = await startHttps(pki.valid, { dateOffsetMs: -15 * 60_000 });
  plain = await startHttp();
  silent = await startSilent();
  blackhole = await startBlackhole();
  refused = await refusingPort();
  dns = await startDns({ 'api.triage.test': '127.0.0.1' });
  running.push(valid, expired, wrongHost, skewed, plain, silent, blackhole, dns);
}, 30_000);

afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
});

const TIMEOUT = 1500;

function options(extra: Partial<NetworkProbeOptions> = {}): NetworkProbeOptions {
  return { timeoutMs: TIMEOUT, env: {}, ca: pki.ca.cert, ...extra };
}

async function probe(name: ProbeName, target: string, extra: Partial<NetworkProbeOptions> = {}, expectations: ProbeExpect = {}) {
  const started = Date.now();
  const observation: ProbeObservation = await observeProbe(name, target, options(extra));
  const elapsed = Date.now() - started;
  const verdict = judgeProbe(observation, { now: new Date(), timeoutMs: TIMEOUT, expect: expectations, config: {} });
  return { observation, verdict, elapsed };
}

describe('dns', () => {
  it('resolves a name through the configured resolver and says which', async () => {
    const { verdict } = await probe('dns', 'https://api.triage.test/health', { dnsServer: `127.0.0.1:${dns.port}` });
    expect(verdict.passed).toBe(true);
    expect(verdict.values.a).toEqual(['127.0.0.1']);
    expect(verdict.observed).toContain(`via 127.0.0.1:${dns.port}`);
    expect(dns.queries).toContain('api.triage.test A');
  });

  it('reports a name that does not exist as not found', async () => {
    const { verdict } = await probe('dns', 'missing.triage.test', { dnsServer: `127.0.0.1:${dns.port}` });
    expect(verdict.passed).toBe(false);
    expect(verdict.failure).toBe('dns/not-found');
    expect(verdict.customer).toMatch(/look up/);
  });

  it('times out against a resolver that never answers', async () => {
    const mute = dgram.createSocket('udp4');
    const port = await new Promise<number>((resolve) => mute.bind(0, '127.0.0.1', () => resolve(mute.address().port)));
    try {
      const { verdict, elapsed } = await probe('dns', 'api.triage.test', { dnsServer: `127.0.0.1:${port}` });
      expect(verdict.failure).toBe('dns/timeout');
      expect(elapsed).toBeLessThan(TIMEOUT + 1000);
    } finally {
      mute.close();
    }
  });

  it('connects by a name the configured resolver gives', async () => {
    const { verdict } = await probe('tcp', `api.triage.test:${plain.port}`, { dnsServer: `127.0.0.1:${dns.port}` });
    expect(verdict.passed).toBe(true);
    expect(verdict.values.address).toBe('127.0.0.1');
  });
});

describe('tcp', () => {
  it('connects to a listening port', async () => {
    const { verdict } = await probe('tcp', `127.0.0.1:${plain.port}`);
    expect(verdict.passed).toBe(true);
  });

  it('tells a refused connection from a timeout', async () => {
    const refusedResult = await probe('tcp', `127.0.0.1:${refused}`);
    expect(refusedResult.verdict.failure).toBe('tcp/refused');
    expect(refusedResult.verdict.detail).toContain('connection refused');
    const timeoutResult = await probe('tcp', `127.0.0.1:${blackhole.port}`);
    expect(timeoutResult.verdict.failure).toBe('tcp/timeout');
    expect(timeoutResult.elapsed).toBeGreaterThanOrEqual(TIMEOUT - 50);
    expect(timeoutResult.elapsed).toBeLessThan(TIMEOUT + 1000);
  });
});

describe('tls', () => {
  it('describes a valid certificate from the trusted CA', async () => {
    const { verdict } = await probe('tls', `https://127.0.0.1:${valid.port}/`);
    expect(verdict.passed).toBe(true);
    expect(verdict.values).toMatchObject({ issuer: 'Triage Test CA', subject: 'localhost', hostname_match: true, trusted: true });
    expect(verdict.values.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(verdict.values.days_left).toBeGreaterThanOrEqual(18);
  });

  it('finds an expired certificate', async () => {
    const { verdict } = await probe('tls', `https://127.0.0.1:${expired.port}/`);
    expect(verdict.failure).toBe('tls/expired');
    expect(verdict.values.days_left).toBeLessThan(0);
    expect(verdict.customer).toMatch(/expired/);
  });

  it('finds a certificate for another host', async () => {
    const { verdict } = await probe('tls', `https://127.0.0.1:${wrongHost.port}/`);
    expect(verdict.failure).toBe('tls/wrong-host');
    expect(verdict.detail).toContain('wrong.example');
  });

  it('finds an untrusted chain when the CA is not trusted', async () => {
    const { verdict } = await probe('tls', `https://127.0.0.1:${valid.port}/`, { ca: [] });
    expect(verdict.failure).toBe('tls/untrusted');
    expect(String(verdict.values.trust_error)).toMatch(/SIGNED|ISSUER|LOCAL|LEAF/);
  });

  it('checks one requirement at a time', async () => {
    const onlyChain = await probe('tls', `https://127.0.0.1:${expired.port}/`, {}, { require: ['chain'] });
    expect(onlyChain.verdict.passed).toBe(true);
    const soon = await probe('tls', `https://127.0.0.1:${valid.port}/`, {}, { require: ['not-expired'], minDays: 60 });
    expect(soon.verdict.failure).toBe('tls/expiring');
  });

  it('times out on a port that never answers the handshake', async () => {
    const { verdict, elapsed } = await probe('tls', `https://127.0.0.1:${silent.port}/`);
    expect(verdict.failure).toBe('tls/timeout');
    expect(elapsed).toBeLessThan(TIMEOUT + 1000);
  });

  it('sees the certificate an intercepting proxy substitutes', async () => {
    const proxy = await startProxy({ intercept: pki.intercepted });
    try {
      const observation = await observeProbe('tls', `https://127.0.0.1:${valid.port}/`, options({ env: { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` } }));
      const verdict = judgeProbe(observation, { now: new Date(), timeoutMs: TIMEOUT, expect: {}, config: { 'service.tls_issuer': '^Triage Test CA$' } });
      expect(proxy.requests).toContain(`CONNECT 127.0.0.1:${valid.port}`);
      expect(verdict.failure).toBe('tls/intercepted');
      expect(verdict.values.issuer).toBe('Corporate Inspection CA');
      // Tearing down a TLS socket and the tunnel under it used to crash Node (a segfault) most
      // times: a few more rounds make a regression all but certain to show.
      for (let round = 0; round < 5; round++) {
        const again = await observeProbe('tls', `https://127.0.0.1:${valid.port}/`, options({ env: { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` } }));
        expect(again).toMatchObject({ handshake: true, issuer: 'Corporate Inspection CA' });
      }
    } finally {
      await proxy.close();
    }
  });
});

describe('http', () => {
  it('follows redirects and reports the final status', async () => {
    const { verdict } = await probe('http', `https://127.0.0.1:${valid.port}/redirect`);
    expect(verdict.passed).toBe(true);
    expect(verdict.values.status).toBe(200);
    expect(verdict.values.redirects).toEqual([`302 → https://127.0.0.1:${valid.port}/health`]);
  });

  it('fails on an error status, with the status as the observed value', async () => {
    const { verdict } = await probe('http', `http://127.0.0.1:${plain.port}/broken`);
    expect(verdict.failure).toBe('http/server-error');
    expect(verdict.observed).toContain('HTTP 503');
  });

  it('times out on a server that never answers', async () => {
    const { verdict, elapsed } = await probe('http', `http://127.0.0.1:${silent.port}/`);
    expect(verdict.failure).toBe('http/timeout');
    expect(elapsed).toBeLessThan(TIMEOUT + 1000);
  });

  it('goes through HTTPS_PROXY with CONNECT, and HTTP_PROXY with a plain request, unless NO_PROXY says not to', async () => {
    const proxy = await startProxy();
    try {
      const viaConnect = await probe('http', `https://127.0.0.1:${valid.port}/health`, { env: { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` } });
      expect(viaConnect.verdict.passed).toBe(true);
      expect(viaConnect.verdict.values.proxy).toBe(`http://127.0.0.1:${proxy.port}`);
      const viaForward = await probe('http', `http://127.0.0.1:${plain.port}/health`, { env: { http_proxy: `127.0.0.1:${proxy.port}` } });
      expect(viaForward.verdict.passed).toBe(true);
      expect(proxy.requests).toEqual([`CONNECT 127.0.0.1:${valid.port}`, `GET http://127.0.0.1:${plain.port}/health`]);
      const bypassed = await probe('http', `http://127.0.0.1:${plain.port}/health`, { env: { HTTP_PROXY: `http://127.0.0.1:${proxy.port}`, NO_PROXY: 'localhost,127.0.0.1' } });
      expect(bypassed.verdict.values.proxy).toBe('none');
      expect(proxy.requests).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });
});

describe('proxy and clock', () => {
  it('passes without a proxy, fails when the proxy set does not answer', async () => {
    const none = await probe('proxy', `https://127.0.0.1:${valid.port}/`);
    expect(none.verdict.passed).toBe(true);
    const dead = await probe('proxy', `https://127.0.0.1:${valid.port}/`, { env: { HTTPS_PROXY: `http://127.0.0.1:${refused}` } });
    expect(dead.verdict.failure).toBe('proxy/refused');
    expect(dead.verdict.values.variable).toBe('HTTPS_PROXY');
  });

  it('measures the clock against the Date header', async () => {
    const inStep = await probe('clock', `https://127.0.0.1:${valid.port}/`);
    expect(inStep.verdict.passed).toBe(true);
    expect(Math.abs(Number(inStep.verdict.values.skew_seconds))).toBeLessThanOrEqual(2);
    const off = await probe('clock', `https://127.0.0.1:${skewed.port}/`);
    expect(off.verdict.failure).toBe('clock/skew');
    // The server is 15 minutes behind, so this computer is 15 minutes ahead.
    expect(Number(off.verdict.values.skew_seconds)).toBeGreaterThan(880);
    expect(off.verdict.customer).toMatch(/15 minutes fast/);
  });
});

describe('disk', () => {
  it('reads free space and compares it with the minimum', async () => {
    const enough = await probe('disk', '/', {}, { minFree: '1MB' });
    expect(enough.verdict.passed).toBe(true);
    expect(Number(enough.verdict.values.free_bytes)).toBeGreaterThan(0);
    const tooMuch = await probe('disk', '/', {}, { minFree: '999999TiB' });
    expect(tooMuch.verdict.failure).toBe('disk/low');
    const missing = await probe('disk', '/no/such/dir');
    expect(missing.verdict.failure).toBe('disk/unreadable');
  });
});

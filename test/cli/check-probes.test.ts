/**
 * `triage check` with the bundled check playbooks against real servers on loopback ports: the
 * JSON names each probe's observed value and the first failure, the exit code follows --fail-on,
 * and the JUnit output validates against the JUnit XML schema (xmllint).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schemas.js';
import { cleanEnv, makeTestPki, refusingPort, startDns, startHttps, startProxy, triageAsync, type Running, type TestPki } from '../helpers/net-servers.js';

interface CheckJson {
  checks: { node: string; probe?: string; target?: string; passed: boolean; observed: string; detail: string; failure?: string; customer?: string; values?: Record<string, unknown>; duration_ms: number }[];
  first_failure: { node: string; failure?: string; detail: string; customer?: string } | null;
  outcome: { node: string; kind: string } | null;
}

let pki: TestPki;
let valid: Running;
let expired: Running;
let wrongHost: Running;
let dns: Running;
let refused: number;
const servers: Running[] = [];

beforeAll(async () => {
  pki = makeTestPki();
  valid = await startHttps(pki.valid);
  expired = await startHttps(pki.expired);
  wrongHost = await startHttps(pki.wrongHost);
  dns = await startDns({ 'api.triage.test': '127.0.0.1' });
  refused = await refusingPort();
  servers.push(valid, expired, wrongHost, dns);
}, 30_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function home(): string {
  return mkdtempSync(join(tmpdir(), 'triage-check-'));
}

function env(extra: Record<string, string> = {}, dir = home()): Record<string, string> {
  return cleanEnv(dir, { NODE_EXTRA_CA_CERTS: pki.caFile, ...extra });
}

async function check(args: string[], extraEnv: Record<string, string> = {}) {
  const result = await triageAsync(['check', ...args], env(extraEnv));
  return { ...result, json: args.includes('json') && result.code !== 2 ? (JSON.parse(result.stdout) as CheckJson) : undefined };
}

describe('cant-reach-service', () => {
  it('passes every step against a healthy HTTPS service and exits 0', async () => {
    const { code, json, stderr } = await check(['cant-reach-service', '--answer', `url=https://127.0.0.1:${valid.port}/health`, '--format', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(json!.checks.map((c) => [c.probe, c.passed])).toEqual([
      ['dns', true],
      ['tcp', true],
      ['tls', true],
      ['http', true],
      ['proxy', true],
      ['clock', true],
    ]);
    expect(json!.checks.find((c) => c.probe === 'tls')!.values).toMatchObject({ issuer: 'Triage Test CA', trusted: true, hostname_match: true });
    expect(json!.checks.find((c) => c.probe === 'http')!.observed).toMatch(/^HTTP 200 in \d+ ms$/);
    expect(json!.first_failure).toBeNull();
    expect(schemaErrors('check', json)).toEqual([]);
    expect(json!.outcome).toEqual({ node: 'resolved-the-service-is-reachable-from-this-computer', kind: 'resolved', title: 'The service is reachable from this computer' });
  });

  it('names an expired certificate as the first failure, in engineer and customer words, and exits 1', async () => {
    const { code, json } = await check(['cant-reach-service', '--answer', `url=https://127.0.0.1:${expired.port}/health`, '--format', 'json']);
    expect(code).toBe(1);
    expect(json!.first_failure).toMatchObject({ node: 'set-up-the-secure-connection', failure: 'tls/expired' });
    expect(json!.first_failure!.detail).toMatch(/expired on .* \(3 days ago\)/);
    expect(json!.first_failure!.customer).toBe("our service's security certificate has expired");
    expect(json!.outcome?.node).toBe('escalate-the-secure-connection-fails');
    expect(schemaErrors('check', json)).toEqual([]);
  });

  it('tells a refused port apart, and stops the path there', async () => {
    const { code, json } = await check(['cant-reach-service', '--answer', `url=https://127.0.0.1:${refused}/`, '--format', 'json']);
    expect(code).toBe(1);
    expect(json!.first_failure).toMatchObject({ node: 'open-a-connection', failure: 'tcp/refused' });
    expect(json!.outcome?.node).toBe('escalate-the-connection-is-refused-or-blocked');
  });

  it('resolves names through TRIAGE_DNS_SERVER, and fails a name that does not exist', async () => {
    const dnsServer = { TRIAGE_DNS_SERVER: `127.0.0.1:${dns.port}` };
    const known = await check(['cant-reach-service', '--answer', `url=https://api.triage.test:${valid.port}/health`, '--format', 'json'], dnsServer);
    const lookup = known.json!.checks[0]!;
    expect(lookup).toMatchObject({ probe: 'dns', passed: true });
    expect(lookup.observed).toBe(`127.0.0.1 via 127.0.0.1:${dns.port} in ${lookup.duration_ms} ms`);
    // The certificate is for localhost, not api.triage.test.
    expect(known.json!.first_failure).toMatchObject({ node: 'set-up-the-secure-connection', failure: 'tls/wrong-host' });
    const unknown = await check(['cant-reach-service', '--answer', 'url=https://nowhere.triage.test/', '--format', 'json'], dnsServer);
    expect(unknown.json!.first_failure).toMatchObject({ node: 'look-up-the-services-address', failure: 'dns/not-found' });
  });

  it('uses service.url from the settings when no address is answered', async () => {
    const dir = home();
    const e = env({}, dir);
    expect((await triageAsync(['config', 'set', 'service.url', `https://127.0.0.1:${valid.port}/health`], e)).code).toBe(0);
    const result = await triageAsync(['check', 'cant-reach-service', '--json'], e);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as CheckJson;
    expect(json.checks.every((c) => c.target === `https://127.0.0.1:${valid.port}/health`)).toBe(true);
  });

  it('asks the DNS server set with `config set network.dns_server`', async () => {
    const dir = home();
    const e = env({}, dir);
    expect((await triageAsync(['config', 'set', 'network.dns_server', `127.0.0.1:${dns.port}`], e)).code).toBe(0);
    const result = await triageAsync(['check', 'cant-reach-service', '--answer', `url=http://api.triage.test:${refused}/`, '--json'], e);
    const json = JSON.parse(result.stdout) as CheckJson;
    expect(json.checks[0]).toMatchObject({ probe: 'dns', passed: true, values: { resolver: `127.0.0.1:${dns.port}`, a: ['127.0.0.1'] } });
    // The connection uses the same resolver: it reaches 127.0.0.1 and is refused there.
    expect(json.first_failure).toMatchObject({ node: 'open-a-connection', failure: 'tcp/refused' });
  });

  it('says which target is missing when there is none', async () => {
    const { code, json } = await check(['cant-reach-service', '--format', 'json']);
    expect(code).toBe(1);
    expect(json!.first_failure).toMatchObject({ node: 'look-up-the-services-address', failure: 'target/missing' });
    expect(json!.first_failure!.detail).toContain('triage config set service.url');
  });

  it('prints text with the first failure in both voices', async () => {
    const { code, stdout } = await check(['cant-reach-service', '--answer', `url=https://127.0.0.1:${wrongHost.port}/`]);
    expect(code).toBe(1);
    expect(stdout).toContain('FAIL  #set-up-the-secure-connection  tls https://127.0.0.1:');
    expect(stdout).toMatch(/First failure: #set-up-the-secure-connection \(Set up the secure connection\)\n {2}For engineers: Certificate of 127\.0\.0\.1:\d+ is for DNS:wrong\.example, not 127\.0\.0\.1\n {2}For the customer: The security certificate presented does not belong to our service's address\./);
    expect(stdout).toContain('Leads to: escalate: The secure connection fails');
  });
});

describe('--fail-on', () => {
  const args = (): string[] => ['cant-reach-service', '--answer', `url=https://127.0.0.1:${refused}/`, '--format', 'json'];

  it('none always exits 0; outcome kinds exit 3 only when the checks lead to one', async () => {
    expect((await check([...args(), '--fail-on', 'none'])).code).toBe(0);
    expect((await check([...args(), '--fail-on', 'bug'])).code).toBe(0);
    expect((await check([...args(), '--fail-on', 'bug,escalate'])).code).toBe(3);
    const wrong = await check([...args(), '--fail-on', 'sometimes']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--fail-on: "sometimes" is neither `any`, `none` nor an outcome kind');
  });
});

describe('certificate-errors', () => {
  it('reaches expired, wrong host and valid outcomes', async () => {
    const outcome = async (port: number) => (await check(['certificate-errors', '--answer', `url=https://127.0.0.1:${port}/`, '--format', 'json'])).json!.outcome?.node;
    expect(await outcome(expired.port)).toBe('escalate-our-certificate-has-expired');
    expect(await outcome(wrongHost.port)).toBe('escalate-the-certificate-is-for-another-address');
    expect(await outcome(valid.port)).toBe('resolved-the-certificate-is-valid-from-this-computer');
  });

  it('reaches the untrusted chain outcome when the CA is not trusted', async () => {
    const result = await triageAsync(['check', 'certificate-errors', '--answer', `url=https://127.0.0.1:${valid.port}/`, '--format', 'json'], cleanEnv(home()));
    const json = JSON.parse(result.stdout) as CheckJson;
    expect(json.outcome?.node).toBe('escalate-the-certificate-chain-is-not-trusted');
    expect(json.first_failure?.failure).toBe('tls/untrusted');
  });

  it('spots an intercepting proxy by the issuer', async () => {
    const proxy = await startProxy({ intercept: pki.intercepted });
    try {
      const dir = home();
      const e = env({ HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` }, dir);
      await triageAsync(['config', 'set', 'service.tls_issuer', '^Triage Test CA$'], e);
      const result = await triageAsync(['check', 'certificate-errors', '--answer', `url=https://127.0.0.1:${valid.port}/`, '--format', 'json'], e);
      const json = JSON.parse(result.stdout) as CheckJson;
      expect(json.outcome?.node).toBe('workaround-something-on-their-network-replaces-our-certificate');
      expect(json.first_failure).toMatchObject({ node: 'who-issued-it', failure: 'tls/intercepted' });
      expect(proxy.requests.length).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });
});

describe('--format junit', () => {
  let xsd: string;
  beforeAll(() => {
    xsd = join(ROOT, 'test', 'fixtures', 'junit', 'ant-junit.xsd');
  });

  function validate(xml: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'triage-junit-'));
    const file = join(dir, 'report.xml');
    writeFileSync(file, xml);
    // Throws (and fails the test) when the document does not validate.
    return execFileSync('xmllint', ['--noout', '--schema', xsd, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  it('validates against the JUnit schema, one test case per check, failures with the observed value', async () => {
    const { code, stdout } = await check(['cant-reach-service', '--answer', `url=https://127.0.0.1:${expired.port}/health`, '--format', 'junit']);
    expect(code).toBe(1);
    validate(stdout);
    expect(stdout.match(/<testcase /g)).toHaveLength(6);
    expect(stdout).toContain('tests="6" failures="1" errors="0"');
    expect(stdout).toMatch(/<failure type="tls\/expired" message="TLSv1\.[23], localhost from Triage Test CA, expired 3 days ago: Certificate of 127\.0\.0\.1:\d+ \(localhost\) expired on/);
    expect(stdout).toContain('<property name="outcome" value="escalate: The secure connection fails"/>');
  });

  it('validates when everything passes, and escapes what it quotes', async () => {
    const { code, stdout } = await check(['cant-reach-service', '--answer', `url=https://127.0.0.1:${valid.port}/health?a=1&b=<2>`, '--format', 'junit']);
    expect(code).toBe(0);
    validate(stdout);
    expect(stdout).toContain('failures="0"');
    expect(stdout).toContain('?a=1&amp;b=&lt;2&gt;');
  });

  it('the schema rejects what a CI system would (a test case without a time)', () => {
    const broken = '<?xml version="1.0"?>\n<testsuite name="x" timestamp="2026-01-01T00:00:00" hostname="h" tests="1" failures="0" errors="0" time="0"><properties/><testcase name="a" classname="b"/><system-out/><system-err/></testsuite>\n';
    expect(() => validate(broken)).toThrow(/time/);
  });
});

describe('trust', () => {
  it('refuses network probes from an untrusted directory before anything runs, unless allowed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'triage-untrusted-'));
    mkdirSync(join(dir, 'pb'));
    cpSync(join(ROOT, 'playbooks', 'cant-reach-service.md'), join(dir, 'pb', 'reach-copy.md'));
    const source = join(dir, 'pb', 'reach-copy.md');
    writeFileSync(source, (await import('node:fs')).readFileSync(source, 'utf8').replace('id: cant-reach-service', 'id: reach-copy'));
    const e = env({}, dir);
    const refusedRun = await triageAsync(['--playbooks', join(dir, 'pb'), 'check', 'reach-copy', '--answer', `url=https://127.0.0.1:${valid.port}/`], e);
    expect(refusedRun.code).toBe(2);
    expect(refusedRun.stderr).toContain('probe: dns');
    expect(refusedRun.stderr).toContain('Nothing was run.');
    const allowed = await triageAsync(['--playbooks', join(dir, 'pb'), 'check', 'reach-copy', '--allow-commands', '--answer', `url=https://127.0.0.1:${valid.port}/`], e);
    expect(allowed.code).toBe(0);
  });
});

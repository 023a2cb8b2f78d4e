/**
 * The pure side of built-in probes: reading targets, choosing proxies, judging observations,
 * walking a playbook's checks to the first failure, and parsing/linting `probe:` check blocks.
 */
import { describe, expect, it } from 'vitest';
import { walkChecks } from '../../src/core/check-walk.js';
import type { Diagnostic, Playbook } from '../../src/core/model.js';
import { parsePlaybook } from '../../src/core/parse-playbook.js';
import {
  chooseTarget,
  compareVersions,
  judgeProbe,
  parseEndpoint,
  parseMinimums,
  parseSize,
  probeLabel,
  proxyFor,
  readProductVersion,
  type JudgeOptions,
  type ProbeObservation,
} from '../../src/core/probe-checks.js';
import { validateLibrary, validatePlaybook } from '../../src/core/validate.js';
import { checkExitCode, parseCheckFailOn } from '../../src/app/check-exit.js';
import type { CheckReport } from '../../src/app/check.js';

const NOW = new Date('2026-12-04T12:00:00Z');
const judge = (o: ProbeObservation, extra: Partial<JudgeOptions> = {}) => judgeProbe(o, { now: NOW, timeoutMs: 5000, expect: {}, config: {}, ...extra });

describe('targets', () => {
  it('takes the first non-empty candidate, reading settings for config placeholders', () => {
    expect(chooseTarget(['', '{{config.service.url}}', 'https://fallback.example'], { 'service.url': 'https://api.example.com' })).toBe('https://api.example.com');
    expect(chooseTarget(['', '{{ config.service.url }}', 'https://fallback.example'], {})).toBe('https://fallback.example');
    expect(chooseTarget(['  ', '{{config.service.url}}'], {})).toBeUndefined();
    // An unsubstituted placeholder is never probed as a host name.
    expect(chooseTarget(['{{answers.url}}'], {})).toBeUndefined();
  });

  it('reads URLs, host:port and bare hosts with the right default port', () => {
    expect(parseEndpoint('https://api.example.com/health')).toEqual({ host: 'api.example.com', port: 443, url: 'https://api.example.com/health' });
    expect(parseEndpoint('http://api.example.com')).toMatchObject({ port: 80 });
    expect(parseEndpoint('api.example.com:8443')).toMatchObject({ host: 'api.example.com', port: 8443 });
    expect(parseEndpoint('https://[::1]:9443/')).toMatchObject({ host: '::1', port: 9443 });
    expect(parseEndpoint('ftp://example.com')).toBeUndefined();
    expect(parseEndpoint('')).toBeUndefined();
  });

  it('labels progress with the chosen target or the setting', () => {
    expect(probeLabel(['tls', 'https://a.example', '{{config.service.url}}'])).toEqual(['tls', 'https://a.example']);
    expect(probeLabel(['tls', '', '{{config.service.url}}'])).toEqual(['tls', '(service.url setting)']);
    expect(probeLabel(['disk'])).toEqual(['disk']);
  });
});

describe('proxyFor', () => {
  it('picks HTTPS_PROXY for https and HTTP_PROXY for http, in either case', () => {
    const env = { HTTPS_PROXY: 'http://secure.proxy:3128', http_proxy: 'plain.proxy:8080' };
    expect(proxyFor('https://api.example.com/', env)).toEqual({ proxy: 'http://secure.proxy:3128', variable: 'HTTPS_PROXY' });
    expect(proxyFor('http://api.example.com/', env)).toEqual({ proxy: 'http://plain.proxy:8080', variable: 'HTTP_PROXY' });
    expect(proxyFor('https://api.example.com/', { ALL_PROXY: 'http://all:1' })).toEqual({ proxy: 'http://all:1', variable: 'ALL_PROXY' });
    expect(proxyFor('https://api.example.com/', {})).toEqual({});
  });

  it('honours NO_PROXY suffixes, ports and *', () => {
    const env = { HTTPS_PROXY: 'http://p:1' };
    expect(proxyFor('https://api.example.com/', { ...env, NO_PROXY: 'example.com' })).toEqual({ bypassedBy: 'example.com' });
    expect(proxyFor('https://api.example.com/', { ...env, no_proxy: '.example.com' })).toEqual({ bypassedBy: '.example.com' });
    expect(proxyFor('https://badexample.com/', { ...env, NO_PROXY: 'example.com' }).proxy).toBe('http://p:1');
    expect(proxyFor('https://api.example.com:8443/', { ...env, NO_PROXY: 'api.example.com:443' }).proxy).toBe('http://p:1');
    expect(proxyFor('https://api.example.com/', { ...env, NO_PROXY: '*' })).toEqual({ bypassedBy: '*' });
  });
});

describe('sizes and versions', () => {
  it('parses sizes', () => {
    expect(parseSize('2GiB')).toBe(2 * 1024 ** 3);
    expect(parseSize('500 MB')).toBe(500e6);
    expect(parseSize('1024')).toBe(1024);
    expect(parseSize('lots')).toBeUndefined();
  });

  it('reads products and versions as written by browsers and operating systems', () => {
    expect(readProductVersion('Chrome 126.0.6478.127')).toMatchObject({ product: 'chrome', version: '126.0.6478.127' });
    expect(readProductVersion('Debian GNU/Linux 12 (bookworm)')).toMatchObject({ product: 'debian', name: 'Debian', version: '12' });
    expect(readProductVersion('macOS 14 Sonoma')).toMatchObject({ product: 'macos', version: '14' });
    expect(readProductVersion('Windows 11 Pro')).toMatchObject({ product: 'windows', version: '11' });
    expect(readProductVersion('Mobile Safari 17.5')).toMatchObject({ product: 'mobile safari', version: '17.5' });
    expect(readProductVersion('unknown')).toBeUndefined();
    expect(compareVersions('16.4', '16.10')).toBe(-1);
    expect(compareVersions('120', '120.0.1')).toBe(-1);
    expect(parseMinimums('Chrome 120, Mac OS X 13; Microsoft Edge v119').get('edge')).toBe('119');
  });

  it('judges versions against minimums, the setting winning over the playbook', () => {
    const observe = (value: string): ProbeObservation => ({ probe: 'version', value, durationMs: 0 });
    expect(judge(observe('Firefox 128.0'), { expect: { minimums: 'Firefox 115' } }).passed).toBe(true);
    const old = judge(observe('Firefox 102.0'), { expect: { minimums: 'Firefox 115' } });
    expect(old).toMatchObject({ passed: false, failure: 'version/too-old', observed: 'Firefox 102.0 (minimum 115)' });
    expect(judge(observe('Firefox 128.0'), { expect: { minimums: 'Firefox 115' }, config: { 'support.minimums': 'Firefox 130' } }).failure).toBe('version/too-old');
    expect(judge(observe('Netscape 9'), { expect: { minimums: 'Firefox 115' } }).failure).toBe('version/unsupported-product');
    expect(judge(observe(''), {}).failure).toBe('version/unreadable');
  });
});

describe('judging observations', () => {
  const tls = (extra: Partial<Extract<ProbeObservation, { probe: 'tls' }>>): ProbeObservation => ({
    probe: 'tls',
    host: 'api.example.com',
    port: 443,
    handshake: true,
    protocol: 'TLSv1.3',
    subject: 'api.example.com',
    issuer: "R11, Let's Encrypt",
    validTo: 'Feb  1 00:00:00 2027 GMT',
    hostnameMatch: true,
    durationMs: 40,
    ...extra,
  });

  it('passes a good certificate and counts the days left', () => {
    const verdict = judge(tls({}));
    expect(verdict).toMatchObject({ passed: true, observed: "TLSv1.3, api.example.com from R11, Let's Encrypt, 58 days left" });
    expect(verdict.values.days_left).toBe(58);
  });

  it('names the first broken requirement, and only the required ones', () => {
    expect(judge(tls({ validTo: 'Dec  1 00:00:00 2026 GMT', trustError: 'CERT_HAS_EXPIRED' })).failure).toBe('tls/expired');
    expect(judge(tls({ validTo: 'Dec  4 00:00:00 2026 GMT' })).observed).toContain('expired today');
    expect(judge(tls({ hostnameMatch: false, altNames: 'DNS:other.example' })).detail).toBe('Certificate of api.example.com:443 is for DNS:other.example, not api.example.com');
    expect(judge(tls({ trustError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' })).failure).toBe('tls/untrusted');
    expect(judge(tls({ trustError: 'SELF_SIGNED_CERT_IN_CHAIN', issuer: 'Inspection CA' }), { config: { 'service.tls_issuer': "Let's Encrypt" } }).failure).toBe('tls/intercepted');
    expect(judge(tls({ hostnameMatch: false }), { expect: { require: ['chain'] } }).passed).toBe(true);
    expect(judge(tls({}), { expect: { require: ['not-expired'], minDays: 90 } }).failure).toBe('tls/expiring');
    // `issuer` without any expected issuer has nothing to compare with.
    expect(judge(tls({ issuer: 'Anyone' }), { expect: { require: ['issuer'] } }).passed).toBe(true);
    expect(judge(tls({ plain: true, handshake: false })).observed).toBe('not used (an http:// address)');
  });

  it('tells refused from timed out from unresolvable, in both voices', () => {
    const refused = judge({ probe: 'tcp', host: 'h', port: 443, connected: false, error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:443' }, durationMs: 3 });
    expect(refused).toMatchObject({ failure: 'tcp/refused', customer: 'the server turned the connection away' });
    expect(judge({ probe: 'tcp', host: 'h', port: 443, connected: false, timedOut: true, durationMs: 5000 })).toMatchObject({ failure: 'tcp/timeout', observed: 'no answer within 5000 ms' });
    expect(judge({ probe: 'http', url: 'https://h/', redirects: [], error: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND h' }, durationMs: 3 }).failure).toBe('http/dns');
  });

  it('judges http status and clock skew', () => {
    const ok = judge({ probe: 'http', url: 'https://h/', status: 204, redirects: ['301 → https://h/'], durationMs: 12 });
    expect(ok).toMatchObject({ passed: true, observed: 'HTTP 204 after 1 redirect in 12 ms' });
    expect(judge({ probe: 'http', url: 'https://h/', status: 404, redirects: [], durationMs: 12 }).failure).toBe('http/status');
    expect(judge({ probe: 'http', url: 'https://h/', status: 404, redirects: [], durationMs: 12 }, { expect: { status: '^404$' } }).passed).toBe(true);
    const behind = judge({ probe: 'clock', url: 'https://h/', serverDate: 'Fri, 04 Dec 2026 12:10:00 GMT', localTime: '2026-12-04T12:00:00.000Z', durationMs: 0 });
    expect(behind).toMatchObject({ failure: 'clock/skew', observed: '600 s behind the server', customer: "the computer's clock is 10 minutes slow" });
    expect(judge({ probe: 'clock', url: 'https://h/', serverDate: 'Fri, 04 Dec 2026 12:00:50 GMT', localTime: '2026-12-04T12:00:00.000Z', durationMs: 0 }).passed).toBe(true);
    expect(judge({ probe: 'clock', url: 'https://h/', localTime: '2026-12-04T12:00:00.000Z', durationMs: 0 }).failure).toBe('clock/no-date');
  });

  it('judges proxies and disks', () => {
    expect(judge({ probe: 'proxy', url: 'https://h/', choice: { bypassedBy: '.h' }, durationMs: 0 })).toMatchObject({ passed: true, observed: 'none (NO_PROXY .h)' });
    const dead = judge({ probe: 'proxy', url: 'https://h/', choice: { proxy: 'http://user:secret@p:1', variable: 'HTTPS_PROXY' }, reachable: false, error: { code: 'ECONNREFUSED', message: 'refused' }, durationMs: 1 });
    expect(dead.failure).toBe('proxy/refused');
    expect(JSON.stringify(dead)).not.toContain('secret');
    expect(judge({ probe: 'disk', path: '/home/x', freeBytes: 500 * 1024 ** 2, totalBytes: 100 * 1024 ** 3, durationMs: 1 })).toMatchObject({ failure: 'disk/low', observed: '500 MiB free of 100.0 GiB' });
  });
});

const SOURCE = `---
id: reach
title: Reach
version: 1.0.0
---
## Start

\`\`\`ask
key: url
prompt: Address
required: false
\`\`\`

\`\`\`check
probe: [dns, '{{answers.url}}', '{{config.service.url}}']
pass: '#connect'
fail: '#escalate-no-name'
\`\`\`

## Connect

\`\`\`check
probe: [tcp, '{{answers.url}}']
timeout: 3000
pass: '#resolved-fine'
fail: '#escalate-no-connection'
\`\`\`

## Escalate: No name

\`\`\`reply
We could not look up the address.
\`\`\`

## Escalate: No connection

\`\`\`reply
The connection did not open.
\`\`\`

## Resolved: Fine

\`\`\`reply
Everything works. Try again now.
\`\`\`
`;

function parse(source: string): { playbook: Playbook; diagnostics: readonly Diagnostic[] } {
  const result = parsePlaybook(source, { path: '/pb/reach.md', dir: '/pb' });
  return { playbook: result.playbook as Playbook, diagnostics: result.diagnostics };
}

describe('probe check blocks', () => {
  it('parse into a probe with its targets', () => {
    const { playbook, diagnostics } = parse(SOURCE);
    expect(diagnostics).toEqual([]);
    expect(playbook.nodes[0]!.check).toMatchObject({ run: [], probe: { name: 'dns', targets: ['{{answers.url}}', '{{config.service.url}}'] }, timeoutMs: 10_000, expect: {} });
    expect(validatePlaybook(playbook).filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('refuse an unknown probe, run and probe together, and an expect key of another probe', () => {
    const rules = (source: string) => parse(source).diagnostics.map((d) => `${d.rule}: ${d.message}`);
    expect(rules(SOURCE.replace('probe: [dns,', 'probe: [dnss,')).join('\n')).toMatch(/check\/invalid: `probe` must start with a built-in probe: .*Did you mean `dns`/);
    expect(rules(SOURCE.replace("probe: [tcp, '{{answers.url}}']", "probe: [tcp, '{{answers.url}}']\nrun: [nc, -z, host, '443']"))).toContainEqual(expect.stringContaining('has both `run` and `probe`'));
    expect(rules(SOURCE.replace('timeout: 3000', 'timeout: 3000\nexpect:\n  min_days: 3'))).toContainEqual('check/invalid: `expect.min_days` belongs to a `probe: [tls, ...]` check, not to `tcp`.');
    expect(rules(SOURCE.replace('timeout: 3000', 'timeout: 3000\nexpect:\n  exit: 0'))).toContainEqual(expect.stringContaining('`expect.exit` judges a command'));
  });

  it('lint probe patterns like every other pattern', () => {
    const http = parse(SOURCE.replace("probe: [tcp, '{{answers.url}}']\ntimeout: 3000", "probe: [http, '{{answers.url}}']\ntimeout: 3000\nexpect:\n  status: '^(2'"));
    expect(http.diagnostics).toEqual([]);
    expect(validatePlaybook(http.playbook).map((d) => `${d.rule} ${d.message}`)).toContainEqual(expect.stringMatching(/^pattern\/invalid-regex .*`expect.status`/));
  });

  it('lint placeholders in targets like command placeholders', () => {
    const { playbook } = parse(SOURCE.replace("probe: [tcp, '{{answers.url}}']", "probe: [tcp, 'https://{{answers.host}}']"));
    expect(validatePlaybook(playbook).map((d) => d.rule)).toContain('check/placeholder');
    const undefinedKey = parse(SOURCE.replace("probe: [tcp, '{{answers.url}}']", "probe: [tcp, '{{answers.nope}}']"));
    expect([...validatePlaybook(undefinedKey.playbook), ...validateLibrary([undefinedKey.playbook])].map((d) => d.rule)).toContain('template/undefined-variable');
  });

  it('walk to the first failure and the outcome it leads to', () => {
    const { playbook } = parse(SOURCE);
    expect(walkChecks(playbook, () => true)).toEqual({ path: ['start', 'connect', 'resolved-fine'], outcome: { node: 'resolved-fine', kind: 'resolved', title: 'Fine' } });
    expect(walkChecks(playbook, (id) => id !== 'connect')).toMatchObject({ firstFailure: 'connect', outcome: { node: 'escalate-no-connection' } });
    expect(walkChecks(playbook, () => undefined)).toEqual({ path: ['start'] });
  });
});

describe('--fail-on for checks', () => {
  const report = (passed: boolean, kind?: 'escalate' | 'resolved'): CheckReport => ({
    playbook: { id: 'x', version: '1.0.0', path: '/x.md' },
    probes: {},
    checks: [{ node: 'n', title: 'N', argv: [], passed, exit_code: passed ? 0 : 1, timed_out: false, duration_ms: 1, observed: '', detail: passed ? 'ok' : 'bad' }],
    first_failure: null,
    outcome: kind ? { node: 'o', kind, title: 'O' } : null,
  });

  it('maps results to exit codes', () => {
    expect(checkExitCode(report(false), parseCheckFailOn(undefined))).toBe(1);
    expect(checkExitCode(report(true), parseCheckFailOn('any'))).toBe(0);
    expect(checkExitCode(report(false), parseCheckFailOn('none'))).toBe(0);
    expect(checkExitCode(report(false, 'escalate'), parseCheckFailOn('bug,escalate'))).toBe(3);
    expect(checkExitCode(report(false, 'resolved'), parseCheckFailOn('bug,escalate'))).toBe(0);
    expect(() => parseCheckFailOn('bugs')).toThrow(/neither `any`, `none` nor an outcome kind/);
  });
});

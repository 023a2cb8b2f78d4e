import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REDACTED, createRedactor } from '../../src/core/redact.js';
import { isCardNumber, luhnValid } from '../../src/core/redact-rules.js';

interface SecretCase {
  name: string;
  text: string;
  secrets: string[];
  expect?: string;
  kind?: string;
}
interface LookAlike {
  name: string;
  text: string;
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'redaction');
const secretCases = parse(readFileSync(join(FIXTURES, 'secrets.yaml'), 'utf8')) as SecretCase[];
const lookAlikes = parse(readFileSync(join(FIXTURES, 'look-alikes.yaml'), 'utf8')) as LookAlike[];

describe('secret corpus', () => {
  it('has at least 40 secrets and 20 look-alikes', () => {
    expect(secretCases.length).toBeGreaterThanOrEqual(40);
    expect(lookAlikes.length).toBeGreaterThanOrEqual(20);
  });

  it.each(secretCases.map((c) => [c.name, c] as const))('redacts: %s', (_name, c) => {
    const redactor = createRedactor({ personal: false });
    const out = redactor.redactText(c.text);
    for (const secret of c.secrets) expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
    if (c.expect !== undefined) expect(out).toBe(c.expect);
    const findings = redactor.findings();
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.category === 'secret')).toBe(true);
    if (c.kind) expect(findings.map((f) => f.kind)).toContain(c.kind);
    // Previews never carry the secret itself.
    for (const f of findings) for (const secret of c.secrets) expect(f.preview).not.toContain(secret);
    // Idempotent: redacting again changes nothing.
    expect(createRedactor({ personal: false }).redactText(out)).toBe(out);
  });

  it.each(secretCases.map((c) => [c.name, c] as const))('redacts with personal data on too: %s', (_name, c) => {
    const out = createRedactor({ personal: { homePath: '/home/alice', hostname: 'alice-laptop' } }).redactText(c.text);
    for (const secret of c.secrets) expect(out).not.toContain(secret);
  });

  it.each(lookAlikes.map((c) => [c.name, c] as const))('leaves alone: %s', (_name, c) => {
    const redactor = createRedactor({ personal: { homePath: '/home/alice', hostname: 'alice-laptop' } });
    expect(redactor.redactText(c.text)).toBe(c.text);
    expect(redactor.findings()).toEqual([]);
  });
});

describe('personal data', () => {
  it('gives the same email the same token throughout one redactor', () => {
    const redactor = createRedactor();
    const a = redactor.redactText('From: Jane.Doe@Example.com, cc bob@example.org');
    const b = redactor.redactText('reply to jane.doe@example.com');
    expect(a).toBe('From: [EMAIL-1], cc [EMAIL-2]');
    expect(b).toBe('reply to [EMAIL-1]');
    const email = redactor.findings().filter((f) => f.kind === 'email');
    expect(email).toEqual([
      { kind: 'email', category: 'personal', preview: 'J•••@Example.com', replacement: '[EMAIL-1]', count: 2 },
      { kind: 'email', category: 'personal', preview: 'b•••@example.org', replacement: '[EMAIL-2]', count: 1 },
    ]);
  });

  it('numbers tokens per redactor, not globally', () => {
    expect(createRedactor().redactText('x@example.com')).toBe('[EMAIL-1]');
    expect(createRedactor().redactText('y@example.com')).toBe('[EMAIL-1]');
  });

  it('replaces phone numbers in common shapes', () => {
    const r = createRedactor();
    expect(r.redactText('call +1 (555) 123-4567 or +44 20 7946 0958')).toBe('call [PHONE-1] or [PHONE-2]');
    expect(r.redactText('US: (555) 123-4567, 555-123-4567 and 555.987.6543')).toBe('US: [PHONE-3], [PHONE-3] and [PHONE-4]');
    expect(r.redactText('Phone: 030 1234567')).toBe('Phone: [PHONE-5]');
  });

  it('replaces IPv4 and IPv6 addresses but not loopback or versions', () => {
    const r = createRedactor();
    expect(r.redactText('client 203.0.113.42 via 10.1.2.3, again 203.0.113.42')).toBe('client [IP-1] via [IP-2], again [IP-1]');
    expect(r.redactText('from 2001:db8:85a3::8a2e:370:7334 and fe80::1%en0')).toBe('from [IP-3] and [IP-4]');
    expect(r.redactText('127.0.0.1 ::1 Chrome/126.0.0.0 v1.2.3.4 version 10.2.3.4')).toBe('127.0.0.1 ::1 Chrome/126.0.0.0 v1.2.3.4 version 10.2.3.4');
  });

  it('replaces the home path with ~ and the hostname with [HOST]', () => {
    const r = createRedactor({ personal: { homePath: '/home/alice', hostname: 'alice-mbp.local' } });
    expect(r.redactText('/home/alice/.config/triage on alice-mbp.local (alice-mbp)')).toBe('~/.config/triage on [HOST] ([HOST])');
    expect(r.redactText('/home/alicexyz stays')).toBe('/home/alicexyz stays');
  });

  it('leaves default hostnames that are ordinary words alone', () => {
    const r = createRedactor({ personal: { hostname: 'debian' } });
    expect(r.redactText('Debian GNU/Linux 12 on debian')).toBe('Debian GNU/Linux 12 on debian');
  });

  it('handles Windows home paths in both slash styles and JSON escaping', () => {
    const r = createRedactor({ personal: { homePath: 'C:\\Users\\Alice' } });
    expect(r.redactText('C:\\Users\\Alice\\AppData and c:/users/alice/Desktop')).toBe('~\\AppData and ~/Desktop');
    expect(r.redactText(JSON.stringify({ path: 'C:\\Users\\Alice\\x' }))).toBe('{"path":"~\\\\x"}');
  });

  it("replaces other users' folders", () => {
    const r = createRedactor();
    expect(r.redactText('/Users/jsmith/Library/Logs and D:\\Users\\Bob\\file but /Users/Shared/x')).toBe('~/Library/Logs and ~\\file but /Users/Shared/x');
  });

  it('can be configured off piece by piece', () => {
    const text = 'mail a@example.com from 203.0.113.9 tel +1 555 123 4567';
    expect(createRedactor({ personal: { emails: false } }).redactText(text)).toBe('mail a@example.com from [IP-1] tel [PHONE-1]');
    expect(createRedactor({ personal: { ips: false, phones: false } }).redactText(text)).toBe('mail [EMAIL-1] from 203.0.113.9 tel +1 555 123 4567');
    expect(createRedactor({ personal: false }).redactText(`${text} password=hunter22`)).toBe(`${text} password=[REDACTED]`);
  });
});

describe('secret values and structures', () => {
  it('removes exact secret values wherever they appear', () => {
    const r = createRedactor({ secretValues: ['0451', 'correct horse'] });
    expect(r.redactText('PIN 0451, phrase "correct horse battery"')).toBe('PIN [REDACTED], phrase "[REDACTED] battery"');
    expect(r.findings().map((f) => f.kind)).toEqual(['secret-value', 'secret-value']);
  });

  it('redactDeep copies objects and arrays, keeps keys, and redacts values under secret-named keys', () => {
    const input = {
      password: 'plain-words',
      apiKey: 'abc',
      nested: [{ note: 'token=abcdef123456', count: 3, ok: true, none: null }],
      email: 'jane@example.com',
      max_tokens: '4096',
      env: { key: 'service_token', value: 'looks harmless' },
    };
    const r = createRedactor();
    const out = r.redactDeep(input);
    expect(out).toEqual({
      password: REDACTED,
      apiKey: REDACTED,
      nested: [{ note: 'token=[REDACTED]', count: 3, ok: true, none: null }],
      email: '[EMAIL-1]',
      max_tokens: '4096',
      env: { key: 'service_token', value: REDACTED },
    });
    expect(out).not.toBe(input);
    expect(input.password).toBe('plain-words');
  });

  it('passes non-plain values and primitives through', () => {
    const date = new Date(0);
    const r = createRedactor();
    expect(r.redactDeep(date)).toBe(date);
    expect(r.redactDeep(42)).toBe(42);
    expect(r.redactDeep(['ghp_djjZK8tfphJWAMMYNoXHyC6Ct3LBtKNdN9Vg'])).toEqual([REDACTED]);
  });

  it('masks previews: a known prefix and the length, never the value', () => {
    const r = createRedactor();
    r.redactText('t=ghp_djjZK8tfphJWAMMYNoXHyC6Ct3LBtKNdN9Vg');
    expect(r.findings()).toEqual([
      { kind: 'github-token', category: 'secret', preview: 'ghp_••• (40 chars)', replacement: REDACTED, count: 1 },
    ]);
  });
});

describe('card numbers', () => {
  it('checks Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
  it('needs a network prefix and card-like grouping', () => {
    expect(isCardNumber('4111 1111 1111 1111')).toBe(true);
    expect(isCardNumber('4111-1111 1111-1111')).toBe(false);
    expect(isCardNumber('41111 11111 111111')).toBe(false);
    // Luhn-valid but no card network starts with 1.
    expect(isCardNumber('1234567812345670')).toBe(false);
  });
});

describe('performance', () => {
  it('redacts a 100 KB report in well under 20 ms', () => {
    const block = [
      '## Environment',
      'os: Debian GNU/Linux 12 (bookworm), node 20.11.1, Chrome/126.0.0.0, 2024-06-01T12:30:45Z',
      'Customer jane.doe@example.com called from +1 (555) 123-4567 at 203.0.113.42.',
      'Log: GET /v2/orders 401 Authorization: Bearer YkQWO.eiEKDl3mm4vMdfPhLTV3sF0xvwkWE_sD7G',
      'path /home/alice/projects/app, commit 19cd75aa65fef9f02ce76b119ff903d48bcb1c16, order 7c9e215e-dfe6-4a4a-9abc-4b3a7e38e743',
      'config: password=hunter2hunter2 api_key=xJseyGCWJr0NRNhigzxYvJ8xWjmMGzGc, card 4111 1111 1111 1111',
      'The export spins forever and the CSV is empty; the customer tried three browsers and cleared the cache.',
    ].join('\n');
    let report = '';
    while (report.length < 100 * 1024) report += `${block}\n\n`;
    const options = { personal: { homePath: '/home/alice', hostname: 'alice-laptop' } };
    createRedactor(options).redactText(report); // warm up the regex compiler
    const times: number[] = [];
    let out = '';
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      out = createRedactor(options).redactText(report);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const median = times[3]!;
    console.log(`redaction of ${(report.length / 1024).toFixed(0)} KB: median ${median.toFixed(2)} ms`);
    expect(out).not.toContain('hunter2hunter2');
    expect(out).not.toContain('jane.doe@example.com');
    expect(out).toContain('19cd75aa65fef9f02ce76b119ff903d48bcb1c16');
    // The budget is 20 ms; a generous bound keeps a loaded CI machine from flaking.
    expect(median).toBeLessThan(60);
  });

  it('does not backtrack catastrophically on long runs of token characters', () => {
    const nasty = `${'a'.repeat(50_000)}@${'b-'.repeat(20_000)} ${'password'.repeat(5000)} ${'+1 2'.repeat(10_000)} ${'1 '.repeat(20_000)}`;
    const started = performance.now();
    createRedactor().redactText(nasty);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

/**
 * Helpdesk settings through the built binary: URLs and users in config.json, tokens only in
 * credentials.json (mode 0600), never printed; and the connection resolver that lets the
 * environment override both and names exactly what is missing.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveHelpdeskConnection } from '../../src/app/helpdesk-config.js';
import { TriageError } from '../../src/core/errors.js';
import { isolatedEnv, makeHome, triage } from '../helpers/cli.js';

const TOKEN = 'rt-token-7f3a91c2';
const configDir = (home: string): string => join(isolatedEnv(home).XDG_CONFIG_HOME!, 'triage');
const credentialsPath = (home: string): string => join(configDir(home), 'credentials.json');

function failure(run: () => unknown): TriageError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TriageError);
    return error as TriageError;
  }
  throw new Error('expected a TriageError');
}

describe('helpdesk settings', () => {
  it('stores a token from stdin in credentials.json with mode 0600, never in config.json, and never prints it', () => {
    const home = makeHome();
    expect(triage(['config', 'set', 'helpdesk.rt.url', 'https://rt.example.com/'], { home }).code).toBe(0);
    const set = triage(['config', 'set', 'helpdesk.rt.token', '-'], { home, input: `${TOKEN}\n` });
    expect(set.code).toBe(0);
    expect(set.stderr).toBe(`Saved helpdesk.rt.token in ${credentialsPath(home)} (readable by you only)\n`);
    expect(statSync(credentialsPath(home)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(credentialsPath(home), 'utf8'))).toEqual({ 'helpdesk.rt.token': TOKEN });
    expect(readFileSync(join(configDir(home), 'config.json'), 'utf8')).not.toContain(TOKEN);
    // The URL is stored without its trailing slash.
    expect(triage(['config', 'get', 'helpdesk.rt.url'], { home }).stdout).toBe('https://rt.example.com\n');

    const get = triage(['config', 'get', 'helpdesk.rt.token'], { home });
    expect(get).toMatchObject({ code: 0, stdout: 'set (hidden)\n' });
    const list = triage(['config', 'list', '--json'], { home });
    expect(JSON.parse(list.stdout)).toMatchObject({ 'helpdesk.rt.url': 'https://rt.example.com', 'helpdesk.rt.token': 'set (hidden)', 'helpdesk.zendesk.token': null });
    for (const output of [set, get, list, triage(['config', 'list'], { home })]) expect(output.stdout + output.stderr).not.toContain(TOKEN);

    expect(triage(['config', 'unset', 'helpdesk.rt.token'], { home }).code).toBe(0);
    expect(triage(['config', 'get', 'helpdesk.rt.token'], { home }).stderr).toContain('helpdesk.rt.token is not set. Set it with `triage config set helpdesk.rt.token`.');
  });

  it('asks for a token only at a terminal; without one it says how to pipe it', () => {
    const home = makeHome();
    const result = triage(['config', 'set', 'helpdesk.zendesk.token'], { home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('asks for the token at a terminal');
    expect(result.stderr).toContain('printf %s "$TOKEN" | triage config set helpdesk.zendesk.token -');
    expect(existsSync(credentialsPath(home))).toBe(false);
  });

  it('narrows a credentials file others can read to 0600 and says so', () => {
    const home = makeHome();
    triage(['config', 'set', 'helpdesk.freshdesk.token', '-'], { home, input: TOKEN });
    chmodSync(credentialsPath(home), 0o644);
    const list = triage(['config', 'list'], { home });
    expect(list.stderr).toContain('could be read by other users (mode 644); it is now 0600');
    expect(statSync(credentialsPath(home)).mode & 0o777).toBe(0o600);
  });

  it('guesses the helpdesk key for a short or password-like name, and stores nothing', () => {
    const home = makeHome();
    for (const [typed, meant] of [['rt.token', 'helpdesk.rt.token'], ['helpdesk.rt.password', 'helpdesk.rt.token'], ['freshdesk.api_key', 'helpdesk.freshdesk.token'], ['zendesk.url', 'helpdesk.zendesk.url']]) {
      const result = triage(['config', 'set', typed!, 'value-4711'], { home });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`Did you mean "${meant}"?`);
      expect(result.stderr).not.toContain('value-4711');
    }
    expect(triage(['config', 'get', 'helpdesk.rt.token'], { home }).stderr).toContain('helpdesk.rt.token is not set');
  });

  it('refuses a URL that is not http(s) or carries a password, and an email that is not one', () => {
    const home = makeHome();
    const ftp = triage(['config', 'set', 'helpdesk.rt.url', 'ftp://rt.example.com'], { home });
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toContain('helpdesk.rt.url must be an http(s) URL');
    const withPassword = triage(['config', 'set', 'helpdesk.zendesk.url', 'https://me:secret@acme.zendesk.com'], { home });
    expect(withPassword.code).toBe(2);
    expect(triage(['config', 'set', 'helpdesk.zendesk.email', 'not-an-email'], { home }).code).toBe(2);
    // The API address instead of the helpdesk's: every request would go to /REST/2.0/REST/2.0/….
    const api = triage(['config', 'set', 'helpdesk.rt.url', 'https://rt.example.com/REST/2.0/'], { home });
    expect(api.code).toBe(2);
    expect(api.stderr).toContain('ends in the API path /REST/2.0');
    expect(api.stderr).toContain('to https://rt.example.com,');
    expect(triage(['config', 'get', 'helpdesk.rt.url'], { home }).stdout).not.toContain('REST');
  });
});

describe('resolveHelpdeskConnection', () => {
  it('reads settings and the stored token; the environment wins over both', () => {
    const home = makeHome();
    triage(['config', 'set', 'helpdesk.rt.token', '-'], { home, input: TOKEN });
    const env = isolatedEnv(home);
    const settings = { 'helpdesk.rt.url': 'https://rt.example.com', 'helpdesk.rt.user': 'agent' };
    expect(resolveHelpdeskConnection('rt', settings, env).connection).toEqual({ url: 'https://rt.example.com', user: 'agent', token: TOKEN, timeoutMs: 20_000 });
    const overridden = resolveHelpdeskConnection('rt', settings, {
      ...env,
      TRIAGE_RT_URL: 'http://127.0.0.1:9/',
      TRIAGE_RT_USER: 'bot',
      TRIAGE_RT_TOKEN: 'from-env',
      TRIAGE_HELPDESK_TIMEOUT: '2.5',
    });
    expect(overridden.connection).toEqual({ url: 'http://127.0.0.1:9', user: 'bot', token: 'from-env', timeoutMs: 2500 });
  });

  it('names exactly the missing setting, its variable and the command', () => {
    const env = isolatedEnv(makeHome());
    const noUrl = failure(() => resolveHelpdeskConnection('freshdesk', {}, env));
    expect(noUrl.message).toBe('Freshdesk is not set up: helpdesk.freshdesk.url is not set (nor TRIAGE_FRESHDESK_URL).');
    expect(noUrl.hint).toContain('triage config set helpdesk.freshdesk.url https://freshdesk.example.com');
    const noToken = failure(() => resolveHelpdeskConnection('zendesk', { 'helpdesk.zendesk.url': 'https://acme.zendesk.com' }, env));
    expect(noToken.message).toContain('helpdesk.zendesk.token is not set (nor TRIAGE_ZENDESK_TOKEN)');
    expect(noToken.hint).toContain('`triage config set helpdesk.zendesk.token` (asks for it hidden)');
    const noEmail = failure(() => resolveHelpdeskConnection('zendesk', { 'helpdesk.zendesk.url': 'https://acme.zendesk.com' }, { ...env, TRIAGE_ZENDESK_TOKEN: 'x' }));
    expect(noEmail.message).toContain('helpdesk.zendesk.email is not set (nor TRIAGE_ZENDESK_EMAIL)');
    const badTimeout = failure(() => resolveHelpdeskConnection('rt', { 'helpdesk.rt.url': 'https://rt.example.com' }, { ...env, TRIAGE_RT_TOKEN: 'x', TRIAGE_HELPDESK_TIMEOUT: 'soon' }));
    expect(badTimeout.message).toContain('TRIAGE_HELPDESK_TIMEOUT must be a positive number of seconds');
  });

  it('reads credentials.json only when the environment gives no token', () => {
    const home = makeHome();
    triage(['config', 'set', 'helpdesk.rt.token', '-'], { home, input: TOKEN });
    writeFileSync(credentialsPath(home), 'not json', { mode: 0o600 });
    const env = isolatedEnv(home);
    const settings = { 'helpdesk.rt.url': 'https://rt.example.com' };
    expect(resolveHelpdeskConnection('rt', settings, { ...env, TRIAGE_RT_TOKEN: 'from-env' }).connection.token).toBe('from-env');
    expect(failure(() => resolveHelpdeskConnection('rt', settings, env)).code).toBe('credentials/unreadable');
  });
});

import { describe, expect, it } from 'vitest';
import { normaliseKey, parsePastedEnvironment } from '../../src/core/env-paste.js';

const ENVINFO_TEXT = `
  System:
    OS: macOS 14.5
    CPU: (10) arm64 Apple M1 Pro
    Memory: 1.23 GB / 16.00 GB
    Shell: 5.9 - /bin/zsh
  Binaries:
    Node: 20.11.0 - ~/.nvm/versions/node/v20.11.0/bin/node
    Yarn: Not Found
    npm: 10.2.4 - ~/.nvm/versions/node/v20.11.0/bin/npm
  Browsers:
    Chrome: 126.0.6478.127
    Safari: 17.5
`;

const ENVINFO_JSON = JSON.stringify({
  System: { OS: 'Linux 6.1 Debian GNU/Linux 12 (bookworm)', CPU: '(2) x64 AMD EPYC', Memory: '20.1 GB / 23.5 GB', Container: 'Yes', Shell: { version: '5.2.15', path: '/bin/bash' } },
  Binaries: { Node: { version: '20.20.2', path: '/usr/bin/node' }, Yarn: 'Not Found', npm: { version: '11.19.1', path: '/usr/bin/npm' } },
  Browsers: { 'Chrome Canary': 'Not Found', Firefox: { version: '127.0', path: '/usr/bin/firefox' } },
});

describe('parsePastedEnvironment', () => {
  it('reads an envinfo text block', () => {
    expect(parsePastedEnvironment(ENVINFO_TEXT)).toEqual({
      os: 'macOS 14.5',
      cpus: '(10) arm64 Apple M1 Pro',
      memory: '1.23 GB / 16.00 GB',
      shell: 'zsh 5.9',
      node: '20.11.0',
      yarn: 'not found',
      npm: '10.2.4',
      chrome: '126.0.6478.127',
      safari: '17.5',
    });
  });

  it('reads envinfo --json', () => {
    expect(parsePastedEnvironment(ENVINFO_JSON)).toEqual({
      os: 'Linux 6.1 Debian GNU/Linux 12 (bookworm)',
      cpus: '(2) x64 AMD EPYC',
      memory: '20.1 GB / 23.5 GB',
      container: 'Yes',
      shell: '5.2.15',
      node: '20.20.2',
      yarn: 'not found',
      npm: '11.19.1',
      chrome_canary: 'not found',
      firefox: '127.0',
    });
  });

  it('reads our own triage env --json', () => {
    const ours = {
      schema: 'triage.env/v1',
      captured_at: '2026-11-27T10:00:00.000Z',
      redacted: true,
      system: { os: 'Windows 11 Pro', os_version: '10.0.22631', arch: 'x64' },
      binaries: { git: '2.45.1', docker: 'not found' },
      browsers: { chrome: '126.0.6478.127' },
      probes: { app_version: '4.2.0' },
    };
    expect(parsePastedEnvironment(JSON.stringify(ours, null, 2))).toEqual({
      os: 'Windows 11 Pro',
      os_version: '10.0.22631',
      arch: 'x64',
      git: '2.45.1',
      docker: 'not found',
      chrome: '126.0.6478.127',
      app_version: '4.2.0',
    });
  });

  it('reads a User-Agent', () => {
    const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
    expect(parsePastedEnvironment(`  ${ua}\n`)).toEqual({
      user_agent: ua,
      browser: 'Chrome 126.0.0.0',
      browser_os: 'Windows 10 or 11',
      browser_device: 'desktop',
    });
  });

  it('reads key: value and key=value lines with normalised keys', () => {
    const text = 'App version: 4.2.1\nPlan = Business\nOS=Windows 11\n  Browser:  "Firefox 127"\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0\nnot a pair\n2FA enabled: yes';
    expect(parsePastedEnvironment(text)).toEqual({
      app_version: '4.2.1',
      plan: 'Business',
      os: 'Windows 11',
      browser: 'Firefox 127.0',
      browser_os: 'Linux',
      browser_device: 'desktop',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
    });
  });

  it('reads a Markdown table like triage env --markdown prints', () => {
    const md = '| key | value |\n| --- | --- |\n| os | Debian GNU/Linux 12 (bookworm) |\n| git | 2.39.5 |\n| shell | a \\| b |';
    expect(parsePastedEnvironment(md)).toEqual({ os: 'Debian GNU/Linux 12 (bookworm)', git: '2.39.5', shell: 'a | b' });
  });

  it('returns nothing for empty or unparseable text', () => {
    expect(parsePastedEnvironment('')).toEqual({});
    expect(parsePastedEnvironment('it just does not work')).toEqual({});
  });

  it('gives every key the env key shape', () => {
    const fields = parsePastedEnvironment('Ünïcode Key: 1\n3D support: yes\nCPU (cores): 8');
    for (const key of Object.keys(fields)) expect(key).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(fields).toEqual({ unicode_key: '1', cpu_cores: '8' });
  });
});

describe('normaliseKey', () => {
  it.each([
    ['App version', 'app_version'],
    ['CPU', 'cpus'],
    ['Chrome Canary', 'chrome_canary'],
    ['3D', 'k_3d'],
    ['--', undefined],
  ])('%s → %s', (raw, key) => {
    expect(normaliseKey(raw)).toBe(key);
  });
});

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EnvField } from '../../src/core/model.js';
import { isTriageError } from '../../src/core/errors.js';
import {
  applicationIniVersion,
  captureEnvFields,
  captureToolVersions,
  cpuSummary,
  detectAll,
  detectValue,
  extractVersion,
  findOnPath,
  highestVersionName,
  localeFromEnv,
  macOSName,
  macOSVersionFromDarwin,
  osName,
  osVersion,
  parseOsRelease,
  plistString,
  readSystemFacts,
  terminalName,
  windowsName,
  type SystemFacts,
} from '../../src/io/probes.js';
import { describeFailure, probeValue, runCommand } from '../../src/io/run-command.js';

const NODE = process.execPath;
const node = (script: string, ...args: string[]): string[] => [NODE, '-e', script, ...args];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'triage-probes-'));
}

function executable(path: string, content: string): string {
  writeFileSync(path, content);
  chmodSync(path, 0o755);
  return path;
}

describe('runCommand', () => {
  it('runs argv without a shell and returns stdout, exit code and duration', async () => {
    const result = await runCommand(node('console.log(process.argv[1])', '$HOME; echo injected'), { timeoutMs: 10_000 });
    expect(result).toMatchObject({ passed: true, exitCode: 0, stdout: '$HOME; echo injected\n', stderr: '', timedOut: false });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(describeFailure(result)).toBeUndefined();
    expect(probeValue(result)).toBe('$HOME; echo injected');
  });

  it('gives the child an empty stdin', async () => {
    const result = await runCommand(node("process.stdin.on('data', () => {}).on('end', () => console.log('eof'))"), { timeoutMs: 10_000 });
    expect(result.stdout).toBe('eof\n');
  });

  it('reports a missing command as exit 127 with the documented wording', async () => {
    const result = await runCommand(['triage-test-no-such-command'], { timeoutMs: 5000 });
    expect(result).toMatchObject({ passed: false, exitCode: 127, timedOut: false, error: 'command not found: triage-test-no-such-command' });
    expect(describeFailure(result)).toBe('exited 127: command not found');
  });

  it('reports a non-zero exit with the first line of stderr', async () => {
    const result = await runCommand(node("console.error('boom\\nmore'); process.exit(3)"), { timeoutMs: 10_000 });
    expect(result).toMatchObject({ passed: false, exitCode: 3 });
    expect(describeFailure(result)).toBe('exited 3: boom');
  });

  it('stops a command that never ends at its timeout, with the documented wording', async () => {
    const started = performance.now();
    const result = await runCommand(node('setInterval(() => {}, 1000)'), { timeoutMs: 400 });
    const elapsed = performance.now() - started;
    expect(result.timedOut).toBe(true);
    expect(result.passed).toBe(false);
    expect(describeFailure(result)).toBe('timed out after 400 ms');
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(1400);
  });

  it('kills a command that ignores SIGTERM, and the processes it started', async () => {
    // The child starts a grandchild, prints both pids, then ignores SIGTERM forever.
    const script = [
      "const { spawn } = require('node:child_process');",
      "const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
      "console.log(process.pid + ' ' + g.pid);",
      "process.on('SIGTERM', () => {});",
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const started = performance.now();
    const result = await runCommand(node(script), { timeoutMs: 1500, killGraceMs: 200 });
    expect(performance.now() - started).toBeLessThan(2500);
    expect(result.timedOut).toBe(true);
    const [child, grandchild] = result.stdout.trim().split(' ').map(Number);
    expect(child).toBeGreaterThan(0);
    expect(grandchild).toBeGreaterThan(0);
    let gone = false;
    for (let i = 0; i < 40 && !gone; i++) {
      await sleep(50);
      gone = !alive(child!) && !alive(grandchild!);
    }
    expect(gone).toBe(true);
  });

  it('caps output and stops a command that floods it', async () => {
    const result = await runCommand(node("const s = 'x'.repeat(65536); for (;;) process.stdout.write(s)"), { timeoutMs: 10_000, maxOutputBytes: 100_000 });
    expect(result.passed).toBe(false);
    expect(result.stdout.length).toBe(100_000);
    expect(describeFailure(result)).toMatch(/^output exceeded /);
  });

  it('rejects an empty argv without spawning', async () => {
    expect(await runCommand([], { timeoutMs: 1000 })).toMatchObject({ passed: false, error: 'empty command' });
  });
});

const LINUX_FACTS: SystemFacts = {
  platform: 'linux',
  release: '6.1.0-21-amd64',
  version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.90-1',
  arch: 'x64',
  cpuModels: ['Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz', 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz'],
  parallelism: 2,
  totalMemory: 25.1 * 1024 ** 3,
  freeMemory: 21.6 * 1024 ** 3,
  nodeVersion: '20.11.1',
  env: { SHELL: '/usr/bin/zsh', TERM: 'xterm-256color', TERM_PROGRAM: 'vscode', TERM_PROGRAM_VERSION: '1.90.2', LANG: 'de_DE.UTF-8' },
  osRelease: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
  locale: 'de-DE',
  timeZone: 'Europe/Berlin',
  utcOffsetMinutes: 120,
};

describe('detect probes (pure)', () => {
  it('describes a Linux machine', () => {
    expect(detectAll(LINUX_FACTS)).toEqual({
      os: 'Debian GNU/Linux 12 (bookworm)',
      os_version: '12 (kernel 6.1.0-21-amd64)',
      arch: 'x64',
      cpus: '2 × Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz',
      memory: '25.1 GiB total, 21.6 GiB free',
      node: '20.11.1',
      shell: 'zsh (/usr/bin/zsh)',
      terminal: 'vscode 1.90.2 (TERM=xterm-256color)',
      locale: 'de-DE (LANG=de_DE.UTF-8)',
      timezone: 'Europe/Berlin (UTC+02:00)',
    });
  });

  it('names Windows 11 by build number, keeping the edition', () => {
    expect(windowsName('10.0.22631', 'Windows 10 Pro')).toBe('Windows 11 Pro');
    expect(windowsName('10.0.22000', 'Windows 10 Home')).toBe('Windows 11 Home');
    expect(windowsName('10.0.19045', 'Windows 10 Enterprise')).toBe('Windows 10 Enterprise');
    expect(windowsName('6.1.7601', 'Windows 7 Ultimate')).toBe('Windows 7 Ultimate');
    expect(windowsName('10.0.20348', 'Windows Server 2022 Datacenter')).toBe('Windows Server 2022 Datacenter');
    const facts = { ...LINUX_FACTS, platform: 'win32' as const, release: '10.0.22631', version: 'Windows 10 Pro', env: {} };
    expect(osName(facts)).toBe('Windows 11 Pro');
    expect(osVersion(facts)).toBe('10.0.22631');
  });

  it('names macOS from the Darwin release or SystemVersion.plist', () => {
    expect(macOSVersionFromDarwin('23.5.0')).toBe('14');
    expect(macOSVersionFromDarwin('24.0.0')).toBe('15');
    expect(macOSVersionFromDarwin('25.1.0')).toBe('26');
    expect(macOSVersionFromDarwin('19.6.0')).toBe('10.15');
    expect(macOSName('14')).toBe('macOS 14 Sonoma');
    expect(macOSName('14.5')).toBe('macOS 14 Sonoma');
    expect(macOSName('10.15.7')).toBe('macOS 10.15 Catalina');
    const mac = { ...LINUX_FACTS, platform: 'darwin' as const, release: '23.5.0', osRelease: undefined };
    expect(osName(mac)).toBe('macOS 14 Sonoma');
    expect(osVersion(mac)).toBe('14');
    expect(osVersion({ ...mac, macProductVersion: '14.5' })).toBe('14.5');
  });

  it('falls back when os-release is missing', () => {
    expect(osName({ ...LINUX_FACTS, osRelease: undefined })).toBe('Linux 6.1.0-21-amd64');
    expect(parseOsRelease("NAME='Alpine Linux'\nVERSION_ID=3.20.0\n# comment")).toEqual({ NAME: 'Alpine Linux', VERSION_ID: '3.20.0' });
  });

  it('summarises hybrid CPUs per model', () => {
    expect(cpuSummary({ ...LINUX_FACTS, cpuModels: ['Apple M3 Pro', 'Apple M3 Pro', 'Apple M3 Pro (E)'] })).toBe('2 × Apple M3 Pro, 1 × Apple M3 Pro (E)');
    expect(cpuSummary({ ...LINUX_FACTS, cpuModels: [], parallelism: 4 })).toBe('4 × unknown CPU');
  });

  it('recognises terminals', () => {
    expect(terminalName({ WT_SESSION: 'x' })).toBe('Windows Terminal');
    expect(terminalName({ TERM_PROGRAM: 'iTerm.app', TERM_PROGRAM_VERSION: '3.5.0', TERM: 'xterm-256color' })).toBe('iTerm.app 3.5.0 (TERM=xterm-256color)');
    expect(terminalName({ KITTY_WINDOW_ID: '1', TMUX: '/tmp/tmux', TERM: 'tmux-256color' })).toBe('kitty in tmux (TERM=tmux-256color)');
    expect(terminalName({ TERM: 'dumb' })).toBe('dumb');
    expect(terminalName({})).toBe('unknown');
  });

  it('reads the locale from the environment before asking Intl', () => {
    expect(localeFromEnv({ LANG: 'de_DE.UTF-8' })).toBe('de-DE');
    expect(localeFromEnv({ LANG: 'de_DE.UTF-8', LC_ALL: 'fr_CA.UTF-8' })).toBe('fr-CA');
    expect(localeFromEnv({ LANG: 'C.UTF-8' })).toBe('en-US');
    expect(localeFromEnv({ LANG: 'sr_RS@latin' })).toBe('sr-RS');
    expect(localeFromEnv({})).toBeUndefined();
    expect(localeFromEnv({ LANG: 'nonsense value' })).toBeUndefined();
  });

  it('takes the time zone from TZ', async () => {
    const facts = await readSystemFacts({ ...process.env, TZ: 'America/New_York' });
    expect(facts.timeZone).toBe('America/New_York');
  });

  it('reads this machine without spawning', async () => {
    const facts = await readSystemFacts();
    const values = detectAll(facts);
    expect(values.node).toBe(process.versions.node);
    expect(values.arch).toBe(process.arch);
    expect(values.memory).toMatch(/^\d+\.\d GiB total, \d+\.\d GiB free$/);
    expect(values.timezone).toMatch(/\(UTC[+-]\d\d:\d\d\)$/);
    expect(detectValue('os', facts)).not.toBe('');
  });
});

describe('version parsing', () => {
  it.each([
    ['git version 2.39.5', '2.39.5'],
    ['git version 2.45.1.windows.1', '2.45.1.windows.1'],
    ['Docker version 24.0.7, build afdd53b', '24.0.7'],
    ['Python 3.11.4', '3.11.4'],
    ['Mozilla Firefox 115.12.0esr', '115.12.0esr'],
    ['Google Chrome 126.0.6478.126 ', '126.0.6478.126'],
    ['weird', 'weird'],
  ])('%s → %s', (output, version) => {
    expect(extractVersion(output)).toBe(version);
  });

  it('reads plists, application.ini and versioned folders', () => {
    expect(plistString('<dict>\n\t<key>CFBundleShortVersionString</key>\n\t<string>126.0.6478.127</string>', 'CFBundleShortVersionString')).toBe('126.0.6478.127');
    expect(plistString('<dict></dict>', 'CFBundleShortVersionString')).toBeUndefined();
    expect(applicationIniVersion('[App]\nVendor=Mozilla\nName=Firefox\nVersion=127.0.2\nBuildID=1')).toBe('127.0.2');
    expect(highestVersionName(['SetupMetrics', '126.0.6478.9', '126.0.6478.127', '125.0.1.1'])).toBe('126.0.6478.127');
    expect(highestVersionName(['Dictionaries'])).toBeUndefined();
  });
});

describe('findOnPath', () => {
  it('finds the first executable file in PATH order', () => {
    const a = tempDir();
    const b = tempDir();
    writeFileSync(join(a, 'tool'), 'not executable');
    executable(join(b, 'tool'), '#!/bin/sh\n');
    executable(join(a, 'other'), '#!/bin/sh\n');
    mkdirSync(join(a, 'dir'));
    expect(findOnPath('tool', { PATH: `${a}:${b}` }, 'linux')).toBe(join(b, 'tool'));
    expect(findOnPath('other', { PATH: `${a}:${b}` }, 'linux')).toBe(join(a, 'other'));
    expect(findOnPath('dir', { PATH: a }, 'linux')).toBeUndefined();
    expect(findOnPath('missing', { PATH: `${a}:${b}` }, 'linux')).toBeUndefined();
  });
});

describe('captureToolVersions', () => {
  it('runs each probe concurrently with its own timeout; missing tools are "not found"', async () => {
    const bin = tempDir();
    executable(join(bin, 'git'), '#!/bin/sh\necho "git version 9.8.7"\n');
    executable(join(bin, 'docker'), '#!/bin/sh\nexec /bin/sleep 30\n');
    executable(join(bin, 'pnpm'), '#!/bin/sh\necho "segfault" >&2\nexit 139\n');
    const started = performance.now();
    const { binaries, browsers } = await captureToolVersions({ timeoutMs: 500, env: { PATH: bin }, platform: 'linux' });
    const elapsed = performance.now() - started;
    expect(binaries).toEqual({
      git: '9.8.7',
      npm: 'not found',
      yarn: 'not found',
      pnpm: 'exited 139: segfault',
      python: 'not found',
      docker: 'timed out after 500 ms',
    });
    expect(browsers).toEqual({ chrome: 'not found', chromium: 'not found', firefox: 'not found', edge: 'not found' });
    // The hung docker costs its timeout, not more.
    expect(elapsed).toBeGreaterThanOrEqual(490);
    expect(elapsed).toBeLessThan(1500);
  });

  it("reads npm's version from its package.json instead of running it", async () => {
    const root = tempDir();
    const pkg = join(root, 'lib', 'node_modules', 'npm');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'npm', version: '10.9.8' }));
    // Running it would fail loudly: the value proves it was not run.
    executable(join(pkg, 'bin', 'npm-cli.js'), '#!/bin/sh\nexit 1\n');
    mkdirSync(join(root, 'bin'));
    symlinkSync(join(pkg, 'bin', 'npm-cli.js'), join(root, 'bin', 'npm'));
    const { binaries } = await captureToolVersions({ timeoutMs: 2000, env: { PATH: join(root, 'bin') }, platform: 'linux', only: new Set(['npm']) });
    expect(binaries).toEqual({ npm: '10.9.8' });
  });

  it("reads Firefox's version from application.ini beside the binary", async () => {
    const dir = tempDir();
    executable(join(dir, 'firefox'), '#!/bin/sh\nexit 1\n');
    writeFileSync(join(dir, 'application.ini'), '[App]\nVersion=115.12.0esr\n');
    const { browsers } = await captureToolVersions({ timeoutMs: 2000, env: { PATH: dir }, platform: 'linux', only: new Set(['firefox']) });
    expect(browsers).toEqual({ firefox: '115.12.0esr' });
  });

  it('resolves a pyenv shim without running its bash script', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'shims'));
    executable(join(root, 'shims', 'python3'), '#!/bin/sh\nexec /bin/sleep 30\n');
    mkdirSync(join(root, 'versions', '3.99.1', 'bin'), { recursive: true });
    executable(join(root, 'versions', '3.99.1', 'bin', 'python3'), '#!/bin/sh\nexit 1\n');
    writeFileSync(join(root, 'version'), '3.99.1\n');
    const started = performance.now();
    const { binaries } = await captureToolVersions({
      timeoutMs: 2000,
      env: { PATH: join(root, 'shims'), PYENV_ROOT: root },
      platform: 'linux',
      only: new Set(['python']),
    });
    expect(binaries).toEqual({ python: '3.99.1' });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('captureEnvFields', () => {
  const field = (key: string, source: EnvField['source']): EnvField => ({ key, source, line: 1 });

  it('captures detect and run fields concurrently; a hung probe costs only its timeout', async () => {
    const dir = tempDir();
    // Each hung command notes when it started, then never ends.
    const hang = (name: string): string[] => node(`require('fs').writeFileSync(process.argv[1], String(Date.now())); setInterval(() => {}, 1000)`, join(dir, name));
    const fields: EnvField[] = [
      field('os', { kind: 'detect', probe: 'os' }),
      field('node_version', { kind: 'run', argv: node('console.log(process.versions.node)'), timeoutMs: 10_000 }),
      field('hangs', { kind: 'run', argv: hang('hangs'), timeoutMs: 600 }),
      field('hangs_too', { kind: 'run', argv: hang('hangs_too'), timeoutMs: 600 }),
      field('missing', { kind: 'run', argv: ['triage-test-no-such-command', '--version'], timeoutMs: 5000 }),
      field('app_version', { kind: 'ask', prompt: 'App version?', required: true }),
    ];
    const started = performance.now();
    const values = await captureEnvFields(fields, { trusted: true, facts: LINUX_FACTS });
    const elapsed = performance.now() - started;
    expect(values).toEqual({
      os: 'Debian GNU/Linux 12 (bookworm)',
      node_version: process.versions.node,
      hangs: 'timed out after 600 ms',
      hangs_too: 'timed out after 600 ms',
      missing: 'exited 127: command not found',
    });
    // Side by side, not one after the other: each started before the other's 600 ms ran out. Start
    // times, unlike the elapsed total, do not stretch when other tests load the machine.
    const startedAt = ['hangs', 'hangs_too'].map((name) => Number(readFileSync(join(dir, name), 'utf8')));
    expect(Math.abs(startedAt[0]! - startedAt[1]!)).toBeLessThan(600);
    expect(elapsed).toBeGreaterThanOrEqual(590);
    // Stopped at their timeout: never ending, they would run into the test's own 30 s.
    expect(elapsed).toBeLessThan(5_000);
  });

  it('refuses to run commands for an untrusted playbook, before running anything', async () => {
    const dir = tempDir();
    const marker = join(dir, 'ran');
    const fields = [field('x', { kind: 'run', argv: node(`require('node:fs').writeFileSync(${JSON.stringify(marker)}, '')`), timeoutMs: 5000 })];
    const error = await captureEnvFields(fields, { trusted: false, source: 'custom/export.md' }).catch((e: unknown) => e);
    expect(isTriageError(error)).toBe(true);
    expect((error as Error).message).toContain('custom/export.md');
    expect((error as { exitCode: number }).exitCode).toBe(2);
    await sleep(200);
    expect(existsSync(marker)).toBe(false);
  });

  it('captures detect fields for an untrusted playbook (they spawn nothing)', async () => {
    const values = await captureEnvFields([field('arch', { kind: 'detect', probe: 'arch' })], { trusted: false, facts: LINUX_FACTS });
    expect(values).toEqual({ arch: 'x64' });
  });
});

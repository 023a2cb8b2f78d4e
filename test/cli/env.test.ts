import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { PLAIN } from '../../src/render/style.js';
import { parsePastedEnvironment } from '../../src/core/env-paste.js';
import { DETECT_PROBES } from '../../src/core/model.js';
import { renderEnvText } from '../../src/render/env.js';
import { makeHome, triage } from '../helpers/cli.js';

const COLOR = new Chalk({ level: 1 });

interface EnvJson {
  schema: string;
  captured_at: string;
  triage: string;
  redacted: boolean;
  system: Record<string, string>;
  binaries: Record<string, string>;
  browsers: Record<string, string>;
  probes: Record<string, string>;
}

describe('triage env', () => {
  it('prints the triage.env/v1 JSON document and nothing else', () => {
    const result = triage(['env', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as EnvJson;
    expect(Object.keys(report)).toEqual(['schema', 'captured_at', 'triage', 'redacted', 'system', 'binaries', 'browsers', 'probes']);
    expect(report.schema).toBe('triage.env/v1');
    expect(Number.isNaN(Date.parse(report.captured_at))).toBe(false);
    expect(report.redacted).toBe(true);
    expect(Object.keys(report.system)).toEqual([...DETECT_PROBES]);
    expect(report.system.node).toBe(process.versions.node);
    expect(Object.keys(report.binaries)).toEqual(['git', 'npm', 'yarn', 'pnpm', 'python', 'docker']);
    expect(report.binaries.npm).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(report.browsers)).toEqual(expect.arrayContaining(['chrome', 'chromium', 'firefox', 'edge']));
    expect(report.probes).toEqual({});
  });

  it('redacts the home path by default', () => {
    const home = makeHome();
    const result = triage(['env', '--json', '--only', 'system'], { home, env: { SHELL: join(home, '.local', 'bin', 'fish') } });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as EnvJson;
    expect(report.system.shell).toBe('fish (~/.local/bin/fish)');
    expect(result.stdout).not.toContain(home);
  });

  it('redacts the hostname, emails and secrets in captured values', async () => {
    const { captureEnvironment } = await import('../../src/app/env.js');
    const { report, findings } = await captureEnvironment({
      only: ['shell', 'terminal'],
      timeoutMs: 2000,
      redact: true,
      now: new Date('2026-11-27T10:00:00Z'),
      version: '9.9.9',
      env: { SHELL: '/home/alice/bin/zsh', TERM_PROGRAM: 'alice-laptop', TERM_PROGRAM_VERSION: 'token=abcdef123456 jane@example.com' },
      homePath: '/home/alice',
      hostname: 'alice-laptop',
    });
    expect(report.system).toEqual({ shell: 'zsh (~/bin/zsh)', terminal: '[HOST] token=[REDACTED] [EMAIL-1]' });
    expect(report.captured_at).toBe('2026-11-27T10:00:00.000Z');
    expect(findings.map((f) => f.kind).sort()).toEqual(['email', 'home-path', 'hostname', 'secret-assignment']);
  });

  it('keeps everything with a loud --no-redact', () => {
    const home = makeHome();
    const result = triage(['env', '--json', '--only', 'shell', '--no-redact'], { home, env: { SHELL: join(home, 'bin', 'zsh') } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('WARNING: --no-redact');
    const report = JSON.parse(result.stdout) as EnvJson;
    expect(report.redacted).toBe(false);
    expect(report.system).toEqual({ shell: `zsh (${join(home, 'bin', 'zsh')})` });
  });

  it('selects fields and sections with --only', () => {
    const result = triage(['env', '--json', '--only', 'node,git,browsers']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as EnvJson;
    expect(Object.keys(report.system)).toEqual(['node']);
    expect(Object.keys(report.binaries)).toEqual(['git']);
    expect(Object.keys(report.browsers).length).toBeGreaterThanOrEqual(4);
  });

  it('prints Markdown tables that read back as the same fields', () => {
    const result = triage(['env', '--markdown', '--only', 'os,arch,node,git']);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('### Environment\n')).toBe(true);
    expect(result.stdout).toContain('| key | value |');
    const json = JSON.parse(triage(['env', '--json', '--only', 'os,arch,node,git']).stdout) as EnvJson;
    expect(parsePastedEnvironment(result.stdout)).toEqual({ ...json.system, ...json.binaries });
  });

  it('prints key: value lines off a terminal, which read back too', () => {
    const result = triage(['env', '--only', 'arch,node']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# System\narch: \S+\nnode: \S+\n/);
    expect(parsePastedEnvironment(result.stdout)).toEqual({ arch: process.arch, node: process.versions.node });
  });

  it('reads back its own JSON', () => {
    const out = triage(['env', '--json']).stdout;
    const report = JSON.parse(out) as EnvJson;
    expect(parsePastedEnvironment(out)).toEqual({ ...report.system, ...report.binaries, ...report.browsers });
  });

  it('records a hung tool as timed out and costs only its timeout', () => {
    const home = makeHome();
    const bin = join(home, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'docker'), '#!/bin/sh\nexec /bin/sleep 60\n');
    chmodSync(join(bin, 'docker'), 0o755);
    const started = performance.now();
    const result = triage(['env', '--json', '--only', 'docker,os', '--timeout', '700'], { home, env: { PATH: bin } });
    const elapsed = performance.now() - started;
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as EnvJson;
    expect(report.binaries).toEqual({ docker: 'timed out after 700 ms' });
    expect(report.system.os).not.toBe('');
    expect(elapsed).toBeGreaterThanOrEqual(700);
    // Start-up plus the timeout; generous for a loaded machine, far below the 60 s the tool would take.
    expect(elapsed).toBeLessThan(4000);
  });

  it.each([
    [['env', '--only', 'os,nonsense'], /Unknown field for --only: nonsense/],
    [['env', '--only', 'brwosers'], /Did you mean browsers\?/],
    [['env', '--timeout', 'soon'], /--timeout must be a whole number/],
    [['env', '--json', '--markdown'], /cannot be used with/],
  ])('rejects %j as a usage error', (args, message) => {
    const result = triage(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('shows examples in --help', () => {
    const result = triage(['env', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('triage env --json > env.json');
    expect(result.stdout).toContain('--no-redact');
  });

  it('aligns sections on a terminal and dims what is missing', () => {
    const report = {
      schema: 'triage.env/v1' as const,
      captured_at: '2026-11-27T10:00:00.000Z',
      triage: '0.1.0',
      redacted: true,
      system: { os: 'Debian GNU/Linux 12 (bookworm)', os_version: '12' },
      binaries: { git: '2.39.5', docker: 'not found' },
      browsers: {},
      probes: {},
    };
    expect(renderEnvText(report, { tty: true, style: PLAIN })).toBe(
      'System\n  os          Debian GNU/Linux 12 (bookworm)\n  os_version  12\n\nBinaries\n  git         2.39.5\n  docker      not found\n\n' +
        'Captured 2026-11-27T10:00:00.000Z by triage 0.1.0 (redacted: home path → ~, hostname → [HOST]).\n',
    );
    expect(renderEnvText(report, { tty: true, style: COLOR })).toContain('\u001b[2mnot found\u001b[22m');
  });
});

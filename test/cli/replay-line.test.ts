/**
 * The `replay` line of a report is a command an engineer runs on another machine with the same
 * playbooks: it must reach the same outcome by the same path (exit 0), even where values were
 * redacted, record a new case linked to the original, and never touch the original case.
 * Every bundled outcome is replayed, with the answers of the bundled playbook tests.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseShellWords } from 'shell-quote';
import { parse } from 'yaml';
import { BIN, ROOT, makeHome, testEnv, triage } from '../helpers/cli.js';

interface SpecCase {
  name: string;
  intake?: { customer?: string; mood?: string; channel?: string; description?: string };
  answers?: Record<string, unknown>;
  /** Injected check results: a real run runs the checks, so it may end elsewhere. */
  checks?: Record<string, unknown>;
  outcome: string;
}

function answerArg(value: unknown): string {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/** One spec case per distinct outcome of every bundled playbook. */
function bundledOutcomes(): { playbook: string; spec: SpecCase }[] {
  const dir = join(ROOT, 'playbooks');
  const all: { playbook: string; spec: SpecCase }[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.yaml')).sort()) {
    const doc = parse(readFileSync(join(dir, file), 'utf8')) as { playbook: string; cases: SpecCase[] };
    const seen = new Set<string>();
    for (const spec of doc.cases) {
      if (seen.has(spec.outcome)) continue;
      seen.add(spec.outcome);
      all.push({ playbook: doc.playbook, spec });
    }
  }
  return all;
}

function runArgs(playbook: string, spec: SpecCase, caseId: string): string[] {
  const args = ['run', playbook, '--no-input', '--format', 'json', '--case-id', caseId, '--account', 'acct-4711'];
  const intake = spec.intake ?? {};
  if (intake.customer) args.push('--customer', intake.customer);
  if (intake.mood) args.push('--mood', intake.mood);
  if (intake.channel) args.push('--channel', intake.channel);
  // An email and a phone number in the description: redacted in the report and its replay line.
  args.push('--description', `${intake.description ?? 'It does not work'} (reach me at pat.doe@example.com or +44 20 7946 0958)`);
  for (const [key, value] of Object.entries(spec.answers ?? {})) args.push('--answer', `${key}=${answerArg(value)}`);
  return args;
}

/**
 * Runs a replay line as a shell would, with `triage` being the built binary.
 */
function runReplayLine(line: string, home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  expect(line.startsWith('triage run ')).toBe(true);
  const command = `"${process.execPath}" "${BIN}" ${line.slice('triage '.length)} --format json`;
  return new Promise((resolvePromise) => {
    execFile('sh', ['-c', command], { cwd: home, env: testEnv(home), encoding: 'utf8', timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolvePromise({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** The replay line as the argv a shell would give triage: plain words only, no expansions or operators. */
function replayArgv(line: string): string[] {
  const words = parseShellWords(line);
  for (const word of words) expect(typeof word, `a shell operator or expansion in: ${line}`).toBe('string');
  expect(words.slice(0, 2)).toEqual(['triage', 'run']);
  return (words as string[]).slice(1);
}

interface JsonReport {
  case: { id: string };
  outcome: { node: string };
  playbook: { id: string };
  path: { playbook: string; node: string }[];
  replay: string;
  replay_of: string | null;
}

const pathOf = (report: JsonReport): string[] => report.path.map((s) => `${s.playbook}#${s.node}`);

describe('the replay line', () => {
  const outcomes = bundledOutcomes();

  it('covers every bundled playbook', () => {
    const playbooks = new Set(outcomes.map((o) => o.playbook));
    const files = readdirSync(join(ROOT, 'playbooks')).filter((f) => f.endsWith('.md'));
    expect(playbooks.size).toBe(files.length);
    expect(outcomes.length).toBeGreaterThan(files.length);
  });

  it('replays every bundled outcome in a fresh home: same outcome, same path, exit 0, a new linked case', { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    // In-process, for speed (the next test runs a replay line through a real shell and the
    // built binary). The originals share one history, each with its own case id; every replay gets
    // a fresh one, sharing only the cache, a shortcut that results never depend on.
    const originals = makeHome();
    const shared = { XDG_CACHE_HOME: join(originals, '.cache') };
    for (const [index, { playbook, spec }] of outcomes.entries()) {
      const caseId = `ORIG-${index}`;
      const original = triage(runArgs(playbook, spec, caseId), { home: originals });
      // A test that injects check results describes another machine: the real checks here may
      // lead where its answers do not reach. Only the replay of what really ran is in question.
      if (original.code !== 0 && spec.checks !== undefined) continue;
      if (original.code !== 0) {
        failures.push(`${playbook} / ${spec.name}: the original run exited ${original.code}: ${original.stderr.trim()}`);
        continue;
      }
      const report = JSON.parse(original.stdout) as JsonReport;
      // With injected check results the real checks decide; the replay must still agree with the original.
      if (spec.checks === undefined && report.outcome.node !== spec.outcome.replace(/^.*#/, '')) {
        failures.push(`${playbook} / ${spec.name}: the original run reached ${report.outcome.node}, not ${spec.outcome}`);
      }
      // The report printed by default (public profile) carries no personal data, not even in the replay line.
      expect(report.replay).not.toMatch(/pat\.doe@example\.com|7946|acct-4711/);
      const replayed = triage([...replayArgv(report.replay), '--format', 'json'], { home: makeHome(), env: shared });
      if (replayed.code !== 0) {
        failures.push(`${playbook} / ${spec.name}: the replay exited ${replayed.code}: ${replayed.stderr.trim()}\n  ${report.replay}`);
        continue;
      }
      const again = JSON.parse(replayed.stdout) as JsonReport;
      if (again.outcome.node !== report.outcome.node || pathOf(again).join('>') !== pathOf(report).join('>')) {
        failures.push(`${playbook} / ${spec.name}: replayed to ${again.outcome.node} by ${pathOf(again).join(' > ')}; the case went ${pathOf(report).join(' > ')}`);
      }
      expect(again.case.id).not.toBe(caseId);
      expect(again.replay_of).toBe(caseId);
    }
    expect(failures).toEqual([]);
  });

  it('leaves the original case untouched when replayed in the same home', async () => {
    const home = makeHome();
    const { playbook, spec } = outcomes.find((o) => o.playbook === 'charged-twice' && /^bug-/.test(o.spec.outcome))!;
    const original = triage(runArgs(playbook, spec, 'TRI-ORIGINAL'), { home });
    expect(original.code).toBe(0);
    const handoff = triage(['handoff', 'TRI-ORIGINAL', '--to', 'jira', '--project', 'SUP'], { home });
    expect(handoff.code).toBe(0);
    const before = triage(['cases', 'show', 'TRI-ORIGINAL', '--format', 'json'], { home });
    expect(before.code).toBe(0);

    const report = JSON.parse(original.stdout) as JsonReport;
    const replayed = await runReplayLine(report.replay, home);
    expect(replayed.code, replayed.stderr).toBe(0);
    const again = JSON.parse(replayed.stdout) as JsonReport;
    expect(again.case.id).not.toBe('TRI-ORIGINAL');
    expect(again.replay_of).toBe('TRI-ORIGINAL');

    const after = triage(['cases', 'show', 'TRI-ORIGINAL', '--format', 'json'], { home });
    expect(after.stdout).toBe(before.stdout);
    expect((JSON.parse(after.stdout) as { handoffs: unknown[] }).handoffs).toHaveLength(1);
    const list = triage(['cases', 'list'], { home });
    expect(list.stdout.split('\n').filter((line) => /^(TRI-|\S+-\d{8}-)/.test(line)).length).toBe(2);
  });

  it('refuses a --case-id that names a stored case (exit 2) and keeps it; --replace-case replaces it', () => {
    const home = makeHome();
    const { playbook, spec } = outcomes.find((o) => o.playbook === 'charged-twice')!;
    expect(triage(runArgs(playbook, spec, 'TRI-SAME'), { home }).code).toBe(0);
    const before = triage(['cases', 'show', 'TRI-SAME', '--format', 'json'], { home }).stdout;

    const reused = triage([...runArgs(playbook, spec, 'TRI-SAME'), '--customer', 'Somebody Else'], { home });
    expect(reused.code).toBe(2);
    expect(reused.stderr).toMatch(/Case TRI-SAME already exists.*--replace-case/s);
    expect(reused.stdout).toBe('');
    expect(triage(['cases', 'show', 'TRI-SAME', '--format', 'json'], { home }).stdout).toBe(before);

    const replaced = triage([...runArgs(playbook, spec, 'TRI-SAME'), '--customer', 'Somebody Else', '--replace-case'], { home });
    expect(replaced.code).toBe(0);
    expect(triage(['cases', 'show', 'TRI-SAME', '--format', 'json'], { home }).stdout).toContain('Somebody Else');
  });
});

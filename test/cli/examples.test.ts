/**
 * The examples users copy: every `$ triage …` line in `--help`, and every `triage` command in the
 * shell blocks of README.md, docs/*.md and docs/help/*.md (what `triage help <topic>` shows), is
 * run against the bundled playbooks with the built binary, in an isolated home, the way a user
 * would paste it. Interactive examples, and the few that need a server or another shell, are
 * listed with the reason they are not run; the test fails when a rule skips nothing, so the list
 * cannot go stale.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { BIN, isolatedEnv, makeHome, ROOT, triage } from '../helpers/cli.js';

interface Example {
  readonly command: string;
  readonly source: string;
}

const TRIAGE_WORD = /(^|[|;&(]\s*|<\()\s*(\w+=\S*\s+)*triage\b/;

/** `triage` commands in the shell blocks of a Markdown file (`$ ` prompts in any block). */
function markdownExamples(file: string): Example[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const examples: Example[] = [];
  for (const block of text.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)) {
    const shell = ['sh', 'bash', 'shell', 'console'].includes(block[1]!);
    for (const raw of block[2]!.replace(/\\\n\s*/g, ' ').split('\n')) {
      const prompted = raw.trimStart().startsWith('$ ');
      if (!shell && !prompted) continue;
      const command = prompted ? raw.trimStart().slice(2) : raw.trim();
      if (TRIAGE_WORD.test(command)) examples.push({ command, source: file });
    }
  }
  return examples;
}

/** The `Examples:` of `triage --help` and of every command and subcommand's `--help`. */
function helpExamples(home: string): Example[] {
  const commandsOf = (helpText: string): string[] =>
    helpText
      .slice(helpText.indexOf('\nCommands:\n'))
      .split('\n\n')[0]!
      .split('\n')
      .filter((l) => /^ {2}[a-z]/.test(l))
      .map((l) => l.trim().split(/\s/)[0]!)
      .filter((name) => name !== 'help');
  const examples: Example[] = [];
  const visit = (path: string[]): void => {
    const help = triage([...path, '--help'], { home });
    expect(help.code, `triage ${path.join(' ')} --help`).toBe(0);
    for (const line of help.stdout.split('\n')) {
      if (line.startsWith('  $ ')) examples.push({ command: line.slice(4), source: `triage ${[...path, '--help'].join(' ')}` });
    }
    if (help.stdout.includes('\nCommands:\n')) for (const name of commandsOf(help.stdout)) visit([...path, name]);
  };
  visit([]);
  return examples;
}

/** Examples not run here, each with why. A rule that matches nothing fails the test. */
const NOT_RUN: readonly { readonly why: string; readonly matches: (command: string) => boolean }[] = [
  { why: 'the guided intake needs a terminal', matches: (c) => /^triage\s*(#|$)/.test(c) },
  {
    why: 'an interactive run (no --no-input or --answers): covered by the pty tests',
    matches: (c) => /^triage (run|resume)\b/.test(c) && !/--no-input|--answers\b/.test(c),
  },
  { why: 'checks reach the network or probe this machine: covered by the check tests with local servers', matches: (c) => /^triage check\b/.test(c) },
  { why: 'creates a real issue with gh or glab', matches: (c) => c.includes('--submit') },
  { why: 'opens an editor', matches: (c) => c.includes('$EDITOR') },
  { why: 'needs a PostgreSQL server', matches: (c) => c.includes('TRIAGE_DATABASE_URL=postgres') },
  {
    why: 'needs a configured helpdesk and its token (Request Tracker, Zendesk or Freshdesk): covered by the tests against a real Request Tracker',
    matches: (c) => /--ticket\b|--to (rt|zendesk|freshdesk)\b|config set helpdesk\.\w+\.token\b/.test(c),
  },
  { why: 'zsh only', matches: (c) => /completion zsh/.test(c) && (c.includes('${fpath') || c.startsWith('source')) },
];

function skipReason(command: string, used: Set<string>): string | undefined {
  const rule = NOT_RUN.find((r) => r.matches(command));
  if (rule) used.add(rule.why);
  return rule?.why;
}

describe('examples in --help, triage help <topic>, README and docs run', () => {
  const home = makeHome();
  const bin = mkdtempSync(join(tmpdir(), 'triage-examples-bin-'));
  const template = mkdtempSync(join(tmpdir(), 'triage-examples-cwd-'));
  const markdownFiles = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs')).filter((n) => n.endsWith('.md')).map((n) => `docs/${n}`),
    ...readdirSync(join(ROOT, 'docs', 'help')).map((n) => `docs/help/${n}`),
  ];
  let examples: Example[] = [];

  beforeAll(() => {
    // `triage` on PATH is the built binary; tools that would reach a network, a clipboard or a
    // tracker are stand-ins that read their input and succeed.
    const script = (name: string, body: string): void => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    script('triage', `exec "${process.execPath}" "${BIN}" "$@"`);
    for (const tool of ['gh', 'glab', 'curl', 'pbcopy', 'dot']) script(tool, 'cat > /dev/null; exit 0');
    // jq checks that the JSON parses; where it is not installed, node stands in for that much.
    if (spawnSync('sh', ['-c', 'command -v jq']).status !== 0) script('jq', `exec "${process.execPath}" -e 'JSON.parse(require("fs").readFileSync(0, "utf8"))'`);

    // The working directory each example starts in: a copy of the bundled playbooks (for
    // `triage lint playbooks/`), the files the examples name, and a team directory with tests.
    cpSync(join(ROOT, 'playbooks'), join(template, 'playbooks'), { recursive: true });
    const answers = readFileSync(join(ROOT, 'docs', 'help', 'answers.md'), 'utf8').match(/```yaml\n([\s\S]*?)```/)![1]!;
    writeFileSync(join(template, 'answers.yaml'), answers);
    const setup = (args: string[], input?: string): string => {
      const r = triage(args, { home, cwd: template, ...(input === undefined ? {} : { input }) });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout;
    };
    setup(['new', 'my-issue', '--dir', 'playbooks']);
    setup(['new', 'team-example', '--dir', 'team-playbooks']);
    const json = setup(['run', 'upload-or-export-fails', '--answers', 'answers.yaml', '--format', 'json', '--case-id', 'TRI-20261127-7F3A']);
    const report = JSON.parse(json) as { answers: Record<string, unknown> };
    expect(Object.keys(report.answers).length).toBeGreaterThan(0);
    writeFileSync(join(template, 'answers.json'), JSON.stringify(parseYaml(answers)));
    writeFileSync(join(template, 'env.json'), setup(['env', '--json', '--only', 'system']));
    writeFileSync(join(template, 'laptop-cases.jsonl'), setup(['cases', 'export']));
    for (const dir of ['.config/fish/completions', '.local/share/bash-completion/completions']) mkdirSync(join(home, dir), { recursive: true });

    const seen = new Set<string>();
    for (const example of [...helpExamples(home), ...markdownFiles.flatMap(markdownExamples)]) {
      if (seen.has(example.command)) continue;
      seen.add(example.command);
      examples.push(example);
    }
  });

  it('finds the examples of every source', () => {
    const sources = new Set(examples.map((e) => e.source));
    for (const source of ['triage --help', 'triage run --help', 'triage cases show --help', 'README.md', 'docs/help/answers.md', 'docs/help/trust.md']) {
      expect(sources, source).toContain(source);
    }
    expect(examples.length).toBeGreaterThan(60);
  });

  it('runs every non-interactive example: exit 0 (3 where it asks --fail-on), no internal error', { timeout: 300_000 }, async () => {
    const used = new Set<string>();
    const runnable = examples.filter((e) => !skipReason(e.command, used));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !k.startsWith('TRIAGE_') && k !== 'FORCE_COLOR' && k !== 'NO_COLOR') env[k] = v;
    }
    Object.assign(env, isolatedEnv(home), { PATH: `${bin}:${process.env.PATH ?? ''}` });
    const failures: string[] = [];
    const check = ({ command, source }: Example, result: { code: number; stdout: string; stderr: string }): void => {
      const allowed = /--fail-on\b/.test(command) ? [0, 3] : [0];
      if (!allowed.includes(result.code) || /internal error/.test(result.stderr)) {
        const said = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(0, 4).join('\n  ');
        failures.push(`${source}: ${command}\n  exit ${String(result.code)}: ${said}`);
      }
    };
    const freshCwd = (): string => {
      const cwd = mkdtempSync(join(tmpdir(), 'triage-example-'));
      cpSync(template, cwd, { recursive: true });
      return cwd;
    };
    // The `triage …` at the head of a line runs in-process, its words split by bash as a user's
    // shell would, its stdin from `< file`; what follows (`| jq …`, `> file`) runs in bash on its
    // output, with pipefail's exit code. Anything else runs wholly in bash with the binary on PATH.
    const headed = runnable.filter((e) => triageSequence(e.command) !== undefined);
    for (const example of headed) check(example, await runSequence(triageSequence(example.command)!, { home, cwd: freshCwd(), env }));
    // Two at a time (examples do not depend on each other's order; each has its own directory).
    const queue = runnable.filter((e) => !headed.includes(e));
    const worker = async (): Promise<void> => {
      for (let example = queue.shift(); example; example = queue.shift()) check(example, await shell(example.command, { cwd: freshCwd(), env }));
    };
    await Promise.all([worker(), worker()]);
    expect(headed.length).toBeGreaterThan(40);
    expect(failures).toEqual([]);
    expect(runnable.length).toBeGreaterThan(40);
    expect([...used].sort()).toEqual(NOT_RUN.map((r) => r.why).sort());
  });
});

interface TriageHead {
  readonly args: string[];
  readonly stdinFile?: string;
  /** The rest of the line after the `|` or `>` that follows the triage command. */
  readonly tail?: string;
}

/** `triage <plain words> [< file] [| … or > …]`: the part a shell only splits into words; else undefined. */
function triageHead(command: string): TriageHead | undefined {
  const match = /^triage\s([^|<>;&$`()\\~*?]*?)(?:\s*<\s*([\w./-]+))?\s*(?:([|>])(.*))?$/.exec(withoutComment(command));
  if (!match || (match[3] === '|' && match[4]!.startsWith('|'))) return undefined;
  const split = spawnSync('bash', ['-c', 'eval "set -- $1"; printf "%s\\0" "$@"', '_', match[1]!], { encoding: 'utf8' });
  if (split.status !== 0) return undefined;
  return { args: split.stdout.split('\0').slice(0, -1), stdinFile: match[2], tail: match[3] === undefined ? undefined : `${match[3] === '>' ? 'cat >' : ''}${match[4]!}` };
}

/**
 * `a && b`, `a; b` and `a || exit N` where every part is a triage head: run in order as the shell
 * would (`&&` stops at a failure), exit code of the last part run.
 */
function triageSequence(command: string): { heads: TriageHead[]; joins: string[]; orExit?: number } | undefined {
  const orExit = /\s\|\|\s*exit\s+(\d+)\s*$/.exec(command);
  const body = orExit ? command.slice(0, orExit.index) : command;
  const parts = body.split(/\s*(&&|;)\s*(?=triage\s)/);
  const heads = parts.filter((_, i) => i % 2 === 0).map(triageHead);
  if (heads.some((h) => h === undefined)) return undefined;
  return { heads: heads as TriageHead[], joins: parts.filter((_, i) => i % 2 === 1), ...(orExit ? { orExit: Number(orExit[1]) } : {}) };
}

async function runSequence(
  sequence: { heads: TriageHead[]; joins: string[]; orExit?: number },
  options: { home: string; cwd: string; env: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  let last = { code: 0, stdout: '', stderr: '' };
  for (const [i, head] of sequence.heads.entries()) {
    if (i > 0 && sequence.joins[i - 1] === '&&' && last.code !== 0) break;
    const result = await runHeaded(head, options);
    last = { code: result.code, stdout: last.stdout + result.stdout, stderr: last.stderr + result.stderr };
  }
  return sequence.orExit !== undefined && last.code !== 0 ? { ...last, code: sequence.orExit } : last;
}

/** The line up to a ` #` comment outside quotes. */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && /\s/.test(line[i - 1] ?? '')) return line.slice(0, i).trimEnd();
  }
  return line;
}

async function runHeaded(head: TriageHead, options: { home: string; cwd: string; env: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  const input = head.stdinFile === undefined ? undefined : readFileSync(join(options.cwd, head.stdinFile), 'utf8');
  const first = triage(head.args, { home: options.home, cwd: options.cwd, env: { PATH: options.env.PATH }, ...(input === undefined ? {} : { input }) });
  if (head.tail === undefined) return first;
  const rest = await shell(head.tail, { cwd: options.cwd, env: options.env, input: first.stdout });
  return { code: first.code !== 0 ? first.code : rest.code, stdout: rest.stdout, stderr: first.stderr + rest.stderr };
}

/** `bash -o pipefail -c <command>`, stdin `input` or empty, with a time limit. */
function shell(command: string, options: { cwd: string; env: Record<string, string>; input?: string }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], { cwd: options.cwd, env: options.env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    child.stdin?.on('error', () => undefined).end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
  });
}

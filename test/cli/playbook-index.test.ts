/**
 * The playbook index cache, end to end: `list`, `search`, `show` and `run` read the
 * index, and between calls playbooks are edited (same size too), added, renamed and deleted. The
 * output is always what it would be with no cache at all: the test runs every command twice,
 * once with the cache of the earlier calls and once with an empty cache directory.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, makeHome, triage, type CliResult } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'triage-index-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = join(root, 'playbooks');
mkdirSync(dir);
const home = makeHome();
const cache = join(root, 'cache');

function playbook(id: string, title: string, symptom: string): string {
  return `---\nid: ${id}\ntitle: ${title}\nversion: 1.0.0\nsymptoms:\n  - ${symptom}\nenv:\n  - key: detail\n    ask: Anything else?\n    required: false\n---\n\n## Start\n\n> Does it work?\n\n- [Yes](#resolved-fine)\n- [No](#bug-broken)\n\n## Resolved: Fine\n\n\`\`\`reply\nGlad it works ({{ playbook.title }}).\n\`\`\`\n\n## Bug: Broken\n\n\`\`\`report\ntitle: ${title} is broken\n\`\`\`\n`;
}

const COMMANDS: readonly (readonly string[])[] = [
  ['list', '--json'],
  ['search', 'printer', 'jammed', '--json'],
  ['show', 'printer', '--json'],
  ['run', 'printer', '--no-input', '--no-history', '--format', 'json', '--case-id', 'TRI-INDEX-1', '-a', 'start=2'],
];

function run(args: readonly string[], cacheDir: string): CliResult {
  return triage(['--playbooks', dir, ...args], { home, env: { TRIAGE_CACHE_DIR: cacheDir, SOURCE_DATE_EPOCH: '1764201600' } });
}

/** Every command gives the same output with the warm cache as with an empty one. */
function expectCurrent(): CliResult[] {
  const fresh = join(root, `fresh-${Math.random().toString(36).slice(2)}`);
  const results = COMMANDS.map((args) => {
    const cached = run(args, cache);
    const uncached = run(args, fresh);
    expect({ code: cached.code, stdout: cached.stdout, stderr: cached.stderr }, args.join(' ')).toEqual({ code: uncached.code, stdout: uncached.stdout, stderr: uncached.stderr });
    return cached;
  });
  rmSync(fresh, { recursive: true, force: true });
  return results;
}

const listed = (result: CliResult): string[] => (JSON.parse(result.stdout) as { id: string; title: string }[]).filter((p) => !p.id.includes('-')).map((p) => `${p.id}: ${p.title}`);

describe('the playbook index between calls', () => {
  it('is always current: edits (same size too), additions, renames, deletions, a broken file', () => {
    writeFileSync(join(dir, 'printer.md'), playbook('printer', 'Printer jams AAAA', 'the printer jammed'));
    writeFileSync(join(dir, 'scanner.md'), playbook('scanner', 'Scanner is slow', 'scanning takes ages'));
    let [list, search, show, runResult] = expectCurrent();
    expect(listed(list!)).toEqual(['printer: Printer jams AAAA', 'scanner: Scanner is slow']);
    expect(JSON.parse(search!.stdout)[0].id).toBe('printer');
    expect(JSON.parse(show!.stdout).title).toBe('Printer jams AAAA');
    expect(JSON.parse(runResult!.stdout).title).toBe('Printer jams AAAA is broken');

    // Same size, right away (within the timestamp granularity of some file systems).
    const printer = join(dir, 'printer.md');
    const size = statSync(printer).size;
    writeFileSync(printer, playbook('printer', 'Printer jams BBBB', 'the printer jammed'));
    expect(statSync(printer).size).toBe(size);
    [list, , show, runResult] = expectCurrent();
    expect(listed(list!)).toContain('printer: Printer jams BBBB');
    expect(JSON.parse(runResult!.stdout).title).toBe('Printer jams BBBB is broken');

    // Same size, and the mtime set back to what it was.
    const { atimeMs, mtimeMs } = statSync(printer);
    writeFileSync(printer, playbook('printer', 'Printer jams CCCC', 'the printer jammed'));
    utimesSync(printer, atimeMs / 1000, mtimeMs / 1000);
    [list, , show] = expectCurrent();
    expect(JSON.parse(show!.stdout).title).toBe('Printer jams CCCC');

    // Same size, mtime bumped explicitly into the past, long after the last index.
    writeFileSync(printer, playbook('printer', 'Printer jams DDDD', 'the printer jammed'));
    utimesSync(printer, Date.now() / 1000 - 3600, Date.now() / 1000 - 3600);
    [list] = expectCurrent();
    expect(listed(list!)).toContain('printer: Printer jams DDDD');

    // Added, renamed (the id stays), deleted, and a file that stops parsing.
    writeFileSync(join(dir, 'router.md'), playbook('router', 'Router drops Wi-Fi', 'wifi keeps dropping'));
    renameSync(join(dir, 'scanner.md'), join(dir, 'scanner-old.md'));
    [list, search] = expectCurrent();
    expect(listed(list!)).toEqual(['printer: Printer jams DDDD', 'router: Router drops Wi-Fi', 'scanner: Scanner is slow']);
    expect(JSON.parse(list!.stdout).find((p: { id: string }) => p.id === 'scanner').path).toBe('scanner-old.md');

    unlinkSync(join(dir, 'router.md'));
    writeFileSync(join(dir, 'scanner-old.md'), '---\nid: scanner\ntitle: Scanner\nversion: 1.0\n---\n\n## Start\n');
    [list] = expectCurrent();
    expect(listed(list!)).toEqual(['printer: Printer jams DDDD']);
    expect(list!.stderr).toContain('scanner-old.md');

    // The run of a playbook that stopped parsing is exit 2 with its diagnostics, cache or not.
    writeFileSync(printer, playbook('printer', 'Printer jams EEEE', 'the printer jammed').replace('(#bug-broken)', '(#nowhere)'));
    [, , , runResult] = expectCurrent();
    expect(runResult!.code).toBe(2);
    expect(runResult!.stderr).toContain('nowhere');
  });

  it('rebuilds a corrupt cache silently, and deleting it changes nothing', () => {
    writeFileSync(join(dir, 'printer.md'), playbook('printer', 'Printer jams FFFF', 'the printer jammed'));
    const before = expectCurrent();
    for (const sub of readdirSync(cache)) {
      const path = join(cache, sub);
      for (const name of readdirSync(path)) writeFileSync(join(path, name), name.length % 2 ? '{"format":1,' : 'garbage');
    }
    const after = expectCurrent();
    expect(after.map((r) => r.stdout)).toEqual(before.map((r) => r.stdout));
    expect(after.every((r) => !r.stderr.includes('cache'))).toBe(true);
    rmSync(cache, { recursive: true, force: true });
    expect(expectCurrent().map((r) => r.stdout)).toEqual(before.map((r) => r.stdout));
  });

  it('is safe when several processes build and write it at once', async () => {
    const shared = join(root, 'shared-cache');
    for (let i = 0; i < 40; i++) writeFileSync(join(dir, `bulk-${i}.md`), playbook(`bulk-${i}`, `Bulk playbook ${i}`, `bulk symptom ${i}`));
    const env: NodeJS.ProcessEnv = { ...process.env, ...isolatedEnv(home), TRIAGE_CACHE_DIR: shared };
    delete env.TRIAGE_PLAYBOOKS;
    const once = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, '--playbooks', dir, 'list', '--json'], { env, cwd: home });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
      });
    const outputs = await Promise.all([once(), once(), once(), once()]);
    const expected = run(['list', '--json'], join(root, 'fresh-concurrent')).stdout;
    for (const output of outputs) expect(output).toBe(expected);
    expect(await once()).toBe(expected);
    const indexDir = join(shared, 'playbook-index');
    for (const name of readdirSync(indexDir)) {
      expect(name.endsWith('.tmp')).toBe(false);
      expect(() => JSON.parse(readFileSync(join(indexDir, name), 'utf8'))).not.toThrow();
    }
  });
});

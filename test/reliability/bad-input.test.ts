/**
 * The bad-input matrix, through the built binary: what agents paste, what playbook directories
 * hold, and what the disk does. Every case: a message that says what, where and what to do, the
 * exit code docs/cli.md documents, no stack trace, no raw escape sequence on the terminal,
 * and nothing lost.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import {
  EPOCH,
  HOSTILE,
  echoAnswers,
  echoPlaybook,
  expectCleanError,
  expectNoRawControls,
  expectNoStackTrace,
  childEnv,
  isolatedEnv,
  makeHome,
  run,
  tempDir,
  write,
} from './helpers.js';

/** A workspace: a HOME and a playbook directory holding echo.md. */
function workspace(): { home: string; dir: string; pb: (args: readonly string[]) => string[] } {
  const home = makeHome();
  const dir = join(tempDir(), 'playbooks');
  write(join(dir, 'echo.md'), echoPlaybook());
  return { home, dir, pb: (args) => ['--playbooks', dir, ...args] };
}

function casesJson(home: string, env: Record<string, string> = {}): { id: string }[] {
  const listed = run(['cases', 'list', '--json', '--limit', '0'], { home, env });
  expect(listed.code, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as { id: string }[];
}

const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts.reverse()) spawnSync('umount', [dir]);
});

/** Mounts a tmpfs of `size` (root only); false when this machine does not allow it. */
function mountTmpfs(dir: string, options: string): boolean {
  mkdirSync(dir, { recursive: true });
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  if (result.status !== 0) return false;
  mounts.push(dir);
  return true;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * A read-only directory: a read-only tmpfs where mounting is allowed (root), else a directory
 * without write permission (which stops any user but root).
 */
function readOnlyDir(dir: string): void {
  if (mountTmpfs(dir, 'ro,size=64k')) return;
  expect(isRoot(), 'as root without mount rights a read-only directory cannot be made').toBe(false);
  chmodSync(dir, 0o555);
}

// ---------------------------------------------------------------------------------------------

describe('answers', () => {
  it('an empty answer to a required question: exit 2 naming the key', () => {
    const { home, pb } = workspace();
    const result = run(pb(['run', 'echo', ...echoAnswers('   ')]), { home });
    expectCleanError(result, 2, /Invalid answer for "what": An answer is required\.[\s\S]*hint:/);
    expect(result.stdout).toBe('');
  });

  it('a 10 MB answer: refused in bounded time and memory with the limit named; nothing recorded', () => {
    const { home, dir, pb } = workspace();
    const answers = join(dir, '..', 'answers.yaml');
    writeFileSync(answers, `what: ${'x'.repeat(10 * 1024 * 1024)}\napp_version: 1.2.3\nstart: It broke\n`);
    const started = Date.now();
    const result = run(pb(['run', 'echo', '--answers', answers, '--no-input', '--format', 'json']), { home });
    const elapsed = Date.now() - started;
    expectCleanError(result, 2, /"what": The answer is 10,485,760 characters long; the limit is 100,000\. Paste the part that matters/);
    expect(elapsed).toBeLessThan(15_000);
    expect(casesJson(home)).toEqual([]);
  });

  it('an answer just under the limit (99,000 characters) is taken whole', () => {
    const { home, dir, pb } = workspace();
    const answers = join(dir, '..', 'answers.yaml');
    const long = 'y'.repeat(99_000);
    writeFileSync(answers, `what: ${long}\napp_version: 1.2.3\nstart: It broke\n`);
    const result = run(pb(['run', 'echo', '--answers', answers, '--no-input', '--format', 'json']), { home });
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { answers: { what: string } }).answers.what).toBe(long);
  });

  const hostileText = 'red \u001b[31mALERT\u001b[0m title \u001b]0;pwned\u0007 bell \u0007 nul \u0000 del \u007f csi \u009b2J cr\rlf';
  for (const format of ['markdown', 'text', 'jira', 'gitlab']) {
    it(`control characters and ANSI escapes in answers never reach the ${format} output raw`, () => {
      const { home, dir, pb } = workspace();
      const answers = join(dir, '..', 'answers.json');
      writeFileSync(answers, JSON.stringify({ what: hostileText, app_version: '1.2\u001b[2J', start: 'It broke' }));
      const customer = ['--customer', 'Bo \u001b[5mBlink', '--description', 'it \u001b[8mhides\u001b[0m'];
      const result = run(pb(['run', 'echo', '--answers', answers, ...customer, '--no-input', '--format', format, '--emit', 'both']), { home });
      expect(result.code, result.stderr).toBe(0);
      expectNoRawControls(result);
      // Made visible, not silently dropped: the agent can see something odd was pasted.
      expect(result.stdout).toContain('\\x00');
      // The history renders them safely too.
      const [stored] = casesJson(home);
      for (const as of ['case', 'report', 'reply']) {
        const shown = run(['cases', 'show', stored!.id, '--as', as, '--format', format === 'text' ? 'text' : 'markdown'], { home });
        expect(shown.code, shown.stderr).toBe(0);
        expectNoRawControls(shown);
      }
    });
  }

  it('control characters in answers: JSON output stays valid JSON with them made visible', () => {
    const { home, dir, pb } = workspace();
    const answers = join(dir, '..', 'answers.json');
    writeFileSync(answers, JSON.stringify({ what: hostileText, app_version: '1.2.3', start: 'It broke' }));
    const result = run(pb(['run', 'echo', '--answers', answers, '--no-input', '--format', 'json']), { home });
    expect(result.code, result.stderr).toBe(0);
    expectNoRawControls(result);
    const report = JSON.parse(result.stdout) as { answers: { what: string } };
    expect(report.answers.what).toContain('ALERT');
    expect(report.answers.what).not.toContain('\u001b');
  });

  it('an answers file that is binary, a list, invalid UTF-8, or an alias bomb: exit 2 saying what is wrong', () => {
    const { home, dir, pb } = workspace();
    const cases: [string, Buffer | string, RegExp][] = [
      ['binary.yaml', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256)), /binary\.yaml(:\d+)?: (not valid JSON or YAML|the answers must be a map|cannot be read)/],
      ['list.yaml', '- a\n- b\n', /list\.yaml: the answers must be a map of key: value/],
      ['nested.yaml', 'what:\n  deep: map\n', /the answer for "what" must be text, a number, yes\/no or a list/],
      [
        'bomb.yaml',
        'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
        /bomb\.yaml: cannot be read as answers: Excessive alias count[\s\S]*hint: .*no YAML anchors/,
      ],
    ];
    for (const [name, content, message] of cases) {
      const file = join(dir, '..', name);
      writeFileSync(file, content);
      const result = run(pb(['run', 'echo', '--answers', file, '--no-input']), { home });
      expectCleanError(result, 2, message);
      expect(result.stderr).toMatch(/hint: /);
    }
    const invalidUtf8 = join(dir, '..', 'latin1.yaml');
    writeFileSync(invalidUtf8, Buffer.concat([Buffer.from('what: caf'), Buffer.from([0xe9, 0xff]), Buffer.from('\napp_version: 1.2.3\nstart: It broke\n')]));
    const decoded = run(pb(['run', 'echo', '--answers', invalidUtf8, '--no-input', '--format', 'json']), { home });
    expect(decoded.code, decoded.stderr).toBe(0);
    expect((JSON.parse(decoded.stdout) as { answers: { what: string } }).answers.what).toBe('caf\uFFFD\uFFFD');
  });

  it('an empty answers file: exit 2 naming every answer still needed', () => {
    const { home, dir, pb } = workspace();
    const file = write(join(dir, '..', 'empty.yaml'), '');
    const result = run(pb(['run', 'echo', '--answers', file, '--no-input']), { home });
    expectCleanError(result, 2, /Missing answers for app_version, what, start[\s\S]*--answer start=…[^\n]*one of: "It broke", "Fine"[\s\S]*hint: /);
  });

  it('escape sequences in this machine\'s environment never reach `triage env` output raw', () => {
    const home = makeHome();
    const env = { TERM_PROGRAM: 'evil\u001b[31mX\u001b]0;title\u0007', LANG: 'en_US\u001b[2J', SHELL: '/bin/ba\u001bsh' };
    for (const format of [[], ['--markdown'], ['--json']]) {
      const result = run(['env', ...format, '--only', 'system'], { home, env, timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(0);
      expectNoRawControls(result);
    }
  });

  it('an answers file with a BOM and Windows line endings is read like any other', () => {
    const { home, dir, pb } = workspace();
    const file = join(dir, '..', 'crlf.yaml');
    writeFileSync(file, '\uFEFFwhat: it broke\r\napp_version: 1.2.3\r\nstart: It broke\r\n');
    const result = run(pb(['run', 'echo', '--answers', file, '--no-input', '--format', 'json']), { home });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ answers: { what: 'it broke' }, environment: { app_version: '1.2.3' } });
  });

  it('flags and files that do not exist or make no sense: exit 2, each with a hint', () => {
    const { home, dir, pb } = workspace();
    const matrix: [readonly string[], RegExp][] = [
      [pb(['run', 'echo', '--answers', join(dir, 'missing.yaml'), '--no-input']), /Cannot read the answers file .*missing\.yaml: ENOENT/],
      [pb(['run', 'echo', '--answers', dir, '--no-input']), /Cannot read the answers file .*: EISDIR/],
      [pb(['run', 'echo', '--answer', 'novalue', '--no-input']), /--answer "novalue" is not key=value/],
      [pb(['run', 'echo', '--answer', '=x', '--no-input']), /--answer "=x" is not key=value/],
      [pb(['run', 'nope', '--no-input']), /No playbook with id "nope"/],
      [pb(['run', 'echo', '--format', 'pdf']), /argument 'pdf' is invalid/],
      [pb(['run', 'echo', '--channel', 'fax']), /argument 'fax' is invalid/],
      [pb(['run', 'echo', ...echoAnswers('x'), '--case-id', '../../etc/passwd']), /"..\/..\/etc\/passwd" is not a valid case id/],
      [['--playbooks', join(dir, 'nowhere'), 'list'], /--playbooks .*nowhere: no such directory/],
      [['--playbooks', join(dir, 'echo.md'), 'list'], /is a file, not a directory/],
      [['lint', join(dir, 'nowhere.md')], /nowhere\.md: no such file or directory/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['run', '--frobnicate'], /unknown option '--frobnicate'/],
      [['cases', 'show', 'TRI-NOPE'], /TRI-NOPE/],
      [['resume'], /There is no interrupted case to resume/],
      [['config', 'set', 'agent.nmae', 'x'], /agent\.nmae/],
    ];
    for (const [args, message] of matrix) {
      const result = run(args, { home });
      expectCleanError(result, 2, message);
      expect(result.stdout, args.join(' ')).toBe('');
    }
    // Through the shebang, as `triage` runs once installed: Node itself must not take --env-file.
    const envFile = spawnSync(BIN, pb(['run', 'echo', ...echoAnswers('x'), '--env-file', join(dir, 'none.json')]), { cwd: home, env: childEnv(home), encoding: 'utf8' });
    expectCleanError({ code: envFile.status ?? -1, stdout: envFile.stdout, stderr: envFile.stderr }, 2, /Cannot read the environment file .*none\.json: ENOENT[\s\S]*hint: /);
    const epoch = run(pb(['run', 'echo', ...echoAnswers('x')]), { home, env: { SOURCE_DATE_EPOCH: 'yesterday' } });
    expectCleanError(epoch, 2, /SOURCE_DATE_EPOCH must be a number of seconds; got "yesterday"/);
  });

  it('--output to a directory: exit 2, and the case is still in the history', () => {
    const { home, dir, pb } = workspace();
    const result = run(pb(['run', 'echo', ...echoAnswers('x'), '--output', dir]), { home });
    expectCleanError(result, 2, /Could not write .*: EISDIR[\s\S]*hint: Choose another --output path; the case itself is saved in the history/);
    expect(casesJson(home)).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------

describe('playbook files', () => {
  function lintDir(files: Record<string, string | Buffer>): { home: string; dir: string } {
    const home = makeHome();
    const dir = join(tempDir(), 'playbooks');
    for (const [name, content] of Object.entries(files)) write(join(dir, name), content);
    return { home, dir };
  }

  it('empty, binary, invalid UTF-8 and NUL-holding files: diagnostics with file:line, exit 1; the rest still load', () => {
    const { home, dir } = lintDir({
      'echo.md': echoPlaybook(),
      'empty.md': '',
      'binary.md': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)),
      'latin1.md': Buffer.concat([Buffer.from(echoPlaybook('latin1').replace('title: Echo', 'title: Caf')), Buffer.from([0xe9, 0x0a])]),
      'nul.md': echoPlaybook('nul').replace('It works.', 'It \u0000 works.'),
    });
    const lint = run(['lint', dir], { home });
    expect(lint.code).toBe(1);
    expectNoStackTrace(lint);
    expectNoRawControls(lint);
    expect(lint.stdout).toMatch(/empty\.md:1:1 +error +No front matter\.[^\n]*front-matter\/missing/);
    expect(lint.stdout).toMatch(/binary\.md:1:1 +error +No front matter/);
    expect(lint.stdout).toMatch(/latin1\.md:\d+:\d+ +warning +This line has bytes that are not valid UTF-8[^\n]*file\/encoding/);
    expect(lint.stdout).not.toMatch(/(echo|nul)\.md/);
    const list = run(['--playbooks', dir, 'list', '--json'], { home });
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((p) => p.id)).toEqual(expect.arrayContaining(['echo', 'latin1', 'nul']));
    expect(list.stderr).toMatch(/2 playbook files with errors left out:[\s\S]*binary\.md[\s\S]*empty\.md[\s\S]*Run `triage lint`/);
    const broken = run(['--playbooks', dir, 'run', 'binary', '--no-input'], { home });
    expectCleanError(broken, 2);
  });

  it('control characters and ANSI escapes in playbook text never reach lint, list, show, graph, search or run output raw', () => {
    const home = makeHome();
    const dir = join(tempDir(), 'playbooks');
    for (const name of readdirSync(join(HOSTILE, 'escapes'))) write(join(dir, name), readFileSync(join(HOSTILE, 'escapes', name)));
    const commands: (readonly string[])[] = [
      ['lint', dir],
      ['lint', dir, '--format', 'github'],
      ['--playbooks', dir, 'list'],
      ['--playbooks', dir, 'search', 'escape'],
      ['--playbooks', dir, 'show', 'escapes'],
      ['--playbooks', dir, 'graph', 'escapes'],
      ['--playbooks', dir, 'graph', 'escapes', '--format', 'dot'],
      ['--playbooks', dir, 'graph', 'escapes', '--format', 'tree'],
      ['--playbooks', dir, 'run', 'escapes', '--answer', 'start=1', '--answer', 'app_version=1', '--no-input', '--format', 'text', '--emit', 'both'],
      ['--playbooks', dir, 'run', 'escapes', '--answer', 'start=1', '--answer', 'app_version=1', '--no-input', '--format', 'markdown', '--emit', 'both'],
      ['--playbooks', dir, 'run', 'escapes', '--answer', 'start=Nope\u001b[2J', '--answer', 'app_version=1', '--no-input'],
      ['cases', 'list'],
    ];
    for (const args of commands) {
      const result = run(args, { home });
      expectNoStackTrace(result);
      expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBeLessThanOrEqual(2);
      expectNoRawControls(result);
    }
  });

  it('Windows line endings and a BOM: lint clean, and the same report as the LF file', () => {
    const home = makeHome();
    const lf = join(tempDir(), 'lf');
    const crlf = join(tempDir(), 'crlf');
    write(join(lf, 'echo.md'), echoPlaybook());
    write(join(crlf, 'echo.md'), `\uFEFF${echoPlaybook().replace(/\n/g, '\r\n')}`);
    const lint = run(['lint', crlf], { home });
    expect(lint.code, lint.stdout).toBe(0);
    const report = (dir: string) => {
      const result = run(['--playbooks', dir, 'run', 'echo', ...echoAnswers('line one'), '--format', 'json', '--case-id', 'TRI-1', '--no-history'], { home, env: EPOCH });
      expect(result.code, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as Record<string, unknown>;
      delete json.playbook;
      delete json.replay;
      return json;
    };
    expect(report(crlf)).toEqual(report(lf));
  });

  it('symlink loops in a playbook directory: every playbook found once, and lint ends', () => {
    const { home, dir } = lintDir({ 'echo.md': echoPlaybook(), 'sub/other.md': echoPlaybook('other') });
    symlinkSync('..', join(dir, 'sub', 'up'));
    symlinkSync(join(dir, 'sub'), join(dir, 'sub', 'again'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    const lint = run(['lint', dir], { home, timeoutMs: 20_000 });
    expect(lint.code, lint.stdout).toBe(0);
    expect(lint.stdout).toMatch(/^2 playbooks checked/m);
    const list = run(['--playbooks', dir, 'list', '--json'], { home });
    expect((JSON.parse(list.stdout) as { id: string }[]).filter((p) => ['echo', 'other'].includes(p.id))).toHaveLength(2);
  });

  it('a FIFO named like a playbook is reported, never read (reading it would block forever)', () => {
    const { home, dir } = lintDir({ 'echo.md': echoPlaybook() });
    execFileSync('mkfifo', [join(dir, 'pipe.md')]);
    mkdirSync(join(dir, 'folder.md'));
    write(join(dir, 'folder.md', 'inner.md'), echoPlaybook('inner'));
    const lint = run(['lint', dir], { home, timeoutMs: 20_000 });
    expect(lint.code).toBe(1);
    expect(lint.stdout).toMatch(/pipe\.md:1:1 +error +This is not a regular file \(a FIFO, socket or device\), so it was not read/);
    // A directory named x.md is a directory: its playbooks load.
    expect(lint.stdout).toMatch(/^2 playbooks checked: 1 error/m);
    const list = run(['--playbooks', dir, 'list', '--json'], { home, timeoutMs: 20_000 });
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((p) => p.id)).toEqual(expect.arrayContaining(['echo', 'inner']));
  });

  it('an unreadable file and an unreadable directory: reported with the reason; run refuses that playbook (as another user)', () => {
    const { home, dir } = lintDir({ 'echo.md': echoPlaybook(), 'secret.md': echoPlaybook('secret'), 'locked/inner.md': echoPlaybook('inner') });
    chmodSync(join(dir, 'secret.md'), 0o000);
    chmodSync(join(dir, 'locked'), 0o000);
    let prefix: string[] = [];
    if (isRoot()) {
      // root reads everything: run triage as `nobody`, with a HOME it may write.
      for (const path of [home, join(dir, '..'), dir]) chmodSync(path, 0o777);
      prefix = ['runuser', '-u', 'nobody', '--'];
    }
    const asUser = (args: readonly string[]) => {
      const env = { ...process.env, ...isolatedEnv(home) };
      const result = spawnSync(prefix[0] ?? process.execPath, [...prefix.slice(1), ...(prefix.length ? [process.execPath] : []), BIN, ...args], { cwd: home, env, encoding: 'utf8', timeout: 30_000 });
      return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    };
    const lint = asUser(['lint', dir]);
    expect(lint.code, lint.stderr).toBe(1);
    expectNoStackTrace(lint);
    expect(lint.stdout).toMatch(/secret\.md:1:1 +error +Cannot read this file \(EACCES\)\. Check its permissions, or move it out of the playbook directory\. +file\/unreadable/);
    expect(lint.stdout).toMatch(/locked:1:1 +error +Cannot read this directory \(EACCES\); its playbooks were not loaded\. Check its permissions\./);
    const ran = asUser(['--playbooks', dir, 'run', 'secret', '--no-input']);
    expectCleanError(ran, 2, /(secret|has errors|No playbook with id "secret")/);
    const fine = asUser(['--playbooks', dir, 'run', 'echo', ...echoAnswers('x'), '--format', 'json', '--no-history']);
    expect(fine.code, fine.stderr).toBe(0);
  });

  it('a 100,000-node playbook: lint finishes in bounded time and memory, clean or with diagnostics', () => {
    const dir = tempDir();
    const n = 100_000;
    const node = (i: number, exit: boolean) => `## Node ${i}\n\n> Question ${i}?\n\n- [Yes](#node-${(i + 1) % n})\n${exit ? '- [No](#resolved-done)\n' : ''}`;
    const head = (id: string) => `---\nid: ${id}\ntitle: Huge\nversion: 1.0.0\n---\n\n`;
    const tail = '## Resolved: Done\n\n```reply\nPlease restart the app.\n```\n';
    write(join(dir, 'with-exit', 'huge.md'), head('huge') + Array.from({ length: n }, (_, i) => node(i, true)).join('\n') + tail);
    write(join(dir, 'no-exit', 'huge.md'), head('huge') + Array.from({ length: n }, (_, i) => node(i, false)).join('\n') + tail);
    for (const [sub, code, expected] of [
      ['with-exit', 0, /^1 playbook checked, no problems\.$/m],
      ['no-exit', 1, /flow\/cycle-no-exit/],
    ] as const) {
      const started = Date.now();
      // A 1.5 GB heap cap: running out of memory would crash (not exit 0 or 1).
      const result = spawnSync(process.execPath, ['--max-old-space-size=1536', BIN, 'lint', join(dir, sub, 'huge.md')], {
        encoding: 'utf8',
        env: childEnv(makeHome()),
        timeout: 90_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      const elapsed = Date.now() - started;
      expect(result.status, result.stderr.slice(0, 2000)).toBe(code);
      expectNoStackTrace({ code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr });
      expect(result.stdout).toMatch(expected);
      expect(elapsed).toBeLessThan(60_000);
    }
  }, 200_000);
});

// ---------------------------------------------------------------------------------------------

describe('the data and config directories', () => {
  it('a full disk for the data directory (a 64 KB tmpfs): exit 2 saying the disk is full; nothing half-written', () => {
    const { home, pb } = workspace();
    const data = join(tempDir(), 'data');
    const mounted = mountTmpfs(data, 'size=64k');
    // Without mount rights, a data directory that is a file gives the same path through the code.
    if (!mounted) writeFileSync(data, 'not a directory');
    if (mounted) writeFileSync(join(data, 'filler'), Buffer.alloc(64 * 1024 - 1));
    const result = run(pb(['run', 'echo', ...echoAnswers('x'), '--format', 'json']), { home, env: { TRIAGE_DATA_DIR: data } });
    expectCleanError(result, 2, mounted ? /Could not save the session to .*: the disk is full \(ENOSPC\)[\s\S]*hint: The disk is full\. Free some space/ : /Could not save the session/);
    expect(result.stdout).toBe('');
    if (mounted) {
      rmSync(join(data, 'filler'));
      // With room again, the same command works: nothing was left in the way.
      const again = run(pb(['run', 'echo', ...echoAnswers('x'), '--format', 'json']), { home, env: { TRIAGE_DATA_DIR: data } });
      expect(again.code, again.stderr).toBe(0);
    }
    if (!mounted) console.info('bad-input: mount -t tmpfs is not allowed here; the full disk was simulated with a data directory that is a file');
  });

  it('room for the session but not the history: the report is printed and the case is kept in the session file', () => {
    const { home, pb } = workspace();
    const data = join(tempDir(), 'data');
    expect(mountTmpfs(data, 'size=64k'), 'mount -t tmpfs is not allowed here').toBe(true);
    writeFileSync(join(data, 'filler'), Buffer.alloc(40 * 1024));
    const result = run(pb(['run', 'echo', ...echoAnswers('kept'), '--format', 'json', '--case-id', 'TRI-FULL-1']), { home, env: { TRIAGE_DATA_DIR: data } });
    expect(result.code, result.stderr).toBe(0);
    expectNoStackTrace(result);
    expect(result.stderr).toMatch(/The case could not be added to the history \([^)]*\)\. It is kept in .*sessions\/TRI-FULL-1\.json/);
    const kept = JSON.parse(readFileSync(join(data, 'sessions', 'TRI-FULL-1.json'), 'utf8')) as { status: string; report: { answers: { what: string } } };
    expect(kept.status).toBe('done');
    expect(kept.report.answers.what).toBe('kept');
    expect(JSON.parse(result.stdout)).toMatchObject({ case: { id: 'TRI-FULL-1' } });
  });

  it('a read-only data directory: run and cases say which directory and what to do, exit 2', () => {
    const { home, pb } = workspace();
    const data = join(tempDir(), 'data');
    readOnlyDir(data);
    const ran = run(pb(['run', 'echo', ...echoAnswers('x')]), { home, env: { TRIAGE_DATA_DIR: data } });
    expectCleanError(ran, 2, new RegExp(`Could not save the session to ${data}/sessions: [^\\n]*(read-only|permission denied)[\\s\\S]*hint: Check that ${data} is writable, or set TRIAGE_DATA_DIR`));
    for (const args of [['cases', 'list'], ['cases', 'stats'], ['cases', 'search', 'x']]) {
      const result = run(args, { home, env: { TRIAGE_DATA_DIR: data } });
      expectCleanError(result, 2, /Cannot open the case history .*cases\.db[\s\S]*hint: Check that the directory is writable, or set TRIAGE_DATA_DIR/);
    }
    const resume = run(['resume'], { home, env: { TRIAGE_DATA_DIR: data } });
    expectCleanError(resume, 2, /There is no interrupted case to resume/);
  });

  it('a data directory that is a file: exit 2 naming it, not an internal error', () => {
    const { home, pb } = workspace();
    const file = write(join(tempDir(), 'data'), 'a file');
    const result = run(pb(['run', 'echo', ...echoAnswers('x')]), { home, env: { TRIAGE_DATA_DIR: file } });
    expectCleanError(result, 2, /Could not save the session to .*: a part of the path is a file, not a directory \(ENOTDIR\)/);
  });

  it('a read-only config directory: config set and trust exit 2 with the file and what to do', () => {
    const home = makeHome();
    const config = join(tempDir(), 'config');
    readOnlyDir(config);
    for (const args of [['config', 'set', 'agent.name', 'Sam'], ['trust', ROOT]]) {
      const result = run(args, { home, env: { TRIAGE_CONFIG_DIR: config } });
      expectCleanError(result, 2, /config\.json: Could not save the settings \((EROFS|EACCES)\)\.[\s\S]*hint: Check that .* is writable, or set TRIAGE_CONFIG_DIR/);
    }
    // Reading still works, with defaults.
    const get = run(['config', 'list'], { home, env: { TRIAGE_CONFIG_DIR: config } });
    expect(get.code, get.stderr).toBe(0);
    expect(existsSync(join(config, 'config.json'))).toBe(false);
  });
});

/**
 * Playbooks come from many authors. Through the built binary: commands run only from trusted
 * directories (also across links and symlinks); no answer ever reaches a shell; templates cannot
 * run code or read files, and runaway templates stop; links cannot leave the playbook
 * directories; a catastrophic regex cannot hang the tool. Fixtures: test/fixtures/hostile/.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOSTILE, expectCleanError, expectNoStackTrace, makeHome, run, tempDir, write } from './helpers.js';

/** A copy of a fixture directory (commands write next to the working directory, never into the repo). */
function copyFixture(name: string): string {
  const dir = join(tempDir(), name.replace(/\//g, '-'));
  cpSync(join(HOSTILE, name), dir, { recursive: true });
  return dir;
}

function files(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

// ---------------------------------------------------------------------------------------------

describe('commands run only from trusted directories', () => {
  it('an untrusted playbook with a probe and a check: refused before anything runs; trusted, it runs', () => {
    const home = makeHome();
    const dir = copyFixture('commands/untrusted');
    const refused = run(['--playbooks', dir, 'run', 'probe', '--no-input'], { home });
    expectCleanError(refused, 2, /Playbook probe would run commands, and its directory is not trusted:[\s\S]*touch probe-ran[\s\S]*touch check-ran[\s\S]*Nothing was run\.[\s\S]*hint: If you trust this playbook's author, run `triage trust/);
    const check = run(['--playbooks', dir, 'check', 'probe'], { home });
    expectCleanError(check, 2, /would run commands, and its directory is not trusted/);
    expect(files(home).filter((f) => f.endsWith('-ran'))).toEqual([]);

    expect(run(['trust', dir], { home }).code).toBe(0);
    const trusted = run(['--playbooks', dir, 'run', 'probe', '--no-input', '--format', 'json'], { home });
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(files(home).filter((f) => f.endsWith('-ran'))).toEqual(['check-ran', 'probe-ran']);
  });

  it('a trusted playbook that links into an untrusted directory: refused before even its own check runs', () => {
    const home = makeHome();
    const root = tempDir();
    cpSync(join(HOSTILE, 'commands'), root, { recursive: true });
    expect(run(['trust', join(root, 'trusted')], { home }).code).toBe(0);
    const args = ['--playbooks', join(root, 'trusted'), '--playbooks', join(root, 'untrusted'), 'run', 'entry', '--no-input', '--answer', 'where-next=1'];
    const refused = run(args, { home });
    expectCleanError(refused, 2, /Playbook probe would run commands, and its directory is not trusted:[\s\S]*untrusted\/probe\.md[\s\S]*Nothing was run\./);
    expect(files(home).filter((f) => f.endsWith('-ran'))).toEqual([]);
    // --allow-commands is the explicit, one-run override.
    const allowed = run([...args, '--allow-commands', '--format', 'json'], { home });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(files(home).filter((f) => f.endsWith('-ran'))).toEqual(['check-ran', 'entry-ran', 'probe-ran']);
  });

  it('a symlink in a trusted directory to a playbook elsewhere does not lend it trust', () => {
    const home = makeHome();
    const trusted = join(tempDir(), 'trusted');
    const elsewhere = copyFixture('commands/untrusted');
    write(join(trusted, 'README.txt'), 'trusted playbooks\n');
    symlinkSync(join(elsewhere, 'probe.md'), join(trusted, 'probe.md'));
    expect(run(['trust', trusted], { home }).code).toBe(0);
    const refused = run(['--playbooks', trusted, 'run', 'probe', '--no-input'], { home });
    expectCleanError(refused, 2, /would run commands, and its directory is not trusted/);
    expect(files(home).filter((f) => f.endsWith('-ran'))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('no answer ever reaches a shell', () => {
  const hostile = {
    subst: '$(touch MARKER-subst)',
    tick: '`touch MARKER-tick`',
    semi: 'x; touch MARKER-semi; echo',
    lines: 'first line\ntouch MARKER-newline\n  && rm -rf "$HOME"',
    option: '--eval=require("fs").writeFileSync("MARKER-option","")',
  };

  it('shell syntax and options in answers arrive as single, intact argv elements; nothing executes', () => {
    const home = makeHome();
    const dir = copyFixture('argv');
    const out = join(home, 'argv.json');
    expect(run(['trust', dir], { home }).code).toBe(0);
    const answers = write(
      join(home, 'answers.json'),
      JSON.stringify({ ...hostile, many: ['a; touch x', '$(b)'], out, extra: "'; touch MARKER-env; '" }),
    );
    const result = run(['--playbooks', dir, 'run', 'argv', '--answers', answers, '--no-input', '--format', 'json'], { home });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome: { node: 'resolved-recorded' } });
    const argv = JSON.parse(readFileSync(out, 'utf8')) as string[];
    expect(argv).toEqual([hostile.subst, hostile.tick, hostile.semi, hostile.lines, hostile.option, 'a; touch x, $(b)', "'; touch MARKER-env; '", '$(touch never)']);
    expect(files(home).filter((f) => /MARKER|never|^x$/.test(f))).toEqual([]);

    // The replay command in the report is quoted for a POSIX shell: pasting it runs nothing else.
    const replay = (JSON.parse(result.stdout) as { replay: string }).replay;
    const words = spawnSync('sh', ['-c', `printf '%s\\0' ${replay.replace(/^triage /, '')}`], { cwd: home, encoding: 'utf8' });
    expect(words.status).toBe(0);
    const parsed = words.stdout.split('\0');
    expect(parsed).toContain(`subst=${hostile.subst}`);
    expect(parsed).toContain(`lines=${hostile.lines}`);
    expect(files(home).filter((f) => /MARKER|never|^x$/.test(f))).toEqual([]);
  });

  it('`triage check` substitutes --answer values the same way', () => {
    const home = makeHome();
    const dir = copyFixture('argv');
    const out = join(home, 'check.json');
    const args = ['--playbooks', dir, 'check', 'argv', '--allow-commands', '--answer', `out=${out}`, ...Object.entries(hostile).flatMap(([k, v]) => ['--answer', `${k}=${v}`])];
    const result = run(args, { home });
    expect(result.code, result.stderr).toBe(0);
    const argv = JSON.parse(readFileSync(out, 'utf8')) as string[];
    expect(argv.slice(0, 5)).toEqual([hostile.subst, hostile.tick, hostile.semi, hostile.lines, hostile.option]);
    expect(files(home).filter((f) => /MARKER|never/.test(f))).toEqual([]);
  });

  it('an answer starting with "-" is refused (exit 2, naming the key) unless `--` precedes it or `allow-options` lists it', () => {
    const home = makeHome();
    const dir = copyFixture('argv');
    const path = join(dir, 'argv.md');
    write(path, readFileSync(path, 'utf8').replace('allow-options: [option]\n', ''));
    const out = join(home, 'refused.json');
    const lint = run(['--playbooks', dir, 'lint'], { home });
    expect(lint.stdout).toContain('check/placeholder-option');
    for (const command of [
      ['check', 'argv', '--allow-commands', '--answer', `out=${out}`, ...Object.entries(hostile).flatMap(([k, v]) => ['--answer', `${k}=${v}`])],
      ['run', 'argv', '--allow-commands', '--no-input', '--answers', write(join(home, 'a.json'), JSON.stringify({ ...hostile, many: ['c'], out, extra: 'e' }))],
    ]) {
      const refused = run(['--playbooks', dir, ...command], { home });
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/answer for "option" starts with "-"/);
      expect(refused.stderr).toContain('argv.md:');
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    }
    // With `--` before the placeholders the same answer is one plain argument.
    write(path, readFileSync(path, 'utf8').replace("process.argv.slice(2)))\", '{{env.out}}'", "process.argv.slice(2).filter((a) => a !== '--')))\", '{{env.out}}', '--'"));
    const allowed = run(['--playbooks', dir, 'check', 'argv', '--allow-commands', '--answer', `out=${out}`, ...Object.entries(hostile).flatMap(([k, v]) => ['--answer', `${k}=${v}`])], { home });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as string[]).slice(0, 5)).toEqual([hostile.subst, hostile.tick, hostile.semi, hostile.lines, hostile.option]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('templates cannot run code or read files', () => {
  const dir = join(HOSTILE, 'templates');

  it('include, render, layout and lookups of constructor/__proto__/prototype on known objects are lint errors', () => {
    const lint = run(['lint', dir, '--format', 'json']);
    expect(lint.code).toBe(1);
    const diagnostics = (JSON.parse(lint.stdout) as { diagnostics: { file: string; rule: string; message: string; severity: string }[] }).diagnostics.filter((d) => d.severity === 'error');
    const of = (file: string) => diagnostics.filter((d) => d.file.endsWith(file)).map((d) => `${d.rule}: ${d.message}`);
    expect(of('rejected.md')).toEqual([
      expect.stringMatching(/^template\/undefined-variable: .*`customer` has no `constructor`/),
      expect.stringMatching(/^template\/undefined-variable: .*`playbook` has no `__proto__`/),
      expect.stringMatching(/^template\/undefined-variable: .*`case` has no `prototype`/),
      expect.stringMatching(/^template\/invalid: .*`\{% include %\}` is not allowed: templates cannot read other files\. Check/),
    ]);
    expect(of('render-tag.md')).toEqual([expect.stringMatching(/^template\/invalid: .*`\{% render %\}` is not allowed/)]);
    expect(of('layout-tag.md')).toEqual([expect.stringMatching(/^template\/invalid: .*`\{% layout %\}` is not allowed/)]);
    expect(of('templates.md')).toEqual([]);
    for (const id of ['rejected', 'render-tag', 'layout-tag']) {
      const refused = run(['--playbooks', dir, 'run', id, '--answer', 'start=1', '--no-input']);
      expectCleanError(refused, 2, new RegExp(`Playbook ${id} has \\d+ errors? and cannot be run`));
    }
  });

  it('lookups lint cannot see (on local variables) render as nothing', () => {
    const result = run(['--playbooks', dir, 'run', 'templates', '--answer', 'what=hello', '--answer', 'start=Lookups', '--no-input', '--format', 'json', '--emit', 'both']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { title: string; expected: string; actual: string; reply: string };
    expect(report.title).toBe('T[]');
    expect(report.expected).toBe('[][]');
    expect(report.reply.split('\n').slice(0, 3)).toEqual(['[][][][]', '[][][][]', '[][,][]']);
    expect(result.stdout).not.toMatch(/function|native code|Object\]|prototype|__proto__|constructor/);
  });

  for (const [choice, what] of [
    ['Loop', 'a 100,000,000-iteration loop'],
    ['Growth', 'a string doubled 40 times'],
  ] as const) {
    it(`${what} stops at the limit: exit 2 in bounded time, saying where and what to change`, () => {
      const started = Date.now();
      const result = run(['--playbooks', dir, 'run', 'templates', '--answer', 'what=x', '--answer', `start=${choice}`, '--no-input']);
      expect(Date.now() - started).toBeLessThan(10_000);
      expectCleanError(result, 2, /templates\.md:\d+: reply block: memory limit exceeded: the template would produce too much[\s\S]*hint: /);
      expect(result.stderr).not.toMatch(/templates\.md:\d+: [^\n]*templates\.md:\d+/);
    });
  }

  it('10,000 nested ifs: a lint error (nested too deeply), not a crash', () => {
    const home = makeHome();
    const deep = write(
      join(tempDir(), 'deep', 'deep.md'),
      `---\nid: deep\ntitle: Deep\nversion: 1.0.0\n---\n\n## Start\n\n- [Go](#resolved-go)\n\n## Resolved: Go\n\n\`\`\`reply\n${'{% if true %}'.repeat(10_000)}x${'{% endif %}'.repeat(10_000)}\n\`\`\`\n`,
    );
    const lint = run(['lint', deep], { home });
    expect(lint.code).toBe(1);
    expectNoStackTrace(lint);
    expect(lint.stdout).toMatch(/template\/invalid/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('links cannot leave the playbook directories', () => {
  const inside = join(HOSTILE, 'links', 'inside');

  it('relative, absolute and percent-encoded escapes are lint errors, and run refuses the playbook', () => {
    const lint = run(['lint', inside]);
    expect(lint.code).toBe(1);
    const escapes = lint.stdout.split('\n').filter((l) => l.includes('link/outside-directories'));
    expect(escapes.filter((l) => l.includes('escape.md'))).toHaveLength(3);
    expect(escapes.filter((l) => l.includes('sneaky.md'))).toHaveLength(1);
    expect(escapes.join('\n')).toMatch(/escape\.md:9:3 +error +Link to \.\.\/\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd\.md points outside every playbook directory/);
    expect(escapes.join('\n')).toMatch(/escape\.md:10:3 +error +Link to \/etc\/passwd\.md#root points outside/);
    const refused = run(['--playbooks', inside, 'run', 'escape', '--answer', 'start=Fine', '--no-input']);
    expectCleanError(refused, 2, /Playbook escape has 3 errors and cannot be run\.[\s\S]*link\/outside-directories/);
  });

  it('an escaping link in a linked playbook is never followed, even to a loaded playbook with that file name', () => {
    const home = makeHome();
    // `passwd` is loaded, from another directory; sneaky.md's ../outside/passwd.md still leaves every directory.
    const other = copyFixture('links/outside');
    const result = run(['--playbooks', inside, '--playbooks', other, 'run', 'innocent', '--answer', 'start=1', '--no-input', '--format', 'json'], { home });
    expectCleanError(result, 2, /sneaky\.md:\d+: "Start" \(#start\) in playbook "sneaky" leads to \.\.\/outside\/passwd\.md, which is not loaded/);
    expect(result.stdout).not.toContain('a link left the playbook directories');
  });
});

// ---------------------------------------------------------------------------------------------

describe('a catastrophic regex cannot hang the tool', () => {
  const dir = join(HOSTILE, 'redos');

  it('lint rejects exponential patterns in env fields, asks and expect.stdout', () => {
    const lint = run(['lint', dir]);
    expect(lint.code).toBe(1);
    const catastrophic = lint.stdout.split('\n').filter((l) => l.includes('pattern/catastrophic'));
    expect(catastrophic.map((l) => l.split(/\s+/)[0])).toEqual([expect.stringMatching(/redos\.md:6:1$/), expect.stringMatching(/redos\.md:13:1$/), expect.stringMatching(/slow-check\.md:9:1$/)]);
  });

  it('at run time (run skips the analysis) matching an answer is cut off: exit 2 in bounded time', () => {
    const started = Date.now();
    const result = run(['--playbooks', dir, 'run', 'redos', '--answer', 'serial=abc123', '--answer', `name=${'a'.repeat(40)}!`, '--answer', 'start=Go', '--no-input']);
    const elapsed = Date.now() - started;
    expectCleanError(result, 2, /Invalid answer for "name": Could not be checked against the pattern \^\(a\+\)\+\$ in time: the pattern is too slow on this answer/);
    expect(elapsed).toBeLessThan(10_000);
    // A matching answer is unaffected.
    const fine = run(['--playbooks', dir, 'run', 'redos', '--answer', 'serial=abc123', '--answer', 'name=aaaa', '--answer', 'start=Go', '--no-input', '--format', 'json', '--no-history']);
    expect(fine.code, fine.stderr).toBe(0);
  });

  it('a check expect.stdout that backtracks on the output fails the check in bounded time instead of hanging', () => {
    const home = makeHome();
    const started = Date.now();
    const result = run(['--playbooks', dir, 'run', 'slow-check', '--allow-commands', '--no-input', '--format', 'json'], { home });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { outcome: { node: string }; path: { answer: string }[] };
    expect(report.outcome.node).toBe('escalate-no-match');
    expect(report.path[0]!.answer).toMatch(/check failed \(expect\.stdout .* took too long to match the output\)/);
  });

  it('a check block’s expect (exit code and stdout) decides pass or fail', () => {
    const result = run(['--playbooks', dir, 'run', 'expect-exit', '--allow-commands', '--no-input', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome: { node: 'resolved-down-as-expected' } });
    const check = run(['--playbooks', dir, 'check', 'expect-exit', '--allow-commands', '--json']);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ checks: [{ node: 'start', passed: true, exit_code: 1 }] });
  });
});

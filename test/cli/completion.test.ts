/**
 * Shell completion, in the real shells: the bash script is sourced in bash and asked for
 * completions the way readline asks (COMP_WORDS/COMP_CWORD, then _triage); fish answers
 * `complete -C`; zsh parses the script and runs it with compadd/_describe stubs that print what
 * would be offered. A `triage` shim on the PATH runs the built binary, as an installed one would.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, makeHome, triage } from '../helpers/cli.js';


let home: string;
let shellEnv: NodeJS.ProcessEnv;
let caseId: string;
let extraDir: string;

beforeAll(() => {
  home = makeHome();
  const bin = join(home, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'triage'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'triage'), 0o755);
  extraDir = join(home, 'team playbooks');
  mkdirSync(extraDir);
  writeFileSync(join(extraDir, 'team-only.md'), '---\nid: team-only\ntitle: Only in the team directory\nversion: 1.0.0\n---\n\n## Resolved: Done\n');
  writeFileSync(join(extraDir, 'notes.md'), '# Not a playbook\n');
  shellEnv = { ...process.env, ...isolatedEnv(home), PATH: `${bin}:${process.env.PATH ?? ''}` };
  for (const key of Object.keys(shellEnv)) if (key.startsWith('TRIAGE_')) delete shellEnv[key];
  const created = triage(['run', 'upload-or-export-fails', '--no-input', '--case-id', 'TRI-20261127-C0DE', '--format', 'json',
    '--answer', 'browser=Firefox 127', '--answer', 'upload-or-export=Exporting data', '--answer', 'export_format=CSV', '--answer', 'row_count=5200',
    '--answer', 'how-big-is-the-export=Smaller, and the file is empty or cut short', '--answer', 'rows_expected=5200', '--answer', 'rows_received=0', '--answer', 'do-filters-explain-the-missing-rows=No filter; the file really has fewer rows'], { home });
  expect(created.code).toBe(0);
  caseId = 'TRI-20261127-C0DE';
  // Each shell loads the script from a file written once: what is completed is the same as with
  // `source <(triage completion bash)` (run by the examples test), without a process per line.
  for (const name of ['bash', 'zsh', 'fish']) writeFileSync(join(home, `completion.${name}`), triage(['completion', name], { home }).stdout);
}, 60_000);

function shell(file: string, args: string[]): string {
  const result = spawnSync(file, args, { env: shellEnv, cwd: home, encoding: 'utf8', timeout: 20_000 });
  if (result.status !== 0) throw new Error(`${file} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** What bash offers for the words (the last one is the word being completed). */
function bashComplete(words: string[]): string[] {
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const out = shell('bash', ['-c', `source "$HOME/completion.bash"; COMP_WORDS=(${quoted}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _triage; printf '%s\\n' "\${COMPREPLY[@]}"`]);
  return out.split('\n').filter((line) => line !== '');
}

describe('bash', () => {
  it('completes commands and subcommands', () => {
    expect(bashComplete(['triage', 'ru'])).toEqual(['run']);
    expect(bashComplete(['triage', 'ha'])).toEqual(['handoff']);
    expect(bashComplete(['triage', 'cases', 's'])).toEqual(['show', 'search', 'stats']);
    expect(bashComplete(['triage', ''])).toEqual(expect.arrayContaining(['run', 'resume', 'list', 'cases', 'handoff', 'completion', 'help']));
    expect(bashComplete(['triage', ''])).not.toContain('__complete');
  });

  it('completes flags of the command and the global ones', () => {
    expect(bashComplete(['triage', 'run', '--f'])).toEqual(['--format', '--fail-on']);
    expect(bashComplete(['triage', 'run', '--pl'])).toEqual(['--playbooks']);
    expect(bashComplete(['triage', 'handoff', '--s'])).toEqual(['--set-status', '--submit']);
    expect(bashComplete(['triage', 'cases', 'show', '--c'])).toEqual(['--copy', '--color']);
  });

  it('completes flag values, also after = in one word or split by readline', () => {
    expect(bashComplete(['triage', 'run', '--format', ''])).toEqual(['markdown', 'text', 'json', 'jira', 'gitlab']);
    expect(bashComplete(['triage', 'run', '--format=j'])).toEqual(['--format=json', '--format=jira']);
    expect(bashComplete(['triage', 'run', '--format', '=', 'g'])).toEqual(['gitlab']);
    expect(bashComplete(['triage', 'handoff', '--to', ''])).toEqual(['github', 'gitlab', 'jira', 'rt', 'zendesk', 'freshdesk']);
    expect(bashComplete(['triage', 'run', 'x', '--mood', 'f'])).toEqual(['frustrated']);
    expect(bashComplete(['triage', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
  });

  it('completes playbook ids for run, show, graph and check', () => {
    for (const command of ['run', 'show', 'graph', 'check']) {
      expect(bashComplete(['triage', command, 'upload'])).toEqual(['upload-or-export-fails']);
    }
    expect(bashComplete(['triage', 'run', ''])).toEqual(expect.arrayContaining(['cannot-log-in', 'upload-or-export-fails', 'refund-request']));
    // A playbook is taken once; a flag's value is not a playbook.
    expect(bashComplete(['triage', 'run', 'upload-or-export-fails', ''])).toEqual([]);
    expect(bashComplete(['triage', 'run', '--customer', 'Dana', 'upl'])).toEqual(['upload-or-export-fails']);
  });

  it('finds playbooks in --playbooks directories given earlier on the line', () => {
    expect(bashComplete(['triage', '--playbooks', extraDir, 'run', 'team'])).toEqual(['team-only']);
    expect(bashComplete(['triage', 'run', 'team'])).toEqual([]);
    // Markdown without front matter is not offered.
    expect(bashComplete(['triage', '--playbooks', extraDir, 'run', 'no'])).toEqual([]);
  });

  it('completes case ids for cases show, cases export and handoff', () => {
    expect(bashComplete(['triage', 'cases', 'show', 'TRI'])).toEqual([caseId]);
    expect(bashComplete(['triage', 'cases', 'export', caseId, 'TRI'])).toEqual([caseId]);
    expect(bashComplete(['triage', 'handoff', '--to', 'github', ''])).toEqual([caseId]);
  });

  it('completes help topics and setting keys', () => {
    expect(bashComplete(['triage', 'help', 'ex'])).toEqual(['exit-codes']);
    expect(bashComplete(['triage', 'help', 'tr'])).toEqual(['trust']);
    expect(bashComplete(['triage', 'config', 'set', 'agent.'])).toEqual(['agent.name', 'agent.title']);
    expect(bashComplete(['triage', 'config', 'set', 'helpdesk.rt.'])).toEqual(['helpdesk.rt.url', 'helpdesk.rt.user', 'helpdesk.rt.token']);
  });
});

describe('triage __complete', () => {
  it('lists ids with a description, and stays out of --help', () => {
    const playbooks = triage(['__complete', 'playbooks'], { home });
    expect(playbooks.code).toBe(0);
    expect(playbooks.stdout).toContain('upload-or-export-fails\tFile upload or export fails\n');
    const cases = triage(['__complete', 'cases'], { home });
    expect(cases.stdout).toMatch(new RegExp(`^${caseId}\tupload-or-export-fails · bug`));
    expect(triage(['--help'], { home }).stdout).not.toContain('__complete');
  });

  it('prints nothing rather than an error when the history is unusable', () => {
    const result = triage(['__complete', 'cases'], { home: makeHome(), env: { TRIAGE_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } });
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('fish', () => {
  const fishComplete = (line: string): string[] =>
    shell('fish', ['-c', `source "$HOME/completion.fish"; complete -C '${line}'`])
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t')[0]!);

  it('parses, and completes commands, flags, values and ids', () => {
    shell('sh', ['-c', 'triage completion fish > "$HOME/triage.fish" && fish -n "$HOME/triage.fish"']);
    expect(fishComplete('triage ru')).toEqual(['run']);
    expect(fishComplete('triage cases s')).toEqual(['search', 'show', 'stats']);
    expect(fishComplete('triage run --form')).toEqual(['--format']);
    expect(fishComplete('triage run --format ')).toEqual(['gitlab', 'jira', 'json', 'markdown', 'text']);
    expect(fishComplete('triage show upl')).toEqual(['upload-or-export-fails']);
    expect(fishComplete('triage run upload-or-export-fails ')).not.toContain('cannot-log-in');
    expect(fishComplete('triage handoff TRI')).toEqual([caseId]);
  });
});

describe('zsh', () => {
  // compadd/_describe/_files only exist inside a completion widget: stand-ins print the candidates
  // (without the prefix filtering zsh itself would do).
  const STUBS = [
    'compdef() { :; }',
    'compadd() { while (( $# )); do case $1 in -P) shift 2;; -a) print -l -- ${(P)2}; shift 2;; *) shift;; esac; done; }',
    '_describe() { local item; for item in ${(P)4}; do print -- ${item%%:*}; done; }',
    '_files() { print -- "<files $*>"; }',
    'compset() { return 0; }',
  ].join('\n');
  const zshComplete = (words: string[]): string[] =>
    shell('zsh', ['-c', `${STUBS}\nsource "$HOME/completion.zsh"\nwords=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=\${#words}; _triage`])
      .split('\n')
      .filter((l) => l !== '');

  it('parses, and offers commands, flags, values and ids', () => {
    shell('sh', ['-c', 'triage completion zsh > "$HOME/_triage" && zsh -n "$HOME/_triage"']);
    expect(zshComplete(['triage', ''])).toEqual(expect.arrayContaining(['run', 'cases', 'handoff']));
    expect(zshComplete(['triage', 'cases', ''])).toEqual(expect.arrayContaining(['show', 'export']));
    expect(zshComplete(['triage', 'run', '--'])).toEqual(expect.arrayContaining(['--format', '--copy', '--playbooks']));
    expect(zshComplete(['triage', 'run', '--format', ''])).toEqual(['markdown', 'text', 'json', 'jira', 'gitlab']);
    expect(zshComplete(['triage', 'graph', ''])).toEqual(expect.arrayContaining(['upload-or-export-fails', 'cannot-log-in']));
    expect(zshComplete(['triage', 'cases', 'show', ''])).toEqual([caseId]);
    expect(zshComplete(['triage', 'lint', ''])).toEqual(['<files >']);
    expect(zshComplete(['triage', 'run', 'upload-or-export-fails', ''])).toEqual([]);
  });
});

describe('the scripts without the shells', () => {
  it('generate for each shell and name the install steps', () => {
    for (const name of ['bash', 'zsh', 'fish']) {
      const result = triage(['completion', name], { home });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`triage completion ${name}`);
      expect(result.stdout).toContain('__complete');
    }
    expect(triage(['completion', 'bash'], { home }).stdout).toMatch(/\ncomplete -F _triage triage\n$/);
    expect(triage(['completion', 'zsh'], { home }).stdout).toMatch(/^#compdef triage\n/);
    expect(triage(['completion', 'fish'], { home }).stdout).toContain("complete -c triage -n '__triage_at \\'run\\' 1' -a '(__triage_ids playbooks)'");
    const bad = triage(['completion', 'powershell'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bash, zsh, fish/);
  });
});

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCommandsAllowed, commandsOf, createTrustCheck, reachablePlaybooks } from '../../src/app/trust.js';
import { TriageError } from '../../src/core/errors.js';
import type { Playbook } from '../../src/core/model.js';
import { loadPlaybookDirectories } from '../../src/io/load-playbooks.js';
import type { PlaybookLibrary } from '../../src/core/flow-types.js';

/** A playbook that runs one env command (line 6) and one check (line 12), and may link elsewhere. */
function withCommands(id: string, link?: string): string {
  return `---
id: ${id}
title: ${id}
version: 1.0.0
env:
  - key: tool_version
    run: [tool, --version]
---

## Is the service up?

${link ? `Before checking, the customer may need [the other playbook](${link}).\n\n` : ''}\`\`\`check
run: [curl, -fsS, https://status.example.com]
pass: resolved-it-is-up
fail: "#bug-it-is-down"
\`\`\`

## Resolved: It is up

\`\`\`reply
1. Reload the page.
\`\`\`

## Bug: It is down

\`\`\`reply
Our engineers are on it.
\`\`\`
`;
}

function noCommands(id: string, link?: string): string {
  return `---
id: ${id}
title: ${id}
version: 1.0.0
---

## Start

- [Done](#resolved-done)
${link ? `- [Other](${link})\n` : ''}
## Resolved: Done

\`\`\`reply
1. Reload the page.
\`\`\`
`;
}

let root: string;
let bundled: string;
let team: string;
let teamSub: string;
let teamOther: string;
let library: PlaybookLibrary;
const byId = (id: string): Playbook => {
  const playbook = library.get(id);
  if (!playbook) throw new Error(`fixture ${id} did not load`);
  return playbook;
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'triage-trust-'));
  bundled = join(root, 'pkg', 'playbooks');
  team = join(root, 'team');
  teamSub = join(team, 'billing');
  // Shares a prefix with `team`: trusting team must not trust this one.
  teamOther = join(root, 'team-other');
  for (const dir of [bundled, teamSub, teamOther]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(bundled, 'bundled-check.md'), withCommands('bundled-check'));
  writeFileSync(join(team, 'team-check.md'), withCommands('team-check'));
  writeFileSync(join(teamSub, 'sub-check.md'), withCommands('sub-check'));
  writeFileSync(join(teamOther, 'other-check.md'), withCommands('other-check'));
  writeFileSync(join(teamOther, 'plain.md'), noCommands('plain'));
  // An innocent-looking trusted playbook that links into an untrusted one with commands.
  writeFileSync(join(team, 'entry.md'), noCommands('entry', '../team-other/other-check.md'));
  const loaded = loadPlaybookDirectories([
    { path: bundled, origin: 'bundled' },
    { path: team, origin: 'flag' },
    { path: teamOther, origin: 'flag' },
  ]);
  expect(loaded.diagnostics).toEqual([]);
  library = loaded.library;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('createTrustCheck', () => {
  it('allows bundled playbooks with nothing trusted', () => {
    const trusted = createTrustCheck({ bundledDir: bundled, trustedDirs: [], allowCommands: false });
    expect(trusted(byId('bundled-check'))).toBe(true);
    expect(trusted(byId('team-check'))).toBe(false);
  });

  it('allows a trusted directory and every directory below it, and nothing beside it', () => {
    const trusted = createTrustCheck({ bundledDir: bundled, trustedDirs: [team], allowCommands: false });
    expect(trusted(byId('team-check'))).toBe(true);
    expect(trusted(byId('sub-check'))).toBe(true);
    expect(trusted(byId('other-check'))).toBe(false);
  });

  it('trusting a subdirectory does not trust its parent', () => {
    const trusted = createTrustCheck({ bundledDir: bundled, trustedDirs: [teamSub], allowCommands: false });
    expect(trusted(byId('sub-check'))).toBe(true);
    expect(trusted(byId('team-check'))).toBe(false);
  });

  it('compares real paths: a symlink to a trusted directory is trusted; a stored trusted path that is now a symlink trusts nothing', () => {
    const link = join(root, 'link-to-team');
    symlinkSync(team, link);
    const viaLink = loadPlaybookDirectories([{ path: link, origin: 'flag' }]).library.get('team-check')!;
    expect(createTrustCheck({ bundledDir: bundled, trustedDirs: [team], allowCommands: false })(viaLink)).toBe(true);
    expect(createTrustCheck({ bundledDir: bundled, trustedDirs: [link], allowCommands: false })(byId('team-check'))).toBe(false);
    expect(createTrustCheck({ bundledDir: bundled, trustedDirs: [link], allowCommands: false })(viaLink)).toBe(false);
  });

  it('a symlink inside a trusted directory to a file or directory elsewhere is not trusted', () => {
    const dir = join(root, 'trusted-with-links');
    mkdirSync(dir);
    symlinkSync(join(teamOther, 'other-check.md'), join(dir, 'linked-file.md'));
    symlinkSync(teamOther, join(dir, 'linked-dir'));
    const loaded = loadPlaybookDirectories([{ path: dir, origin: 'flag' }]);
    const trusted = createTrustCheck({ bundledDir: bundled, trustedDirs: [dir], allowCommands: false });
    const viaLinks = loaded.parsed.filter((p) => p.id === 'other-check');
    expect(viaLinks.map((p) => p.path.slice(dir.length + 1)).sort()).toEqual(['linked-dir/other-check.md', 'linked-file.md']);
    for (const p of viaLinks) expect(trusted(p), p.path).toBe(false);
  });

  it('--allow-commands allows everything', () => {
    expect(createTrustCheck({ bundledDir: bundled, trustedDirs: [], allowCommands: true })(byId('other-check'))).toBe(true);
  });
});

describe('assertCommandsAllowed', () => {
  const policy = (trustedDirs: string[]) => createTrustCheck({ bundledDir: bundled, trustedDirs, allowCommands: false });

  it('lets an untrusted playbook without commands run', () => {
    expect(() => assertCommandsAllowed(library, byId('plain'), policy([]))).not.toThrow();
  });

  it('blocks an untrusted playbook with commands: exit 2, every command with file:line, and the way out', () => {
    let error: TriageError | undefined;
    try {
      assertCommandsAllowed(library, byId('other-check'), policy([team]));
    } catch (e) {
      error = e as TriageError;
    }
    expect(error).toBeInstanceOf(TriageError);
    const file = join(teamOther, 'other-check.md');
    expect(error).toMatchObject({ code: 'trust/untrusted-commands', exitCode: 2, file, line: 6 });
    expect(error!.message).toContain(`${file}:6  tool --version`);
    expect(error!.message).toContain(`${file}:12  curl -fsS https://status.example.com`);
    expect(error!.message).toMatch(/Nothing was run\.$/);
    expect(error!.hint).toContain(`triage trust ${teamOther}`);
    expect(error!.hint).toContain('--allow-commands');
  });

  it('follows links: a trusted playbook that leads into an untrusted one with commands is blocked', () => {
    expect(reachablePlaybooks(library, byId('entry')).map((p) => p.id)).toEqual(['entry', 'other-check']);
    expect(() => assertCommandsAllowed(library, byId('entry'), policy([team]))).toThrow(/other-check would run commands/);
    expect(() => assertCommandsAllowed(library, byId('entry'), policy([team, teamOther]))).not.toThrow();
  });

  it('lets trusted and bundled playbooks with commands run', () => {
    expect(() => assertCommandsAllowed(library, byId('bundled-check'), policy([]))).not.toThrow();
    expect(() => assertCommandsAllowed(library, byId('sub-check'), policy([team]))).not.toThrow();
  });
});

describe('commandsOf', () => {
  it('lists env run probes and check blocks with their lines', () => {
    expect(commandsOf(byId('team-check')).map((c) => [c.line, c.argv.join(' ')])).toEqual([
      [6, 'tool --version'],
      [12, 'curl -fsS https://status.example.com'],
    ]);
  });
});

/**
 * Commands in playbooks (env `run:` probes and check blocks) and network probes (`probe:` checks)
 * run only for bundled playbooks,
 * directories the user trusted, or with --allow-commands. Decided before anything runs.
 */
import { realpathSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { EXIT, TriageError } from '../core/errors.js';
import type { PlaybookLibrary } from '../core/flow-types.js';
import type { Playbook } from '../core/model.js';
import { NETWORK_PROBES } from '../core/probe-checks.js';

export interface TrustPolicy {
  readonly bundledDir: string;
  readonly trustedDirs: readonly string[];
  readonly allowCommands: boolean;
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/**
 * A trusted directory as `triage trust` recorded it: its real path then. It counts only while that
 * path still is that directory: once it (or a directory above it) has been replaced by a symlink,
 * it would trust wherever the symlink points, so it trusts nothing.
 */
function stillTrusted(dir: string): boolean {
  try {
    return realpathSync(dir) === dir;
  } catch {
    return false;
  }
}

export function createTrustCheck(policy: TrustPolicy): (playbook: Playbook) => boolean {
  const roots = [real(policy.bundledDir), ...policy.trustedDirs.filter(stillTrusted)];
  // By where the file really is, not the playbook directory it was found in: trusting
  // `team/billing` covers `team/billing/x.md` when `team` is what was searched, and a symlink in a
  // trusted directory to a file or directory elsewhere does not bring that file into trust.
  // A repository's `.triage/playbooks` comes with whatever was cloned: trusting a directory above
  // it (`~/work`) does not trust it; only trusting that directory (or one inside it) does.
  return (playbook) => {
    if (policy.allowCommands) return true;
    const file = dirname(real(playbook.path));
    const project = isProjectDirectory(playbook.dir) ? real(playbook.dir) : undefined;
    return roots.some((root) => isInside(file, root) && (project === undefined || isInside(root, project)));
  };
}

/** A working directory's `.triage/playbooks` (the project playbook directory). */
function isProjectDirectory(dir: string): boolean {
  return /(^|[\\/])\.triage[\\/]playbooks[\\/]?$/.test(dir);
}

export interface PlaybookCommand {
  readonly playbook: Playbook;
  readonly argv: readonly string[];
  readonly line: number;
}

export function commandsOf(playbook: Playbook): PlaybookCommand[] {
  const commands: PlaybookCommand[] = [];
  for (const field of playbook.env) {
    if (field.source.kind === 'run') commands.push({ playbook, argv: field.source.argv, line: field.line });
  }
  for (const node of playbook.nodes) {
    // Network probes reach hosts the author chose, with answers in the URL: trusted like commands.
    const probe = node.check?.probe;
    if (probe && NETWORK_PROBES.has(probe.name)) commands.push({ playbook, argv: ['probe:', probe.name, ...probe.targets], line: node.check!.line });
    else if (node.check && !probe) commands.push({ playbook, argv: node.check.run, line: node.check.line });
  }
  return commands;
}

/** The start playbook and every playbook its links can reach. */
export function reachablePlaybooks(library: PlaybookLibrary, start: Playbook): Playbook[] {
  const seen = new Map<string, Playbook>([[start.path, start]]);
  const queue = [start];
  while (queue.length > 0) {
    const playbook = queue.shift()!;
    for (const node of playbook.nodes) {
      for (const choice of node.choices) {
        if (!choice.target.file) continue;
        const target = library.resolveLink(playbook, choice.target);
        if (target && !seen.has(target.playbook.path)) {
          seen.set(target.playbook.path, target.playbook);
          queue.push(target.playbook);
        }
      }
    }
  }
  return [...seen.values()];
}

/** Throws (exit 2) before anything runs when a reachable playbook would run an untrusted command. */
export function assertCommandsAllowed(library: PlaybookLibrary, start: Playbook, isTrusted: (p: Playbook) => boolean): void {
  const blocked = reachablePlaybooks(library, start)
    .filter((p) => !isTrusted(p))
    .flatMap(commandsOf);
  if (blocked.length === 0) return;
  const first = blocked[0]!;
  const list = blocked
    .slice(0, 5)
    .map((c) => `  ${c.playbook.path}:${c.line}  ${c.argv.join(' ')}`)
    .join('\n');
  throw new TriageError(
    'trust/untrusted-commands',
    `Playbook ${first.playbook.id} would run commands, and its directory is not trusted:\n${list}${blocked.length > 5 ? `\n  … and ${blocked.length - 5} more` : ''}\nNothing was run.`,
    {
      exitCode: EXIT.usage,
      file: first.playbook.path,
      line: first.line,
      hint: `If you trust this playbook's author, run \`triage trust ${first.playbook.dir}\`, or pass --allow-commands for this run only.`,
      topic: 'trust',
    },
  );
}

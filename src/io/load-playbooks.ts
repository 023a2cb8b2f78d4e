/**
 * Reads and parses every playbook of the given directories. One broken file never stops the
 * others: its problems become diagnostics and the rest load.
 */
import { readFileSync } from 'node:fs';
import { createLibrary } from '../core/library.js';
import type { Diagnostic, Playbook } from '../core/model.js';
import type { PlaybookLibrary } from '../core/flow-types.js';
import { parsePlaybook } from '../core/parse-playbook.js';
import { listingDiagnostic, listPlaybookFiles, type FoundFile, type ListingProblem, type PlaybookDirectory } from './discovery.js';

export interface LoadedPlaybooks {
  readonly directories: readonly PlaybookDirectory[];
  /** Every playbook that parsed, in directory order (an overridden one appears before its override). */
  readonly parsed: readonly Playbook[];
  /** The playbooks in effect: one per id, the last directory winning. */
  readonly effective: readonly Playbook[];
  readonly library: PlaybookLibrary;
  /** Parse diagnostics and unreadable files. */
  readonly diagnostics: readonly Diagnostic[];
  readonly fileCount: number;
}

export function loadPlaybookFiles(files: readonly FoundFile[], directories: readonly PlaybookDirectory[], problems: readonly ListingProblem[] = []): LoadedPlaybooks {
  const parsed: Playbook[] = [];
  const diagnostics: Diagnostic[] = problems.map(listingDiagnostic);
  for (const file of files) {
    let source: string;
    try {
      source = readFileSync(file.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      diagnostics.push(unreadable(file.path, `Cannot read this file (${code}). Check its permissions, or move it out of the playbook directory.`));
      continue;
    }
    const result = parsePlaybook(source, { path: file.path, dir: file.dir.path });
    diagnostics.push(...result.diagnostics);
    if (result.playbook) parsed.push(result.playbook);
  }
  const effectiveById = new Map<string, Playbook>();
  for (const playbook of parsed) {
    effectiveById.delete(playbook.id);
    effectiveById.set(playbook.id, playbook);
  }
  const effective = [...effectiveById.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { directories, parsed, effective, library: createLibrary(parsed), diagnostics, fileCount: files.length };
}

export function loadPlaybookDirectories(directories: readonly PlaybookDirectory[]): LoadedPlaybooks {
  const problems: ListingProblem[] = [];
  const files = directories.flatMap((dir) => listPlaybookFiles(dir, problems));
  return loadPlaybookFiles(files, directories, problems);
}

function unreadable(file: string, message: string): Diagnostic {
  return {
    file,
    line: 1,
    column: 1,
    severity: 'error',
    rule: 'file/unreadable',
    message,
  };
}

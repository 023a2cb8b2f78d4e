/**
 * The workspace seen through the playbook index (issue 7): `list` and `search` read only the
 * index; `show`, `run` and `check` parse the playbooks they touch, on first use. Same results as
 * loading every playbook (`loadWorkspace`), at a fraction of the cost with thousands of them.
 */
import { readFileSync } from 'node:fs';
import { TriageError } from '../core/errors.js';
import type { PlaybookLibrary } from '../core/flow-types.js';
import { createLibrary } from '../core/library.js';
import type { Diagnostic, Playbook } from '../core/model.js';
import type { ParseResult } from '../core/parse-playbook.js';
import { closestMatch } from '../core/did-you-mean.js';
import type { FoundFile, PlaybookDirectory } from '../io/discovery.js';
import { indexPlaybookFiles, type IndexEntry, type Parse, type PlaybookSummary } from '../io/playbook-index.js';
import { triagePaths } from '../io/paths.js';
import { workspaceDirectories, type WorkspaceInput } from './workspace.js';

/** A playbook as the index knows it: front matter and where it lives. */
export interface IndexedPlaybook extends PlaybookSummary {
  readonly path: string;
  /** The playbook directory it was found in. */
  readonly dir: string;
}

/** A readable playbook file and its index entry. */
export interface IndexedFile extends FoundFile {
  readonly entry: IndexEntry;
}

export interface UnreadableFile extends FoundFile {
  readonly problem: Diagnostic;
}

export interface IndexedWorkspace {
  readonly directories: readonly PlaybookDirectory[];
  /** Readable `.md` files, in discovery (override) order. */
  readonly files: readonly IndexedFile[];
  /** The playbooks in effect, one per id (the last directory wins), sorted by id. */
  readonly effective: readonly IndexedPlaybook[];
  /** Every `.md` file found, in discovery order: indexed, or why it could not be read. */
  readonly slots: readonly (IndexedFile | UnreadableFile)[];
  /** Unreadable directories and files (`file/unreadable`), directories first. */
  readonly problems: readonly Diagnostic[];
  /** Files with errors (unreadable, or a parse error), each once, in the order lint would list them. */
  readonly filesWithErrors: readonly string[];
  /** `.md` files found. */
  readonly fileCount: number;
  /** Files the index had to parse this time (new or changed). */
  readonly reindexed: number;
}

export interface Workspace extends IndexedWorkspace {
  /** Every playbook by id and link; each is parsed the first time it is used. */
  readonly library: PlaybookLibrary;
  /** The parse result of one file (parsed once). */
  parse(file: IndexedFile): ParseResult;
}

const loadParser = async (): Promise<Parse> => (await import('../core/parse-playbook.js')).parsePlaybook;

/** The index view only: enough for `list` and `search`. Parses only files the index does not know. */
export async function openIndexedWorkspace(input: WorkspaceInput): Promise<IndexedWorkspace> {
  const directories = workspaceDirectories(input);
  const { slots, listingProblems, parsed } = await indexPlaybookFiles(directories, {
    cacheDir: triagePaths(input.env).cache,
    version: input.version ?? 'unknown',
    loadParser,
  });
  const all = slots.map((slot) => ('problem' in slot ? { ...slot.file, problem: slot.problem } : { ...slot.file, entry: slot.entry }));
  const files = all.filter((slot): slot is IndexedFile => 'entry' in slot);
  const problems = [...listingProblems];
  const filesWithErrors = new Set(listingProblems.map((p) => p.file));
  for (const slot of all) {
    if ('problem' in slot) {
      problems.push(slot.problem);
      filesWithErrors.add(slot.path);
    } else if (slot.entry.errors > 0) filesWithErrors.add(slot.path);
  }
  const winners = new Map<string, IndexedPlaybook>();
  for (const file of files) {
    const summary = file.entry.playbook;
    if (!summary) continue;
    winners.delete(summary.id);
    winners.set(summary.id, { ...summary, path: file.path, dir: file.dir.path });
  }
  const effective = [...winners.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { directories, files, slots: all, effective, problems, filesWithErrors: [...filesWithErrors], fileCount: slots.length, reindexed: parsed };
}

/** The workspace with playbooks parsed on demand: for `show`, `run`, `check`, replay. */
export async function openWorkspace(input: WorkspaceInput): Promise<Workspace> {
  const [indexed, parse] = await Promise.all([openIndexedWorkspace(input), loadParser()]);
  return withParsing(indexed, parse);
}

function withParsing(indexed: IndexedWorkspace, parsePlaybook: Parse): Workspace {
  const results = new Map<IndexedFile, ParseResult>();
  const parse = (file: IndexedFile): ParseResult => {
    let result = results.get(file);
    if (!result) {
      let source: string;
      try {
        source = readFileSync(file.path, 'utf8');
      } catch (error) {
        throw changedWhileReading(file.path, error);
      }
      result = parsePlaybook(source, { path: file.path, dir: file.dir.path });
      results.set(file, result);
    }
    return result;
  };
  // The library's own lookups (by id, by path, which directories links may reach) run over
  // stand-ins that carry the indexed fields and parse the file when anything else is read.
  const parsedByStandIn = new Map<Playbook, () => Playbook>();
  const standIns: Playbook[] = [];
  for (const file of indexed.files) {
    const summary = file.entry.playbook;
    if (!summary) continue;
    const load = (): Playbook => {
      const playbook = parse(file).playbook;
      if (!playbook || playbook.id !== summary.id) throw changedWhileReading(file.path);
      return playbook;
    };
    const standIn = { ...summary, path: file.path, dir: file.dir.path } as Record<string, unknown>;
    for (const key of ['start', 'env', 'heading', 'intro', 'nodes'] as const) {
      Object.defineProperty(standIn, key, { enumerable: true, get: () => load()[key] });
    }
    parsedByStandIn.set(standIn as unknown as Playbook, load);
    standIns.push(standIn as unknown as Playbook);
  }
  const inner = createLibrary(standIns);
  const parsed = (playbook: Playbook): Playbook => parsedByStandIn.get(playbook)?.() ?? playbook;
  const library: PlaybookLibrary = {
    get: (id) => {
      const found = inner.get(id);
      return found && parsed(found);
    },
    resolveLink: (from, target) => {
      const found = inner.resolveLink(from, target);
      return found && { playbook: parsed(found.playbook), nodeId: found.nodeId };
    },
    all: () => inner.all().map(parsed),
  };
  return { ...indexed, library, parse };
}

function changedWhileReading(path: string, error?: unknown): TriageError {
  const code = error ? ` (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` : '';
  return new TriageError('playbook/changed', `${path} changed while triage was reading it${code}.`, { hint: 'Run the command again.' });
}

/**
 * The playbook in effect with this id, parsed. Like findPlaybook (playbooks.ts): a file named
 * `<id>.md` with errors is reported with its diagnostics (exit 2), an unknown id with a suggestion.
 */
export function findIndexedPlaybook(ws: Workspace, id: string): Playbook {
  const playbook = ws.effective.some((p) => p.id === id) ? ws.library.get(id) : undefined;
  if (playbook) return playbook;
  const named = (file: string): boolean => file.replace(/\\/g, '/').split('/').pop() === `${id}.md`;
  // In the order loading every playbook reports them: unreadable directories, then file by file.
  const broken = ws.problems.filter((d) => named(d.file) && !ws.slots.some((slot) => 'problem' in slot && slot.problem === d));
  for (const slot of ws.slots) {
    if ('problem' in slot) {
      if (named(slot.path)) broken.push(slot.problem);
    } else if (slot.entry.errors > 0 && named(slot.path)) {
      broken.push(...ws.parse(slot).diagnostics.filter((d) => d.severity === 'error'));
    }
  }
  if (broken.length > 0) {
    throw new TriageError('playbook/invalid', `Playbook ${id} has errors and cannot be used.`, {
      diagnostics: broken,
      file: broken[0]!.file,
      hint: `Fix the errors above, then check with \`triage lint ${broken[0]!.file}\`.`,
      topic: 'format',
    });
  }
  const suggestion = closestMatch(
    id,
    ws.effective.map((p) => p.id),
  );
  throw new TriageError('playbook/unknown', `No playbook with id "${id}".`, {
    hint: suggestion ? `Did you mean "${suggestion}"? \`triage list\` shows every playbook.` : '`triage list` shows every playbook; `triage search <words>` finds one by description.',
  });
}


/**
 * The workspace seen through the playbook index: `list` and `search` read only the
 * index; `show`, `run` and `check` parse the playbooks they touch, on first use. Same results as
 * loading every playbook (`loadWorkspace`), at a fraction of the cost with thousands of them.
 */
import { invalidPlaybookError, unknownPlaybookError } from './playbook-errors.js';
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { TriageError } from '../core/errors.js';
import type { PlaybookLibrary } from '../core/flow-types.js';
import { createLibrary } from '../core/library.js';
import type { Diagnostic, Playbook } from '../core/model.js';
import type { ParseResult } from '../core/parse-playbook.js';
import type { FoundFile, PlaybookDirectory } from '../io/discovery.js';
import { parseCachePath, readParseCache, writeParseCache } from '../io/parse-cache.js';
import { indexPlaybookFiles, type IndexedFile, type Parse, type PlaybookSummary, type UnreadableFile } from '../io/playbook-index.js';
import { triagePaths } from '../io/paths.js';
import { workspaceDirectories, type WorkspaceInput } from './workspace-directories.js';

/** A playbook as the index knows it: front matter and where it lives. */
export interface IndexedPlaybook extends PlaybookSummary {
  readonly path: string;
  /** The playbook directory it was found in. */
  readonly dir: string;
  /** sha1 of the file's content (everything above is derived from it). */
  readonly hash: string;
}

export type { IndexedFile, UnreadableFile } from '../io/playbook-index.js';

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
  /** Files with errors (unreadable, or a parse error), each once, in the order loading them all reports them. */
  readonly filesWithErrors: readonly string[];
  /** `.md` files found. */
  readonly fileCount: number;
  /** Files the index had to parse this time (new or changed). */
  readonly reindexed: number;
}

export interface Workspace extends IndexedWorkspace {
  /**
   * Every playbook by id and link. A playbook is parsed when it is first used, so load() (or
   * loadParser()) what will be used first: parsing is synchronous, loading the parser is not.
   */
  readonly library: PlaybookLibrary;
  /**
   * Makes these files ready to use: each is read and its parse result taken from the parse
   * cache, or parsed (the parser is loaded only when one is missing from the cache).
   */
  load(files: Iterable<IndexedFile>): Promise<void>;
  /** Lets any file be parsed on first use, for commands that cannot tell in advance which. */
  loadParser(): Promise<void>;
  /** The parse result of one file, once loaded. */
  parse(file: IndexedFile): ParseResult;
  /** triage's cache directory (parse results and checks of unchanged playbooks are kept there). */
  readonly cacheDir: string;
  /** A hash of a loaded file's path, directory and content (and the build): what its parse result depends on. */
  sourceKey(file: IndexedFile): string;
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
  const all = slots;
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
  const origins = new Map<string, string>(directories.map((d) => [d.path, d.origin]));
  for (const file of files) {
    const summary = file.entry.playbook;
    if (!summary) continue;
    const replaced = winners.get(summary.id);
    // Whoever clones a repository gets its ./.triage/playbooks: one of its files taking over a
    // playbook id from elsewhere is never silent.
    if (replaced && file.dir.origin === 'project') {
      input.notice?.(
        `triage: ${file.path} (in this working directory's .triage/playbooks) overrides the ${origins.get(replaced.dir) ?? 'earlier'} playbook ${summary.id} (${replaced.path}).`,
      );
    }
    winners.delete(summary.id);
    winners.set(summary.id, { ...summary, path: file.path, dir: file.dir.path, hash: file.entry.hash });
  }
  const effective = [...winners.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { directories, files, slots: all, effective, problems, filesWithErrors: [...filesWithErrors], fileCount: slots.length, reindexed: parsed };
}

/** The workspace with playbooks parsed on demand: for `show`, `run`, `check`, replay. */
export async function openWorkspace(input: WorkspaceInput): Promise<Workspace> {
  return withParsing(await openIndexedWorkspace(input), triagePaths(input.env).cache);
}

function withParsing(indexed: IndexedWorkspace, cacheDir: string): Workspace {
  const results = new Map<IndexedFile, ParseResult>();
  const cachePaths = new Map<IndexedFile, string>();
  let parser: Parse | undefined;
  const read = (file: IndexedFile): { source: string; cachePath: string } => {
    let source: string;
    try {
      source = readFileSync(file.path, 'utf8');
    } catch (error) {
      throw changedWhileReading(file.path, error);
    }
    const cachePath = parseCachePath(cacheDir, { path: file.path, dir: file.dir.path }, source);
    cachePaths.set(file, cachePath);
    return { source, cachePath };
  };
  const parseWith = (parsePlaybook: Parse, file: IndexedFile, source: string, cachePath: string): ParseResult => {
    const result = parsePlaybook(source, { path: file.path, dir: file.dir.path });
    writeParseCache(cachePath, result);
    results.set(file, result);
    return result;
  };
  const parse = (file: IndexedFile): ParseResult => {
    const known = results.get(file);
    if (known) return known;
    const { source, cachePath } = read(file);
    const cached = readParseCache(cachePath);
    if (cached) {
      results.set(file, cached);
      return cached;
    }
    if (!parser) throw new Error(`${file.path} was used before it was loaded (Workspace.load)`);
    return parseWith(parser, file, source, cachePath);
  };
  const load = async (files: Iterable<IndexedFile>): Promise<void> => {
    const missing: { file: IndexedFile; source: string; cachePath: string }[] = [];
    for (const file of new Set(files)) {
      if (results.has(file)) continue;
      const { source, cachePath } = read(file);
      const cached = readParseCache(cachePath);
      if (cached) results.set(file, cached);
      else missing.push({ file, source, cachePath });
    }
    if (missing.length === 0) return;
    parser ??= await loadParser();
    for (const { file, source, cachePath } of missing) parseWith(parser, file, source, cachePath);
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
  return {
    ...indexed,
    cacheDir,
    library,
    load,
    loadParser: async () => {
      parser ??= await loadParser();
    },
    parse,
    sourceKey: (file) => {
      const path = cachePaths.get(file);
      if (path === undefined) throw new Error(`${file.path} was used before it was loaded (Workspace.load)`);
      return basename(path, '.json');
    },
  };
}

/** The file of the playbook in effect with this id (the last one found). */
export function lastFileWithId(ws: IndexedWorkspace, id: string): IndexedFile | undefined {
  let found: IndexedFile | undefined;
  for (const file of ws.files) if (file.entry.playbook?.id === id) found = file;
  return found;
}

/**
 * The files a run starting in `file` may reach by following links, `file` included, from the
 * index: for each link, the file at its path and the playbook the id it names means (a superset
 * of what the library resolves, which is enough to load them all up front).
 */
export function reachableFiles(ws: IndexedWorkspace, file: IndexedFile): IndexedFile[] {
  const { idByPath, lastById, filesByPath } = linkLookups(ws);
  const seen = new Set<IndexedFile>([file]);
  const queue = [file];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const link of from.entry.links) {
      const target = linkTarget(from, link, idByPath);
      for (const next of [...(filesByPath.get(target.path) ?? []), lastById.get(target.id)]) {
        if (next && !seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
  }
  return [...seen];
}

export interface LinkLookups {
  /** Absolute path → id, of files that give a playbook (the last file wins, as in the library). */
  readonly idByPath: ReadonlyMap<string, string>;
  /** Id → the file of the playbook in effect. */
  readonly lastById: ReadonlyMap<string, IndexedFile>;
  /** Absolute path → the files found there (one per directory it was found through). */
  readonly filesByPath: ReadonlyMap<string, readonly IndexedFile[]>;
}

export function linkLookups(ws: IndexedWorkspace): LinkLookups {
  const idByPath = new Map<string, string>();
  const lastById = new Map<string, IndexedFile>();
  const filesByPath = new Map<string, IndexedFile[]>();
  for (const file of ws.files) {
    const summary = file.entry.playbook;
    if (!summary) continue;
    const path = resolve(file.path);
    idByPath.set(path, summary.id);
    lastById.set(summary.id, file);
    filesByPath.set(path, [...(filesByPath.get(path) ?? []), file]);
  }
  return { idByPath, lastById, filesByPath };
}

/**
 * Where a link written in `from` leads, as validate.ts and library.ts resolve it: the absolute
 * path, and the id it means (the playbook at that path, else the file name without `.md`).
 */
export function linkTarget(from: FoundFile, link: string, idByPath: ReadonlyMap<string, string>): { path: string; id: string } {
  const path = resolve(dirname(from.path), decodeLinkPath(link));
  return { path, id: idByPath.get(path) ?? basename(path).replace(/\.md$/i, '') };
}

function decodeLinkPath(file: string): string {
  try {
    return decodeURI(file);
  } catch {
    return file;
  }
}

function changedWhileReading(path: string, error?: unknown): TriageError {
  const code = error ? ` (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` : '';
  return new TriageError('playbook/changed', `${path} changed while triage was reading it${code}.`, { hint: 'Run the command again.' });
}

/**
 * The playbook in effect with this id, parsed. Like findPlaybook (playbooks.ts): a file named
 * `<id>.md` with errors is reported with its diagnostics (exit 2), an unknown id with a suggestion.
 */
export async function findIndexedPlaybook(ws: Workspace, id: string): Promise<Playbook> {
  const file = lastFileWithId(ws, id);
  if (file) {
    await ws.load([file]);
    const playbook = ws.library.get(id);
    if (playbook) return playbook;
  }
  const named = (path: string): boolean => path.replace(/\\/g, '/').split('/').pop() === `${id}.md`;
  await ws.load(ws.files.filter((f) => f.entry.errors > 0 && named(f.path)));
  // In the order loading every playbook reports them: unreadable directories, then file by file.
  const broken = ws.problems.filter((d) => named(d.file) && !ws.slots.some((slot) => 'problem' in slot && slot.problem === d));
  for (const slot of ws.slots) {
    if ('problem' in slot) {
      if (named(slot.path)) broken.push(slot.problem);
    } else if (slot.entry.errors > 0 && named(slot.path)) {
      broken.push(...ws.parse(slot).diagnostics.filter((d) => d.severity === 'error'));
    }
  }
  if (broken.length > 0) throw invalidPlaybookError(id, broken);
  throw unknownPlaybookError(id, ws.effective.map((p) => p.id));
}


/**
 * The playbook index cache: for every playbook file, what `list`, `search` and the
 * start of a run need (front matter, search fields, whether the file has parse errors, the files
 * it links to), so they parse only the playbooks they use.
 *
 * One JSON file per playbook directory under `<cache>/playbook-index/`. An entry is reused while
 * the file's size, mtime, ctime and inode are unchanged; anything else re-reads the file.
 * Timestamps have a granularity, so an edit right after indexing could keep them all: an entry
 * indexed within RACY_WINDOW_MS of the file's last change is "racy" (as in git's index) and is
 * checked against a hash of the content until it is old enough to trust.
 *
 * The cache is only ever a shortcut: a missing, corrupt, partial or foreign index file is rebuilt
 * silently; writes go to a temp file renamed into place, so two processes writing at once leave
 * one complete index, never a mix; a cache directory that cannot be written is ignored.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic, Playbook } from '../core/model.js';
import type { ParseResult, PlaybookFile } from '../core/parse-playbook.js';
import { CACHE_BUILD_ID, fnv1a, readCacheFile, writeCacheFile } from './cache-files.js';
import { listingDiagnostic, listPlaybookFiles, type FoundFile, type ListingProblem, type PlaybookDirectory } from './discovery.js';

/** Bump when the shape of an entry, or what the parser puts in it, changes. */
export const INDEX_FORMAT = 1;

/** Changes closer together than this may share a timestamp on some file systems (FAT: 2 s). */
export const RACY_WINDOW_MS = 2000;

/** The front-matter fields lists and search show. */
export type PlaybookSummary = Pick<Playbook, 'id' | 'title' | 'version' | 'summary' | 'tags' | 'symptoms' | 'severity'>;

export interface IndexEntry {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  /** Just before the content was last read (ms since the epoch). */
  readonly checkedAt: number;
  /** sha1 of the content, to verify racy entries. */
  readonly hash: string;
  /** Absent when the file gives no playbook (front matter missing or broken). */
  readonly playbook?: PlaybookSummary;
  /** Error diagnostics from parsing (`list` names the file in its warning when > 0). */
  readonly errors: number;
  /** Other files its choices link to, as written (`refund.md`, `../billing/x.md`). */
  readonly links: readonly string[];
}

/** A readable playbook file and its index entry. */
export interface IndexedFile extends FoundFile {
  readonly entry: IndexEntry;
}

/** A playbook file that could not be read. */
export interface UnreadableFile extends FoundFile {
  readonly problem: Diagnostic;
}

export type Parse = (source: string, file: PlaybookFile) => ParseResult;

export interface IndexOptions {
  /** The cache directory (triagePaths().cache). */
  readonly cacheDir: string;
  /** The triage version: an index written by another version is not used. */
  readonly version: string;
  /** The parser, loaded only when a file is new or changed (it pulls in markdown-it and yaml). */
  readonly loadParser: () => Promise<Parse>;
  readonly now?: () => number;
}

/** One `.md` file found in a playbook directory: its index entry, or why it could not be read. */
export type IndexedSlot = IndexedFile | UnreadableFile;

export interface IndexResult {
  /** Every `.md` file found, in discovery order. */
  readonly slots: readonly IndexedSlot[];
  /** Directories that could not be read, as `file/unreadable` errors. */
  readonly listingProblems: readonly Diagnostic[];
  /** How many files were parsed because the index did not know them (for tests and benchmarks). */
  readonly parsed: number;
}

interface IndexFile {
  readonly format: number;
  readonly triage: string;
  readonly build: string;
  readonly dir: string;
  readonly files: Record<string, IndexEntry>;
}

/** Finds the playbook files of `directories` and brings their index entries up to date. */
export async function indexPlaybookFiles(directories: readonly PlaybookDirectory[], options: IndexOptions): Promise<IndexResult> {
  const now = options.now ?? Date.now;
  const slots: IndexedSlot[] = [];
  const listingProblems: Diagnostic[] = [];
  let parsed = 0;
  let parse: Parse | undefined;
  for (const dir of directories) {
    const listing: ListingProblem[] = [];
    const found = listPlaybookFiles(dir, listing);
    for (const problem of listing) listingProblems.push(listingDiagnostic(problem));
    const indexPath = indexFileFor(options.cacheDir, dir.path);
    const previous = readIndex(indexPath, dir.path, options.version);
    const next: Record<string, IndexEntry> = {};
    let dirty = false;
    for (const file of found) {
      let stat: Stats;
      let content: Buffer | undefined;
      // Taken before the file is read: a change after this moment must not be taken as seen.
      const readAt = now();
      try {
        stat = statSync(file.path);
        const known = previous[file.path];
        if (known && sameFile(known, stat) && !isRacy(known)) {
          next[file.path] = known;
          slots.push({ path: file.path, dir, entry: known });
          continue;
        }
        content = readFileSync(file.path);
      } catch (error) {
        slots.push({ path: file.path, dir, problem: unreadableFile(file.path, error) });
        continue;
      }
      dirty = true;
      const known = previous[file.path];
      const hash = await sha1(content);
      let entry: IndexEntry;
      if (known && known.hash === hash && known.size === stat.size) {
        entry = { ...known, ...identity(stat), checkedAt: readAt };
      } else {
        parse ??= await options.loadParser();
        entry = entryFor(parse(content.toString('utf8'), { path: file.path, dir: dir.path }), stat, hash, readAt);
        parsed += 1;
      }
      next[file.path] = entry;
      slots.push({ path: file.path, dir, entry });
    }
    if (dirty || Object.keys(previous).length !== Object.keys(next).length) {
      writeIndex(indexPath, { format: INDEX_FORMAT, triage: options.version, build: CACHE_BUILD_ID, dir: dir.path, files: next });
    }
  }
  return { slots, listingProblems, parsed };
}

/** The index entry for a parsed file. */
export function entryFor(result: ParseResult, stat: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>, hash: string, checkedAt: number): IndexEntry {
  const { playbook } = result;
  return {
    ...identity(stat),
    checkedAt,
    hash,
    ...(playbook ? { playbook: summaryOf(playbook) } : {}),
    errors: result.diagnostics.filter((d) => d.severity === 'error').length,
    links: playbook ? linkedFiles(playbook) : [],
  };
}

function summaryOf(playbook: Playbook): PlaybookSummary {
  return {
    id: playbook.id,
    title: playbook.title,
    version: playbook.version,
    ...(playbook.summary === undefined ? {} : { summary: playbook.summary }),
    tags: playbook.tags,
    symptoms: playbook.symptoms,
    severity: playbook.severity,
  };
}

function linkedFiles(playbook: Playbook): string[] {
  const files = new Set<string>();
  for (const node of playbook.nodes) for (const choice of node.choices) if (choice.target.file) files.add(choice.target.file);
  return [...files];
}

function identity(stat: Pick<Stats, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>): Pick<IndexEntry, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'> {
  return { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino };
}

function sameFile(entry: IndexEntry, stat: Stats): boolean {
  return entry.size === stat.size && entry.mtimeMs === stat.mtimeMs && entry.ctimeMs === stat.ctimeMs && entry.ino === stat.ino;
}

/** Read so soon after the last change that a later change could carry the same timestamps. */
function isRacy(entry: IndexEntry): boolean {
  return entry.checkedAt - Math.max(entry.mtimeMs, entry.ctimeMs) < RACY_WINDOW_MS;
}

/** `<cache>/playbook-index/<readable tail>-<hash>.json`, one per playbook directory. */
export function indexFileFor(cacheDir: string, dirPath: string): string {
  const tail = dirPath.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(-48);
  return join(cacheDir, 'playbook-index', `${tail || 'root'}-${fnv1a(dirPath)}.json`);
}

/** Entries of a usable index for `dirPath`, or none: a missing or broken index is simply rebuilt. */
function readIndex(path: string, dirPath: string, version: string): Record<string, IndexEntry> {
  let data: unknown;
  try {
    data = JSON.parse(readCacheFile(path) ?? '');
  } catch {
    return {};
  }
  if (!isObject(data)) return {};
  const index = data as Partial<IndexFile>;
  if (index.format !== INDEX_FORMAT || index.triage !== version || index.build !== CACHE_BUILD_ID || index.dir !== dirPath || !isObject(index.files)) return {};
  const entries: Record<string, IndexEntry> = {};
  for (const [file, entry] of Object.entries(index.files)) if (isEntry(entry)) entries[file] = entry;
  return entries;
}

function writeIndex(path: string, index: IndexFile): void {
  writeCacheFile(path, JSON.stringify(index));
}

function unreadableFile(path: string, error: unknown): Diagnostic {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return unreadable(path, `Cannot read this file (${code}). Check its permissions, or move it out of the playbook directory.`);
}

function unreadable(file: string, message: string): Diagnostic {
  return { file, line: 1, column: 1, severity: 'error', rule: 'file/unreadable', message };
}

let createHash: typeof import('node:crypto').createHash | undefined;

async function sha1(content: Buffer): Promise<string> {
  createHash ??= (await import('node:crypto')).createHash;
  return createHash('sha1').update(content).digest('hex');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isStrings = (value: unknown): boolean => Array.isArray(value) && value.every((v) => typeof v === 'string');

function isEntry(value: unknown): value is IndexEntry {
  if (!isObject(value)) return false;
  const numbers = ['size', 'mtimeMs', 'ctimeMs', 'ino', 'checkedAt', 'errors'] as const;
  if (!numbers.every((key) => typeof value[key] === 'number')) return false;
  if (typeof value.hash !== 'string' || !isStrings(value.links)) return false;
  if (value.playbook === undefined) return true;
  const p = value.playbook;
  return (
    isObject(p) &&
    typeof p.id === 'string' &&
    typeof p.title === 'string' &&
    typeof p.version === 'string' &&
    (p.summary === undefined || typeof p.summary === 'string') &&
    isStrings(p.tags) &&
    isStrings(p.symptoms) &&
    typeof p.severity === 'string'
  );
}

/** Use cases over the playbooks: list, search, get one. */
import { invalidPlaybookError, unknownPlaybookError } from './playbook-errors.js';
import { normalize, relative, sep } from 'node:path';
import type { Playbook } from '../core/model.js';
import type { Suggestion, SupportingCase } from '../core/suggestions.js';
import type { PlaybookDirectory } from '../io/discovery.js';
import { triagePaths } from '../io/paths.js';
import type { LoadedPlaybooks } from '../io/load-playbooks.js';
import type { ListedPlaybook } from '../render/playbook-list.js';
import { findIndexedPlaybook, openIndexedWorkspace, openWorkspace, type IndexedPlaybook, type IndexedWorkspace } from './indexed-workspace.js';
import type { WorkspaceInput } from './workspace-directories.js';

/** Every playbook in effect, from the index (nothing is parsed unless it is new or changed). */
export async function listPlaybooks(input: WorkspaceInput): Promise<{ items: ListedPlaybook[]; workspace: IndexedWorkspace }> {
  const workspace = await openIndexedWorkspace(input);
  return { items: workspace.effective.map((p) => listedPlaybook(p, workspace.directories)), workspace };
}

export function listedPlaybook(playbook: IndexedPlaybook | Playbook, directories: readonly PlaybookDirectory[]): ListedPlaybook {
  const dir = directories.find((d) => d.path === playbook.dir);
  return {
    id: playbook.id,
    version: playbook.version,
    title: playbook.title,
    summary: playbook.summary ?? '',
    tags: playbook.tags,
    source: { origin: dir?.origin ?? 'unknown', dir: playbook.dir },
    path: relativePath(playbook.dir, playbook.path),
  };
}

/** relative(dir, path), without its cost for the usual case of a file found below `dir`. */
function relativePath(dir: string, path: string): string {
  return !dir.endsWith(sep) && path.startsWith(dir + sep) && normalize(path) === path ? path.slice(dir.length + 1) : relative(dir, path);
}

export interface PlaybookSuggestions {
  /** The ranking: what the intake offers and `triage search` prints, in that order. */
  readonly suggestions: Suggestion[];
  /** "Has this happened before?": every past case that passed the similarity bar. */
  readonly similar: SupportingCase[];
  /** The history could not be read (the suggestions are then from the description alone). */
  readonly problem?: string;
}

export interface SuggestOptions {
  readonly customer?: string;
  /** Weigh the case history (default true). */
  readonly history?: boolean;
  readonly limit?: number;
}

/**
 * The one ranking of playbooks for a description, from the playbooks in effect and the case
 * history (core/suggestions explains how the two are weighed).
 */
export async function suggestPlaybooks(workspace: IndexedWorkspace, env: NodeJS.ProcessEnv, description: string, options: SuggestOptions = {}): Promise<PlaybookSuggestions> {
  const [{ searchDocument, searchPlaybooks }, { cachedSearchIndex }, { rankSuggestions, similarPastCases, SUGGESTION_LIMIT }, { findPastCases }] = await Promise.all([
    import('../core/playbook-search.js'),
    import('../io/search-index-cache.js'),
    import('../core/suggestions.js'),
    import('./similar-cases.js'),
  ]);
  // The documents are made from the playbooks in effect, in id order: their contents say it all.
  const contentKey = workspace.effective.map((p) => `${p.id}\0${p.hash}`).join('\n');
  const index = cachedSearchIndex(contentKey, () => workspace.effective.map(searchDocument), triagePaths(env).cache);
  const hits = description.trim() === '' ? [] : searchPlaybooks(index, description, workspace.effective.length);
  const past =
    options.history === false
      ? { cases: [] }
      : await findPastCases(description, { customer: options.customer, dataDir: triagePaths(env).data, env });
  const similar = similarPastCases(description, options.customer, past.cases);
  const titles = new Map(workspace.effective.map((p) => [p.id, p.title]));
  const suggestions = rankSuggestions({ hits, similar, titles, limit: options.limit ?? SUGGESTION_LIMIT });
  return { suggestions, similar, ...(past.problem ? { problem: past.problem } : {}) };
}

/** `triage search`: the same ranking as the intake's, for a description typed on the command line. */
export async function searchWorkspace(input: WorkspaceInput, text: string, options: SuggestOptions = {}): Promise<PlaybookSuggestions> {
  return suggestPlaybooks(await openIndexedWorkspace(input), input.env, text, options);
}

/** One playbook, parsed (only it). */
export async function getPlaybook(input: WorkspaceInput, id: string): Promise<Playbook> {
  return await findIndexedPlaybook(await openWorkspace(input), id);
}

/** findIndexedPlaybook over playbooks loaded all at once (loadWorkspace). */
export function findPlaybook(loaded: LoadedPlaybooks, id: string): Playbook {
  const playbook = loaded.effective.find((p) => p.id === id);
  if (playbook) return playbook;
  const broken = loaded.diagnostics.filter((d) => d.severity === 'error' && d.file.replace(/\\/g, '/').split('/').pop() === `${id}.md`);
  if (broken.length > 0) throw invalidPlaybookError(id, broken);
  throw unknownPlaybookError(id, loaded.effective.map((p) => p.id));
}

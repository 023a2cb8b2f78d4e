/** Use cases over the playbooks: list, search, get one. */
import { invalidPlaybookError, unknownPlaybookError } from './playbook-errors.js';
import { normalize, relative, sep } from 'node:path';
import type { Playbook } from '../core/model.js';
import type { SearchHit } from '../core/playbook-search.js';
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

/** Ranks the playbooks in effect against a description, from the index's search fields. */
export async function searchWorkspace(input: WorkspaceInput, text: string, limit: number): Promise<SearchHit[]> {
  const [workspace, { searchDocument, searchPlaybooks }, { cachedSearchIndex }] = await Promise.all([
    openIndexedWorkspace(input),
    import('../core/playbook-search.js'),
    import('../io/search-index-cache.js'),
  ]);
  // The documents are made from the playbooks in effect, in id order: their contents say it all.
  const contentKey = workspace.effective.map((p) => `${p.id}\0${p.hash}`).join('\n');
  const index = cachedSearchIndex(contentKey, () => workspace.effective.map(searchDocument), triagePaths(input.env).cache);
  return searchPlaybooks(index, text, limit);
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

/**
 * The loaded playbooks, looked up by id and by the links written inside them. Pure: the caller
 * loads the files (in directory order) and passes the parsed playbooks in.
 */
import { basename, dirname, resolve } from 'node:path';
import type { PlaybookLibrary } from './flow-types.js';
import { findNode, type LinkTarget, type Playbook } from './model.js';

/**
 * A library over `playbooks`, in directory order: a later playbook with the same id overrides an
 * earlier one. `all()` lists each id once (the winner), at the position its id first appeared.
 */
export function createLibrary(playbooks: readonly Playbook[]): PlaybookLibrary {
  const byId = new Map<string, Playbook>();
  for (const playbook of playbooks) byId.set(playbook.id, playbook);
  // Every loaded file by path, overridden ones included: a link to a file whose playbook was
  // overridden follows the override (by id), like any other use of that id.
  const idByPath = new Map<string, string>();
  for (const playbook of playbooks) idByPath.set(resolve(playbook.path), playbook.id);
  const winners = Object.freeze([...byId.values()]);

  function resolveLink(from: Playbook, target: LinkTarget): { playbook: Playbook; nodeId: string } | undefined {
    let playbook: Playbook | undefined;
    if (target.file === undefined || target.file === '') {
      playbook = from;
    } else {
      const file = decodeLinkPath(target.file);
      const id = idByPath.get(resolve(dirname(from.path), file));
      playbook = id !== undefined ? byId.get(id) : byId.get(basename(file).replace(/\.md$/i, ''));
    }
    if (playbook === undefined) return undefined;
    const nodeId = target.node !== undefined && target.node !== '' ? target.node : playbook.start;
    return findNode(playbook, nodeId) ? { playbook, nodeId } : undefined;
  }

  return {
    get: (id) => byId.get(id),
    resolveLink,
    all: () => winners,
  };
}

/** Markdown link paths may be percent-encoded (`my%20playbook.md`). */
function decodeLinkPath(file: string): string {
  try {
    return decodeURI(file);
  } catch {
    return file;
  }
}

/**
 * Ids close to `wanted`, best first, for "did you mean" hints: same text ignoring case, a prefix
 * or substring match, or a small edit distance.
 */
export function suggestPlaybookIds(library: PlaybookLibrary, wanted: string, limit = 3): string[] {
  return suggestNames(
    library.all().map((p) => p.id),
    wanted,
    limit,
  );
}

export function suggestNames(candidates: readonly string[], wanted: string, limit = 3): string[] {
  const needle = wanted.trim().toLowerCase();
  if (needle === '') return [];
  const scored: { name: string; score: number }[] = [];
  for (const name of candidates) {
    const lower = name.toLowerCase();
    let score: number;
    if (lower === needle) score = 0;
    else if (lower.startsWith(needle) || needle.startsWith(lower)) score = 1;
    else if (lower.includes(needle) || needle.includes(lower)) score = 2;
    else {
      const distance = editDistance(lower, needle);
      if (distance > Math.max(2, Math.floor(needle.length / 3))) continue;
      score = 2 + distance;
    }
    scored.push({ name, score });
  }
  scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name));
  return scored.slice(0, limit).map((s) => s.name);
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The loaded playbooks, looked up by id and by the links written inside them. Pure: the caller
 * loads the files (in directory order) and passes the parsed playbooks in.
 */
import { basename, dirname, resolve } from 'node:path';
import { decodeLinkPath, isInsideDirectory } from './link-paths.js';
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
  const dirs = [...new Set(playbooks.map((p) => resolve(p.dir)))];

  function resolveLink(from: Playbook, target: LinkTarget): { playbook: Playbook; nodeId: string } | undefined {
    let playbook: Playbook | undefined;
    if (target.file === undefined || target.file === '') {
      playbook = from;
    } else {
      const file = decodeLinkPath(target.file);
      const path = resolve(dirname(from.path), file);
      // A link that leads out of every playbook directory (`../../etc/passwd.md`) is never
      // followed, not even to a loaded playbook whose id matches the file name (lint:
      // link/outside-directories).
      if (!dirs.some((dir) => isInsideDirectory(dir, path))) return undefined;
      const id = idByPath.get(path);
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



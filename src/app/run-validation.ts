/**
 * Whether a playbook can be run: its parse errors, its own rules, and the library rules that
 * concern it. The library rules need the playbooks around it, not all of them: those that link
 * into it (directly or through others: they define variables its templates may use), those with
 * its id (duplicates), its link targets, and any file named like one of these ids (so a link
 * resolves exactly as it would with every playbook loaded). Those are found from the index, and
 * only they are parsed (issue 7).
 */
import { basename, dirname, resolve } from 'node:path';
import { TriageError } from '../core/errors.js';
import type { Diagnostic, Playbook } from '../core/model.js';
import { validateLibrary, validatePlaybook } from '../core/validate.js';
import { findIndexedPlaybook, type IndexedFile, type Workspace } from './indexed-workspace.js';

/** The playbook in effect with this id, when it has no errors; exit 2 with its diagnostics otherwise. */
export function assertRunnable(ws: Workspace, playbookId: string): Playbook {
  const playbook = findIndexedPlaybook(ws, playbookId);
  const errors = runBlockingErrors(ws, playbook);
  if (errors.length > 0) {
    throw new TriageError('playbook/invalid', `Playbook ${playbookId} has ${errors.length} error${errors.length === 1 ? '' : 's'} and cannot be run.`, {
      file: playbook.path,
      line: errors[0]!.line,
      diagnostics: errors,
      hint: `Fix them, then check with \`triage lint ${playbook.path}\`.`,
      topic: 'format',
    });
  }
  return playbook;
}

/** The errors `triage lint` would report for this playbook's file. */
export function runBlockingErrors(ws: Workspace, playbook: Playbook): Diagnostic[] {
  const ofFile = (d: Diagnostic): boolean => d.file === playbook.path;
  return [
    ...ws.problems.filter(ofFile),
    ...ws.files.filter((f) => f.path === playbook.path).flatMap((f) => ws.parse(f).diagnostics),
    // regexSafety off: loading the ReDoS checker costs ~200 ms, and `lint` already ran it.
    ...validatePlaybook(playbook, { regexSafety: false }),
    ...validateLibrary(libraryNeighbourhood(ws, playbook), {
      dirs: ws.directories.map((d) => d.path),
      fileNames: [...new Set(ws.files.filter((f) => f.entry.playbook).map((f) => basename(f.path)))],
    }).filter(ofFile),
  ].filter((d) => d.severity === 'error');
}

/**
 * The parsed playbooks the library rules need to judge `playbook` as they would with every
 * playbook loaded, in load order. Link resolution mirrors validate.ts: by path, then by the id
 * the file name gives; an id means its last (overriding) playbook.
 */
export function libraryNeighbourhood(ws: Workspace, playbook: Playbook): Playbook[] {
  const files = ws.files.filter((f) => f.entry.playbook);
  const idByPath = new Map<string, string>();
  for (const file of files) idByPath.set(resolve(file.path), file.entry.playbook!.id);
  const linkTarget = (from: IndexedFile, link: string): { path: string; id: string } => {
    const path = resolve(dirname(from.path), decodePath(link));
    return { path, id: idByPath.get(path) ?? basename(path).replace(/\.md$/i, '') };
  };

  // Upstream: every file with a link that may lead to a member, until nothing new links in.
  const start = files.filter((f) => f.path === playbook.path && f.entry.playbook!.id === playbook.id);
  const upstream = new Set<IndexedFile>(start);
  const ids = new Set([playbook.id]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const file of files) {
      if (upstream.has(file) || !file.entry.links.some((link) => ids.has(linkTarget(file, link).id))) continue;
      upstream.add(file);
      ids.add(file.entry.playbook!.id);
      grew = true;
    }
  }
  // The playbook's own links: the file at the path, and the playbook its id means.
  const targetPaths = new Set<string>();
  const targetIds = new Set<string>();
  for (const file of start) {
    for (const link of file.entry.links) {
      const target = linkTarget(file, link);
      targetPaths.add(target.path);
      targetIds.add(target.id);
    }
  }
  const lastById = new Map<string, IndexedFile>();
  for (const file of files) lastById.set(file.entry.playbook!.id, file);
  const winners = new Set([...targetIds].map((id) => lastById.get(id)).filter((f): f is IndexedFile => f !== undefined));

  const needed = files.filter((file) => {
    const id = file.entry.playbook!.id;
    const named = basename(file.path).replace(/\.md$/i, '');
    return upstream.has(file) || ids.has(id) || ids.has(named) || targetPaths.has(resolve(file.path)) || winners.has(file);
  });
  return needed.map((file) => ws.parse(file).playbook).filter((p): p is Playbook => p !== undefined);
}

function decodePath(file: string): string {
  try {
    return decodeURI(file);
  } catch {
    return file;
  }
}

/**
 * Whether a playbook can be run: its parse errors, its own rules, and the library rules that
 * concern it. The library rules need the playbooks around it, not all of them: those that link
 * into it (directly or through others: they define variables its templates may use), those with
 * its id (duplicates), its link targets, and any file named like one of these ids (so a link
 * resolves exactly as it would with every playbook loaded). Those are found from the index, and
 * only they are parsed.
 */
import { basename, join, resolve } from 'node:path';
import { contentHash } from '../core/content-hash.js';
import { TriageError } from '../core/errors.js';
import type { Diagnostic, Playbook } from '../core/model.js';
import { CACHE_BUILD_ID, pruneCacheDirectory, readCacheFile, writeCacheFile } from '../io/cache-files.js';
import { findIndexedPlaybook, lastFileWithId, linkLookups, linkTarget, reachableFiles, type IndexedFile, type IndexedWorkspace, type Workspace } from './indexed-workspace.js';

/**
 * The playbook in effect with this id, loaded with every playbook a run of it can reach; exit 2
 * with its diagnostics when it has errors.
 */
export async function assertRunnable(ws: Workspace, playbookId: string): Promise<Playbook> {
  const playbook = await findIndexedPlaybook(ws, playbookId);
  // Everything a run of it can reach, loaded up front: the flow parses synchronously.
  await ws.load(reachableFiles(ws, lastFileWithId(ws, playbookId)!));
  const errors = await runBlockingErrors(ws, playbook);
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
export async function runBlockingErrors(ws: Workspace, playbook: Playbook): Promise<Diagnostic[]> {
  const ofFile = (d: Diagnostic): boolean => d.file === playbook.path;
  // The same file can be found through two directories (`--playbooks a --playbooks a/sub`).
  const sameFile = ws.files.filter((f) => f.path === playbook.path);
  await ws.load(sameFile);
  const rules = await ruleErrors(ws, playbook);
  return [...ws.problems.filter(ofFile), ...sameFile.flatMap((f) => ws.parse(f).diagnostics), ...rules].filter((d) => d.severity === 'error');
}

/**
 * The playbook's rule errors (its own rules, and the library rules over its neighbourhood). They
 * depend only on the neighbourhood's files and the directories, so they are cached under a hash
 * of those: an unchanged playbook is not checked again on every run.
 */
async function ruleErrors(ws: Workspace, playbook: Playbook): Promise<Diagnostic[]> {
  const files = libraryNeighbourhood(ws, playbook);
  await ws.load(files);
  const dirs = ws.directories.map((d) => d.path);
  const fileNames = [...new Set(ws.files.filter((f) => f.entry.playbook).map((f) => basename(f.path)))];
  const key = contentHash(JSON.stringify([CACHE_BUILD_ID, playbook.path, dirs, fileNames, files.map((f) => ws.sourceKey(f))]));
  const cachePath = join(ws.cacheDir, 'checked', `${key}.json`);
  const cached = readCacheFile(cachePath);
  if (cached !== undefined) {
    try {
      const errors: unknown = JSON.parse(cached);
      if (Array.isArray(errors)) return errors as Diagnostic[];
    } catch {
      /* damaged: check again */
    }
  }
  const { validateLibrary, validatePlaybook } = await import('../core/validate.js');
  const neighbourhood = files.map((file) => ws.parse(file).playbook).filter((p): p is Playbook => p !== undefined);
  const errors = [
    // regexSafety off: loading the ReDoS checker costs ~200 ms, and `lint` already ran it.
    ...validatePlaybook(playbook, { regexSafety: false }),
    ...validateLibrary(neighbourhood, { dirs, fileNames }).filter((d) => d.file === playbook.path),
  ].filter((d) => d.severity === 'error');
  writeCacheFile(cachePath, JSON.stringify(errors));
  pruneCacheDirectory(join(ws.cacheDir, 'checked'), 500, 600);
  return errors;
}

/**
 * The files whose playbooks the library rules need to judge `playbook` as they would with every
 * playbook loaded, in load order.
 */
export function libraryNeighbourhood(ws: IndexedWorkspace, playbook: Playbook): IndexedFile[] {
  const files = ws.files.filter((f) => f.entry.playbook);
  const { idByPath, lastById } = linkLookups(ws);

  // Upstream: every file with a link that may lead to a member, until nothing new links in.
  const start = files.filter((f) => f.path === playbook.path && f.entry.playbook!.id === playbook.id);
  const upstream = new Set<IndexedFile>(start);
  const ids = new Set([playbook.id]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const file of files) {
      if (upstream.has(file) || !file.entry.links.some((link) => ids.has(linkTarget(file, link, idByPath).id))) continue;
      upstream.add(file);
      ids.add(file.entry.playbook!.id);
      grew = true;
    }
  }
  // The playbook's own links: the file at the path, and the playbook its id means.
  const targetPaths = new Set<string>();
  const targets = new Set<IndexedFile>();
  for (const file of start) {
    for (const link of file.entry.links) {
      const target = linkTarget(file, link, idByPath);
      targetPaths.add(target.path);
      const winner = lastById.get(target.id);
      if (winner) targets.add(winner);
    }
  }
  return files.filter((file) => {
    const named = basename(file.path).replace(/\.md$/i, '');
    return upstream.has(file) || ids.has(file.entry.playbook!.id) || ids.has(named) || targetPaths.has(resolve(file.path)) || targets.has(file);
  });
}

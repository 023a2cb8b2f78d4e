/**
 * Cases no playbook fits. The agent picks "None of these fits" in the intake (or runs
 * `triage run no-playbook`): the case goes on through templates/no-playbook.md, a playbook shipped
 * with triage but never listed or searched, which asks what was asked and tried and how it ended,
 * and builds the report and the reply from the intake and those notes with the same composer and
 * rules as any playbook. Its cases are the knowledge gaps `triage cases stats` lists.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TriageError } from '../core/errors.js';
import { createLibrary } from '../core/library.js';
import type { PlaybookLibrary } from '../core/flow-types.js';
import type { Playbook } from '../core/model.js';

/** The id cases without a playbook are recorded under. */
export const GAP_PLAYBOOK_ID = 'no-playbook';

export function gapPlaybookPath(packageRoot: string): string {
  return join(packageRoot, 'templates', `${GAP_PLAYBOOK_ID}.md`);
}

/** templates/no-playbook.md, parsed (the parser loads on first use). */
export async function loadGapPlaybook(packageRoot: string): Promise<Playbook> {
  const path = gapPlaybookPath(packageRoot);
  const { parsePlaybook } = await import('../core/parse-playbook.js');
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TriageError('gap/missing', `The playbook for cases without one is missing: ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, {
      hint: 'Reinstall triage, or restore the file from the package.',
    });
  }
  const { playbook, diagnostics } = parsePlaybook(source, { path, dir: join(packageRoot, 'templates') });
  const error = diagnostics.find((d) => d.severity === 'error');
  if (!playbook || error) {
    throw new TriageError('gap/invalid', `The playbook for cases without one does not parse: ${error?.message ?? 'no playbook'}.`, {
      file: path,
      ...(error?.line ? { line: error.line } : {}),
      hint: `Check it with \`triage lint ${path}\`.`,
    });
  }
  return playbook;
}

/** The library with the gap playbook added (a workspace playbook of the same id is shadowed). */
export function withGapPlaybook(library: PlaybookLibrary, gap: Playbook): PlaybookLibrary {
  const own = createLibrary([gap]);
  return {
    get: (id) => (id === GAP_PLAYBOOK_ID ? gap : library.get(id)),
    // Its links stay inside it; nothing else links to it.
    resolveLink: (from, target) => (from === gap ? own.resolveLink(from, target) : library.resolveLink(from, target)),
    all: () => [...library.all().filter((p) => p.id !== GAP_PLAYBOOK_ID), gap],
  };
}

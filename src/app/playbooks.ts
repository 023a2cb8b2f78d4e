/** Use cases over the loaded playbooks: list, search, get one. */
import { TriageError } from '../core/errors.js';
import type { Playbook } from '../core/model.js';
import { buildSearchIndex, searchDocument, searchPlaybooks, type SearchHit } from '../core/playbook-search.js';
import type { LoadedPlaybooks } from '../io/load-playbooks.js';
import { listedPlaybook, type ListedPlaybook } from '../render/playbook-list.js';
import { loadWorkspace, type WorkspaceInput } from './workspace.js';
import { closestMatch } from '../core/did-you-mean.js';

export function listPlaybooks(input: WorkspaceInput): { items: ListedPlaybook[]; loaded: LoadedPlaybooks } {
  const loaded = loadWorkspace(input);
  return { items: loaded.effective.map((p) => listedPlaybook(p, loaded.directories)), loaded };
}

export function searchWorkspace(input: WorkspaceInput, text: string, limit: number): SearchHit[] {
  const loaded = loadWorkspace(input);
  const index = buildSearchIndex(loaded.effective.map(searchDocument));
  return searchPlaybooks(index, text, limit);
}

export function getPlaybook(input: WorkspaceInput, id: string): Playbook {
  return findPlaybook(loadWorkspace(input), id);
}

export function findPlaybook(loaded: LoadedPlaybooks, id: string): Playbook {
  const playbook = loaded.effective.find((p) => p.id === id);
  if (playbook) return playbook;
  const broken = loaded.diagnostics.filter((d) => d.severity === 'error' && d.file.replace(/\\/g, '/').split('/').pop() === `${id}.md`);
  if (broken.length > 0) {
    throw new TriageError('playbook/invalid', `Playbook ${id} has errors and cannot be used.`, {
      diagnostics: broken,
      file: broken[0]!.file,
      hint: `Fix the errors above, then check with \`triage lint ${broken[0]!.file}\`.`,
      topic: 'format',
    });
  }
  const suggestion = closestMatch(id, loaded.effective.map((p) => p.id));
  throw new TriageError('playbook/unknown', `No playbook with id "${id}".`, {
    hint: suggestion ? `Did you mean "${suggestion}"? \`triage list\` shows every playbook.` : '`triage list` shows every playbook; `triage search <words>` finds one by description.',
  });
}

/** The two ways asking for a playbook by id fails, worded once for every way of loading them. */
import { closestMatch } from '../core/did-you-mean.js';
import { TriageError } from '../core/errors.js';
import type { Diagnostic } from '../core/model.js';

/** The playbook exists but has errors: exit 2 with its diagnostics. */
export function invalidPlaybookError(id: string, errors: readonly Diagnostic[]): TriageError {
  return new TriageError('playbook/invalid', `Playbook ${id} has errors and cannot be used.`, {
    diagnostics: errors,
    file: errors[0]?.file,
    hint: `Fix the errors above, then check with \`triage lint ${errors[0]?.file ?? ''}\`.`,
    topic: 'format',
  });
}

/** No playbook has that id: exit 2, with the closest id when one is near. */
export function unknownPlaybookError(id: string, knownIds: readonly string[]): TriageError {
  const suggestion = closestMatch(id, knownIds);
  return new TriageError('playbook/unknown', `No playbook with id "${id}".`, {
    hint: suggestion ? `Did you mean "${suggestion}"? \`triage list\` shows every playbook.` : '`triage list` shows every playbook; `triage search <words>` finds one by description.',
  });
}

/** `triage check --fail-on`: which results make the command exit non-zero. */
import { EXIT, TriageError, type ExitCode } from '../core/errors.js';
import { OUTCOME_KINDS, type OutcomeKind } from '../core/model.js';
import type { CheckReport } from './check.js';

export type CheckFailOn = { readonly when: 'any' } | { readonly when: 'none' } | { readonly when: 'outcome'; readonly kinds: ReadonlySet<OutcomeKind> };

export function parseCheckFailOn(value: string | undefined): CheckFailOn {
  const text = (value ?? 'any').trim();
  if (text === 'any' || text === '') return { when: 'any' };
  if (text === 'none') return { when: 'none' };
  const kinds = text.split(',').map((k) => k.trim()).filter(Boolean);
  for (const kind of kinds) {
    if (!(OUTCOME_KINDS as readonly string[]).includes(kind)) {
      throw new TriageError('check/invalid-fail-on', `--fail-on: "${kind}" is neither \`any\`, \`none\` nor an outcome kind.`, {
        hint: `Use any (a failed check exits 1), none (always 0), or outcome kinds: ${OUTCOME_KINDS.join(', ')}.`,
        topic: 'exit-codes',
      });
    }
  }
  return { when: 'outcome', kinds: new Set(kinds as OutcomeKind[]) };
}

/**
 * any: 1 when a check failed. none: 0. Outcome kinds: 3 when the checks lead to one of them (as
 * `run --fail-on`), else 0, whatever failed on the way.
 */
export function checkExitCode(report: CheckReport, failOn: CheckFailOn): ExitCode {
  if (failOn.when === 'none') return EXIT.ok;
  if (failOn.when === 'any') return report.checks.some((c) => !c.passed) ? EXIT.checkFailed : EXIT.ok;
  return report.outcome && failOn.kinds.has(report.outcome.kind) ? EXIT.failOn : EXIT.ok;
}

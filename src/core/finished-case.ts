/** A run at its outcome: the closed case record, its report and reply, and what redaction removed. */
import type { CaseRecord } from './case-record.js';
import type { OutcomeKind } from './model.js';
import type { RedactionProfile } from './redaction-profiles.js';
import type { RedactionFinding } from './redact.js';
import type { Report } from './report.js';

export interface FinishedCase {
  readonly record: CaseRecord;
  readonly report: Report;
  readonly reply: string | null;
  readonly outcome: { readonly kind: OutcomeKind; readonly title: string; readonly node: string };
  /** What redaction removed from the report and reply, for the preview shown before output. */
  readonly redactions: readonly RedactionFinding[];
  /** The profile the printed report was redacted with. */
  readonly profile?: RedactionProfile | 'none';
}

/** What `triage check` found: the playbook's probe values, each check's result, where it leads. */
import type { OutcomeKind } from './model.js';

export interface CheckEntry {
  readonly node: string;
  readonly title: string;
  /** The command, or for a probe its name and target (`[tls, https://…]`). */
  readonly argv: readonly string[];
  /** Set for built-in probes. */
  readonly probe?: string;
  readonly target?: string;
  readonly passed: boolean;
  readonly exit_code: number | null;
  readonly timed_out: boolean;
  readonly duration_ms: number;
  /** What was seen: a probe's observed value, a command's first line of output. */
  readonly observed: string;
  /** `ok`, or why it failed in engineer words. */
  readonly detail: string;
  /** A probe's failure in the customer's words. */
  readonly customer?: string;
  /** A probe's stable failure name, e.g. `tls/expired`. */
  readonly failure?: string;
  /** A probe's observation, field by field. */
  readonly values?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

export interface CheckReport {
  readonly playbook: { readonly id: string; readonly version: string; readonly path: string };
  readonly probes: Readonly<Record<string, string>>;
  readonly checks: readonly CheckEntry[];
  /** The first failing check on the path the playbook takes from its start, else the first failing one. */
  readonly first_failure: (Pick<CheckEntry, 'node' | 'title' | 'detail' | 'observed' | 'probe' | 'failure' | 'customer'>) | null;
  /** The outcome the check results lead to, when the path from the start is decided by checks alone. */
  readonly outcome: { readonly node: string; readonly kind: OutcomeKind; readonly title: string } | null;
}

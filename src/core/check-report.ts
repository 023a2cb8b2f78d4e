/** What `triage check` found: the playbook's probe values and each check's result. */
export interface CheckReport {
  readonly playbook: { readonly id: string; readonly version: string; readonly path: string };
  readonly probes: Readonly<Record<string, string>>;
  readonly checks: readonly {
    readonly node: string;
    readonly title: string;
    readonly argv: readonly string[];
    readonly passed: boolean;
    readonly exit_code: number | null;
    readonly timed_out: boolean;
    readonly duration_ms: number;
    readonly detail: string;
  }[];
}

/**
 * The `triage.env/v1` document: what `triage env --json` prints, what a customer sends
 * (`triage env --json > env.json`), and what parsePastedEnvironment reads back.
 * Kept apart from the code that produces and parses it so each side loads only what it needs.
 */
export const ENV_SCHEMA = 'triage.env/v1';

export interface EnvReport {
  readonly schema: typeof ENV_SCHEMA;
  /** ISO 8601. */
  readonly captured_at: string;
  /** The triage version that captured it. */
  readonly triage: string;
  /** Whether home path, hostname, emails, IPs and secrets were removed. */
  readonly redacted: boolean;
  /** The `detect` probes: os, os_version, arch, cpus, memory, node, shell, terminal, locale, timezone. */
  readonly system: Record<string, string>;
  /** git, npm, yarn, pnpm, python, docker: a version, `not found`, or why the probe failed. */
  readonly binaries: Record<string, string>;
  /** chrome, chromium, firefox, edge (safari on macOS): a version or `not found`. */
  readonly browsers: Record<string, string>;
  /** A playbook's own `run`/`detect` env fields (empty for a plain `triage env`). */
  readonly probes: Record<string, string>;
}

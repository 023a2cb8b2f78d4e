/** What `triage test` found: per test file and case, outcome coverage per playbook, and totals. */
import type { OutcomeKind } from './model.js';
import type { TestFileProblem } from './playbook-test-spec.js';

export interface ReachedOutcome {
  readonly playbook: string;
  /** Absolute path of the playbook file the outcome is in. */
  readonly path: string;
  readonly node: string;
  readonly kind: OutcomeKind;
  readonly title: string;
}

export interface TestCaseResult {
  readonly name: string;
  readonly line: number;
  readonly passed: boolean;
  /** Why it failed, one precise sentence each; empty when it passed. */
  readonly failures: readonly string[];
  readonly outcome?: ReachedOutcome;
  /** Node ids visited, in order (`playbook#node` once the run has left the tested playbook). */
  readonly path: readonly string[];
}

export interface TestFileResult {
  /** Absolute path of the test file. */
  readonly file: string;
  readonly playbook?: string;
  /** Absolute path of the playbook file under test, once found. */
  readonly playbookPath?: string;
  /** Problems that stop the whole file (invalid YAML, unknown keys, unknown playbook). */
  readonly problems: readonly TestFileProblem[];
  readonly cases: readonly TestCaseResult[];
}

export interface OutcomeCoverage {
  readonly node: string;
  readonly kind: OutcomeKind;
  readonly title: string;
  readonly line: number;
  /** Cases that reach it, as `<test file>` and case name. */
  readonly reachedBy: readonly { readonly file: string; readonly name: string; readonly line: number }[];
}

export interface PlaybookCoverage {
  readonly playbook: string;
  readonly path: string;
  /** Whether any test file names this playbook. */
  readonly tested: boolean;
  readonly outcomes: readonly OutcomeCoverage[];
}

export interface TestTotals {
  readonly files: number;
  readonly invalidFiles: number;
  readonly cases: number;
  readonly passed: number;
  readonly failed: number;
  readonly playbooks: number;
  readonly outcomes: number;
  readonly covered: number;
}

export interface TestRun {
  readonly files: readonly TestFileResult[];
  readonly coverage: readonly PlaybookCoverage[];
  readonly totals: TestTotals;
}

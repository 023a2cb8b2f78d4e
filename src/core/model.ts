/**
 * The playbook model: what the parser produces and everything else consumes.
 * Plain, immutable data (no methods, no I/O) so it can be cached, compared and serialised.
 * Lines and columns are 1-based and refer to the playbook file as written.
 */
import type { ProbeExpect, ProbeName } from './probe-checks.js';

export const OUTCOME_KINDS = [
  'resolved',
  'workaround',
  'works-as-designed',
  'feature-request',
  'bug',
  'escalate',
] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/**
 * Outcomes the reply alone deals with (an answer, a workaround, an explanation): the reply is the
 * default output, it must give the customer a next step, and the case counts as resolved at first
 * contact.
 */
export const HOW_TO_KINDS: readonly OutcomeKind[] = ['resolved', 'workaround', 'works-as-designed'];

/** Heading prefix (before the colon) → outcome kind. Matching is case-insensitive. */
export const OUTCOME_PREFIXES: Readonly<Record<string, OutcomeKind>> = {
  resolved: 'resolved',
  workaround: 'workaround',
  'works as designed': 'works-as-designed',
  'feature request': 'feature-request',
  bug: 'bug',
  escalate: 'escalate',
};

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const DETECT_PROBES = [
  'os',
  'os_version',
  'arch',
  'cpus',
  'memory',
  'node',
  'shell',
  'terminal',
  'locale',
  'timezone',
] as const;
export type DetectProbe = (typeof DETECT_PROBES)[number];

export const ASK_TYPES = ['text', 'number', 'confirm', 'select', 'multiselect', 'multiline'] as const;
export type AskType = (typeof ASK_TYPES)[number];

export const CHANNELS = ['email', 'chat', 'phone'] as const;
export type Channel = (typeof CHANNELS)[number];
export const MOODS = ['calm', 'confused', 'frustrated', 'angry'] as const;
export type Mood = (typeof MOODS)[number];

export type EnvSource =
  | {
      readonly kind: 'ask';
      readonly prompt: string;
      readonly pattern?: string;
      readonly required: boolean;
      readonly parse?: 'user-agent';
    }
  | { readonly kind: 'detect'; readonly probe: DetectProbe }
  | { readonly kind: 'run'; readonly argv: readonly string[]; readonly timeoutMs: number };

export interface EnvField {
  readonly key: string;
  readonly source: EnvSource;
  /** Line of the field's `- key:` entry in the front matter. */
  readonly line: number;
}

export interface AskBlock {
  readonly key: string;
  readonly prompt: string;
  readonly type: AskType;
  readonly choices?: readonly string[];
  readonly pattern?: string;
  readonly required: boolean;
  readonly secret: boolean;
  /** Line of the opening ``` fence. */
  readonly line: number;
}

/**
 * Where a link points. `file` is the link's path exactly as written (e.g. `refund-request.md`,
 * relative to the linking file); `node` is the fragment without `#`. A same-file link has no `file`.
 */
export interface LinkTarget {
  readonly file?: string;
  readonly node?: string;
}

export interface Choice {
  readonly label: string;
  readonly target: LinkTarget;
  readonly line: number;
  readonly column: number;
}

export interface CheckBlock {
  /** The command; empty when the check is a built-in probe. */
  readonly run: readonly string[];
  /**
   * A built-in probe instead of a command (`probe: [dns, '{{answers.url}}', '{{config.service.url}}']`):
   * its name and target candidates, the first non-empty of which is probed.
   */
  readonly probe?: { readonly name: ProbeName; readonly targets: readonly string[] };
  readonly timeoutMs: number;
  readonly expect: { readonly exit?: number; readonly stdout?: string } & ProbeExpect;
  readonly capture?: string;
  /** Target node ids, leading `#` removed. */
  readonly pass: string;
  readonly fail: string;
  /**
   * Placeholder keys (`pattern`, or `answers.pattern` / `env.pattern`) whose values may start
   * with `-` and so become an option of the command; any other such value is refused.
   */
  readonly allowOptions?: readonly string[];
  readonly line: number;
}

/** What the agent reports after doing an `action`: done, couldn't do it, not needed. */
export const ACTION_STATUSES = ['done', 'failed', 'not-needed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/**
 * Something the agent does during the run (issue a refund, send an article, reset a factor) and
 * then confirms. With targets the node moves on by the result, like a check; without, the result
 * is recorded and the node's choices follow. Asked after the node's asks, before its choices.
 */
export interface ActionBlock {
  /** `^[a-z][a-z0-9_]*$`; templates read `actions.<key>`, `--answer <key>=done` answers it. */
  readonly key: string;
  /** The instruction shown to the agent. */
  readonly do: string;
  /** Prompt for a reference (e.g. a refund id), asked when the agent answers `done`. */
  readonly reference?: string;
  /** Target node ids by result, leading `#` removed; empty when the action has no targets. */
  readonly targets: Readonly<Partial<Record<ActionStatus, string>>>;
  /** Line of the opening ``` fence. */
  readonly line: number;
}

export interface ReplyBlock {
  readonly template: string;
  /** `reply full`: the block is the whole reply, no greeting/acknowledgement/sign-off wrapping. */
  readonly full: boolean;
  /**
   * `reply timeline`: the block says when things happen, so "what happens next" gives no time of
   * its own. Also assumed when the block mentions a duration or a day (reply-claims.ts).
   */
  readonly timeline?: boolean;
  readonly line: number;
}

/** A ```repro block: one line an engineer can follow to reproduce this step (a Liquid template). */
export interface ReproBlock {
  readonly template: string;
  readonly line: number;
}

export interface ReportBlock {
  readonly title?: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly severity?: Severity;
  readonly component?: string;
  readonly labels: readonly string[];
  readonly line: number;
}

export interface Outcome {
  readonly kind: OutcomeKind;
  /** The heading text after the colon, trimmed. */
  readonly title: string;
}

export interface PlaybookNode {
  /** GitHub slug of the heading. */
  readonly id: string;
  /** Heading text as written. */
  readonly heading: string;
  /** For outcomes the text after the colon; otherwise the heading. */
  readonly title: string;
  readonly line: number;
  readonly endLine: number;
  /** Blockquote text, one entry per blockquote, inline Markdown reduced to plain text. */
  readonly script: readonly string[];
  /** Agent guidance: paragraphs and non-choice lists, as Markdown source. */
  readonly guidance: string;
  readonly asks: readonly AskBlock[];
  readonly choices: readonly Choice[];
  readonly check?: CheckBlock;
  /** `action` blocks in file order; absent when the node has none. */
  readonly actions?: readonly ActionBlock[];
  readonly outcome?: Outcome;
  readonly reply?: ReplyBlock;
  readonly report?: ReportBlock;
  readonly repro?: ReproBlock;
}

export interface Playbook {
  readonly id: string;
  readonly title: string;
  readonly version: string;
  readonly summary?: string;
  readonly tags: readonly string[];
  readonly symptoms: readonly string[];
  readonly severity: Severity;
  /** Id of the first node (front matter `start`, or the first `##`). */
  readonly start: string;
  readonly env: readonly EnvField[];
  /** The `# H1` text, if any. */
  readonly heading?: string;
  /** Paragraphs under the H1, as Markdown source. */
  readonly intro: string;
  /** Nodes in file order. */
  readonly nodes: readonly PlaybookNode[];
  /** Absolute path of the file. */
  readonly path: string;
  /** The playbook directory it was loaded from (absolute). */
  readonly dir: string;
}

export type DiagnosticSeverity = 'error' | 'warning';

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: DiagnosticSeverity;
  /** Stable rule id, e.g. `front-matter/missing-key`, `link/missing-node`. */
  readonly rule: string;
  /** Says what is wrong and how to fix it. */
  readonly message: string;
}

/** Whether an action moves the run on by its result (it has `done`/`failed`/`not-needed` targets). */
export function hasActionTargets(action: ActionBlock): boolean {
  return Object.keys(action.targets).length > 0;
}

/** The node's action that moves the run on by its result, if any. */
export function steeringAction(node: PlaybookNode): ActionBlock | undefined {
  return node.actions?.find(hasActionTargets);
}

export function findNode(playbook: Playbook, id: string): PlaybookNode | undefined {
  return playbook.nodes.find((n) => n.id === id);
}

/**
 * Builds Playbook objects for tests without the Markdown parser: terse specs in, complete
 * model objects out (defaults for lines, paths and everything a test does not care about).
 *
 *   const pb = playbook('export-fails', [
 *     node('which-format', { script: 'CSV or PDF?', choices: [choice('CSV', '#rows'), choice('PDF', 'pdf.md')] }),
 *     outcome('resolved-done', 'resolved', 'Done'),
 *   ], { env: [envAsk('app_version', 'App version?')] });
 */
import type {
  AskBlock,
  AskType,
  CheckBlock,
  Choice,
  DetectProbe,
  EnvField,
  LinkTarget,
  OutcomeKind,
  Playbook,
  PlaybookNode,
  ReplyBlock,
  ReportBlock,
  Severity,
} from '../../src/core/model.js';
import type { CheckResult } from '../../src/core/flow-types.js';

export const PLAYBOOK_DIR = '/playbooks';

/** Line until `playbook()` numbers everything in file order, as a parser would (deterministic). */
const UNNUMBERED = 0;

export interface PlaybookSpec {
  readonly title?: string;
  readonly version?: string;
  readonly start?: string;
  readonly env?: readonly EnvField[];
  readonly severity?: Severity;
  readonly tags?: readonly string[];
  readonly symptoms?: readonly string[];
  /** Absolute path; default `/playbooks/<id>.md`. */
  readonly path?: string;
  readonly dir?: string;
}

export function playbook(id: string, nodes: readonly PlaybookNode[], spec: PlaybookSpec = {}): Playbook {
  const path = spec.path ?? `${PLAYBOOK_DIR}/${id}.md`;
  // Lines as a parser would report them: front matter env entries, then nodes and their blocks.
  let line = 5;
  const env = (spec.env ?? []).map((field) => ({ ...field, line: line++ }));
  line += 4;
  const numbered = nodes.map((n): PlaybookNode => {
    const start = line++;
    const asks = n.asks.map((a) => ({ ...a, line: line++ }));
    const choices = n.choices.map((c) => ({ ...c, line: line++ }));
    const checkBlock = n.check ? { check: { ...n.check, line: line++ } } : {};
    const reply = n.reply ? { reply: { ...n.reply, line: line++ } } : {};
    const report = n.report ? { report: { ...n.report, line: line++ } } : {};
    const end = line++;
    return { ...n, line: start, endLine: end, asks, choices, ...checkBlock, ...reply, ...report };
  });
  return {
    id,
    title: spec.title ?? `Playbook ${id}`,
    version: spec.version ?? '1.0.0',
    tags: spec.tags ?? [],
    symptoms: spec.symptoms ?? [],
    severity: spec.severity ?? 'medium',
    start: spec.start ?? nodes[0]?.id ?? 'start',
    env,
    intro: '',
    nodes: numbered,
    path,
    dir: spec.dir ?? path.slice(0, path.lastIndexOf('/')),
  };
}

export interface NodeSpec {
  readonly title?: string;
  /** One blockquote, or several. */
  readonly script?: string | readonly string[];
  readonly guidance?: string;
  readonly asks?: readonly AskBlock[];
  readonly choices?: readonly Choice[];
  readonly check?: CheckBlock;
  readonly reply?: string;
  readonly report?: Partial<ReportBlock>;
}

export function node(id: string, spec: NodeSpec = {}): PlaybookNode {
  const at = UNNUMBERED;
  const title = spec.title ?? id;
  const reply: ReplyBlock | undefined = spec.reply === undefined ? undefined : { template: spec.reply, full: false, line: at + 1 };
  const report: ReportBlock | undefined = spec.report === undefined ? undefined : { labels: [], line: at + 2, ...spec.report };
  return {
    id,
    heading: title,
    title,
    line: at,
    endLine: at + 1,
    script: spec.script === undefined ? [] : typeof spec.script === 'string' ? [spec.script] : spec.script,
    guidance: spec.guidance ?? '',
    asks: spec.asks ?? [],
    choices: spec.choices ?? [],
    ...(spec.check ? { check: spec.check } : {}),
    ...(reply ? { reply } : {}),
    ...(report ? { report } : {}),
  };
}

const OUTCOME_HEADINGS: Readonly<Record<OutcomeKind, string>> = {
  resolved: 'Resolved',
  workaround: 'Workaround',
  'works-as-designed': 'Works as designed',
  'feature-request': 'Feature request',
  bug: 'Bug',
  escalate: 'Escalate',
};

export function outcome(id: string, kind: OutcomeKind, title: string, spec: Omit<NodeSpec, 'title' | 'choices' | 'check'> = {}): PlaybookNode {
  const base = node(id, { ...spec, title });
  return { ...base, heading: `${OUTCOME_HEADINGS[kind]}: ${title}`, outcome: { kind, title } };
}

/** `target` as written in Markdown: `#node`, `other.md`, `other.md#node`, `../dir/other.md#node`. */
export function link(target: string): LinkTarget {
  const hash = target.indexOf('#');
  const file = hash === -1 ? target : target.slice(0, hash);
  const nodeId = hash === -1 ? '' : target.slice(hash + 1);
  return { ...(file ? { file } : {}), ...(nodeId ? { node: nodeId } : {}) };
}

export function choice(label: string, target: string): Choice {
  return { label, target: link(target), line: UNNUMBERED, column: 3 };
}

export interface AskSpec {
  readonly prompt?: string;
  readonly type?: AskType;
  readonly choices?: readonly string[];
  readonly pattern?: string;
  readonly required?: boolean;
  readonly secret?: boolean;
}

export function ask(key: string, spec: AskSpec = {}): AskBlock {
  return {
    key,
    prompt: spec.prompt ?? `What is ${key}?`,
    type: spec.type ?? 'text',
    ...(spec.choices ? { choices: spec.choices } : {}),
    ...(spec.pattern !== undefined ? { pattern: spec.pattern } : {}),
    required: spec.required ?? true,
    secret: spec.secret ?? false,
    line: UNNUMBERED,
  };
}

export interface CheckSpec {
  readonly run: readonly string[];
  readonly pass: string;
  readonly fail: string;
  readonly timeoutMs?: number;
  readonly expect?: { readonly exit?: number; readonly stdout?: string };
  readonly capture?: string;
}

export function check(spec: CheckSpec): CheckBlock {
  return {
    run: spec.run,
    timeoutMs: spec.timeoutMs ?? 10_000,
    expect: spec.expect ?? { exit: 0 },
    ...(spec.capture !== undefined ? { capture: spec.capture } : {}),
    pass: spec.pass.replace(/^#/, ''),
    fail: spec.fail.replace(/^#/, ''),
    line: UNNUMBERED,
  };
}

export function envAsk(key: string, prompt: string, spec: { readonly pattern?: string; readonly required?: boolean } = {}): EnvField {
  return {
    key,
    source: { kind: 'ask', prompt, required: spec.required ?? true, ...(spec.pattern !== undefined ? { pattern: spec.pattern } : {}) },
    line: UNNUMBERED,
  };
}

export function envDetect(key: string, probe: DetectProbe): EnvField {
  return { key, source: { kind: 'detect', probe }, line: UNNUMBERED };
}

export function envRun(key: string, argv: readonly string[], timeoutMs = 5000): EnvField {
  return { key, source: { kind: 'run', argv, timeoutMs }, line: UNNUMBERED };
}

/** A check result as the runner would produce it; `passed` defaults to exit 0. */
export function checkResult(spec: Partial<CheckResult> = {}): CheckResult {
  const exitCode = spec.timedOut || spec.error ? spec.exitCode : (spec.exitCode ?? 0);
  return {
    passed: spec.passed ?? (exitCode === 0 && !spec.timedOut && !spec.error),
    ...(exitCode !== undefined ? { exitCode } : {}),
    stdout: spec.stdout ?? '',
    stderr: spec.stderr ?? '',
    timedOut: spec.timedOut ?? false,
    ...(spec.error !== undefined ? { error: spec.error } : {}),
    durationMs: spec.durationMs ?? 12,
  };
}

/**
 * Playbook test files (`<id>.test.yaml`): the schema and a parser whose problems carry file:line.
 *
 *   playbook: charged-twice
 *   cases:
 *     - name: same invoice captured twice
 *       intake: { customer: Ben, mood: angry, channel: email, description: charged me twice }
 *       answers: { card_last4: "1234", what-is-on-their-statement: Both charges carry our name }
 *       checks: { is-the-service-up: pass }          # check results, injected: nothing runs
 *       outcome: bug-same-invoice-paid-twice         # or other-playbook#node after a link
 *       reply_contains: ["You're right"]
 *       reply_not_contains: [policy]
 *       report_contains: ["2024-05-20"]
 *
 * Pure: text in, a model or problems out. Running the cases is src/app/playbook-tests.ts.
 */
import * as v from 'valibot';
import { LineCounter, isMap, isNode, isPair, isScalar, parseDocument, type Document } from 'yaml';
import type { AnswerValue } from './flow-types.js';
import { CHANNELS, MOODS, type Channel, type Mood } from './model.js';
import { describeValue, didYouMean, isExtensionKey } from './playbook-schema.js';
import { stripHash } from './slug.js';
import { parseSignals, SIGNALS, type Signal } from './signals.js';

export const TEST_FILE_SUFFIX = '.test.yaml';

export const TEST_FILE_KEYS = ['playbook', 'cases'] as const;
export const TEST_CASE_KEYS = [
  'name',
  'intake',
  'answers',
  'checks',
  'outcome',
  'reply_contains',
  'reply_not_contains',
  'report_contains',
  'report_not_contains',
] as const;
export const INTAKE_KEYS = ['customer', 'mood', 'channel', 'description', 'account', 'signals'] as const;
export const CHECK_RESULT_KEYS = ['result', 'stdout'] as const;

export interface InjectedCheck {
  readonly passed: boolean;
  /** What the command "printed": becomes the check's `capture` answer. */
  readonly stdout: string;
}

export interface ExpectedOutcome {
  /** Set when written as `playbook-id#node-id` (an outcome in a linked playbook). */
  readonly playbook?: string;
  readonly node: string;
}

export interface PlaybookTestCase {
  readonly name: string;
  /** Line of the case's `- name:` entry. */
  readonly line: number;
  readonly intake: {
    readonly customer?: string;
    readonly mood: Mood;
    readonly channel: Channel;
    readonly description: string;
    /** The customer's account id or email, as the intake records it. */
    readonly account?: string;
    /** Confirmed customer signals; absent: detected from the description, as a run without prompts does. */
    readonly signals?: readonly Signal[];
  };
  /** Same keys as `--answer`: env keys, ask keys, choice-node ids; also detect/run env keys. */
  readonly answers: Readonly<Record<string, AnswerValue>>;
  /** By node id, or `playbook-id#node-id`. */
  readonly checks: Readonly<Record<string, InjectedCheck>>;
  readonly outcome: ExpectedOutcome;
  readonly replyContains: readonly string[];
  readonly replyNotContains: readonly string[];
  readonly reportContains: readonly string[];
  readonly reportNotContains: readonly string[];
}

export interface PlaybookTestFile {
  readonly file: string;
  readonly playbook: string;
  /** Line of the `playbook:` key. */
  readonly playbookLine: number;
  readonly cases: readonly PlaybookTestCase[];
}

export interface TestFileProblem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export type ParsedTestFile =
  | { readonly ok: true; readonly spec: PlaybookTestFile }
  | { readonly ok: false; readonly problems: readonly TestFileProblem[] };

// ---------------------------------------------------------------------------------------------
// Schema

const scalar = v.union([v.string(), v.number(), v.boolean()]);

function text(name: string) {
  return v.pipe(
    v.union([v.string(), v.number()], (i) => `\`${name}\` must be text, not ${describeValue(i.input)}.`),
    v.transform((value) => String(value).trim()),
    v.nonEmpty(`\`${name}\` is empty.`),
  );
}

/** One string or a list of them: `reply_contains: refund` or `reply_contains: [refund, 5 days]`. */
function phrases(name: string) {
  return v.pipe(
    v.union(
      [scalar, v.array(scalar)],
      (i) => `\`${name}\` must be a phrase or a list of phrases, e.g. \`${name}: ["5 business days"]\`, not ${describeValue(i.input)}.`,
    ),
    v.transform((value) => (Array.isArray(value) ? value : [value]).map(String)),
    v.check((items) => items.every((s) => s !== ''), `\`${name}\` holds an empty phrase, which every text contains: remove it.`),
  );
}

function picklist<T extends readonly string[]>(name: string, options: T) {
  return v.picklist(
    options,
    (i) =>
      `\`${name}\` ${describeValue(i.input)} is not one of ${options.map((o) => `\`${o}\``).join(', ')}.${typeof i.input === 'string' ? didYouMean(i.input, options) : ''}`,
  );
}

const answerValue = v.union(
  [
    v.string(),
    v.number(),
    v.boolean(),
    v.pipe(
      v.array(v.union([v.string(), v.number()])),
      v.transform((items) => items.map(String)),
    ),
    v.pipe(
      v.null(),
      v.transform(() => ''),
    ),
  ],
  (i) => `an answer must be text, a number, true/false or a list, not ${describeValue(i.input)}.`,
);

const checkResultWord = v.pipe(
  v.union([v.string(), v.boolean()], (i) => `a check result must be \`pass\` or \`fail\`, not ${describeValue(i.input)}.`),
  v.transform((value) => (typeof value === 'boolean' ? (value ? 'pass' : 'fail') : value.trim().toLowerCase())),
  v.picklist(['pass', 'fail'], (i) => `a check result must be \`pass\` or \`fail\`, not ${describeValue(i.input)}.`),
);

const injectedCheck = v.union(
  [
    v.pipe(
      checkResultWord,
      v.transform((word): InjectedCheck => ({ passed: word === 'pass', stdout: '' })),
    ),
    v.pipe(
      v.strictObject({
        result: checkResultWord,
        stdout: v.optional(v.pipe(scalar, v.transform(String)), ''),
      }),
      v.transform((value): InjectedCheck => ({ passed: value.result === 'pass', stdout: value.stdout })),
    ),
  ],
  (i) => `a check result must be \`pass\`, \`fail\`, or \`{ result: pass, stdout: "..." }\`, not ${describeValue(i.input)}.`,
);

const outcomeRef = v.pipe(
  text('outcome'),
  v.transform((value): ExpectedOutcome => {
    const hash = value.indexOf('#');
    if (hash > 0) return { playbook: value.slice(0, hash).replace(/\.md$/i, ''), node: value.slice(hash + 1) };
    return { node: stripHash(value) };
  }),
  v.check((o) => o.node !== '', '`outcome` names no node: write the outcome node id, e.g. `resolved-refund-issued`.'),
);

const IntakeSchema = v.strictObject({
  customer: v.optional(text('intake.customer')),
  mood: v.optional(picklist('intake.mood', MOODS), 'calm'),
  channel: v.optional(picklist('intake.channel', CHANNELS), 'email'),
  description: v.optional(v.pipe(scalar, v.transform(String)), ''),
  account: v.optional(text('intake.account')),
  signals: v.optional(v.pipe(v.union([v.string(), v.array(v.string())], '`intake.signals` must be a list, e.g. [deadline, repeat-contact].'), v.transform((raw) => parseSignals(raw)), v.check((p) => p.unknown.length === 0, (i) => `\`intake.signals\`: unknown signal ${(i.input as { unknown: string[] }).unknown.join(', ')}; signals are ${SIGNALS.join(', ')}.`))),
});

const CaseSchema = v.strictObject({
  name: text('name'),
  intake: v.optional(IntakeSchema, {}),
  answers: v.optional(v.record(v.string(), answerValue, '`answers` must be a map of key: value (the same keys as `--answer`).'), {}),
  checks: v.optional(v.record(v.string(), injectedCheck, '`checks` must be a map of node id: pass|fail.'), {}),
  outcome: outcomeRef,
  reply_contains: v.optional(phrases('reply_contains'), []),
  reply_not_contains: v.optional(phrases('reply_not_contains'), []),
  report_contains: v.optional(phrases('report_contains'), []),
  report_not_contains: v.optional(phrases('report_not_contains'), []),
});

const FileSchema = v.strictObject({
  playbook: v.pipe(
    text('playbook'),
    v.transform((id) => id.replace(/\.md$/i, '')),
  ),
  cases: v.pipe(
    v.array(v.unknown(), (i) => `\`cases\` must be a list of cases (\`- name: ...\`), not ${describeValue(i.input)}.`),
    v.minLength(1, '`cases` is empty: add at least one case.'),
  ),
});

const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  file: TEST_FILE_KEYS,
  case: TEST_CASE_KEYS,
  intake: INTAKE_KEYS,
  check: CHECK_RESULT_KEYS,
};

// ---------------------------------------------------------------------------------------------
// Parsing

export function parsePlaybookTestFile(source: string, file: string): ParsedTestFile {
  const lines = new LineCounter();
  const doc = parseDocument(source.replace(/^\uFEFF/, ''), { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.slice(0, 5).map((error) => ({
        file,
        line: error.linePos?.[0].line ?? 1,
        message: `not valid YAML: ${(error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    };
  }
  const problems: TestFileProblem[] = [];
  const at = (path: readonly (string | number)[], message: string, key = false): void => {
    problems.push({ file, line: lineOf(doc, lines, path, key) ?? 1, message });
  };
  let js: unknown;
  try {
    js = doc.toJS();
  } catch (error) {
    // e.g. an alias bomb ("Excessive alias count"): a problem with the file, never a crash.
    return { ok: false, problems: [{ file, line: 1, message: `cannot be read: ${(error as Error).message.split('\n')[0]}` }] };
  }
  const root = withoutExtensionKeys(js);
  if (root === null || root === undefined) {
    return { ok: false, problems: [{ file, line: 1, message: 'the file is empty: a test file holds `playbook: <id>` and a list of `cases`.' }] };
  }
  if (!isPlainMap(root)) {
    return { ok: false, problems: [{ file, line: 1, message: `the file must be a map of keys (\`playbook:\` and \`cases:\`), not ${describeValue(root)}.` }] };
  }
  const head = v.safeParse(FileSchema, root);
  if (!head.success) {
    for (const issue of head.issues) report(issue, [], 'file', at);
    return { ok: false, problems: sortProblems(problems) };
  }
  const cases: PlaybookTestCase[] = [];
  const names = new Map<string, number>();
  head.output.cases.forEach((raw, index) => {
    const path = ['cases', index];
    if (!isPlainMap(raw)) {
      at(path, `${describePath(path)} must be a map of keys (\`- name: ...\`), not ${describeValue(raw)}.`);
      return;
    }
    const parsed = v.safeParse(CaseSchema, withoutExtensionKeys(raw));
    if (!parsed.success) {
      for (const issue of parsed.issues) report(issue, path, 'case', at);
      return;
    }
    const c = parsed.output;
    const line = lineOf(doc, lines, path, false) ?? 1;
    const first = names.get(c.name);
    if (first !== undefined) {
      at([...path, 'name'], `a case named "${c.name}" is already on line ${first}: give each case its own name, so a failure points at one case.`);
      return;
    }
    names.set(c.name, line);
    cases.push({
      name: c.name,
      line,
      intake: {
        ...(c.intake.customer !== undefined ? { customer: c.intake.customer } : {}),
        mood: c.intake.mood,
        channel: c.intake.channel,
        description: c.intake.description.trim(),
        ...(c.intake.account !== undefined ? { account: c.intake.account.trim() } : {}),
        ...(c.intake.signals !== undefined ? { signals: c.intake.signals.signals } : {}),
      },
      answers: c.answers as Record<string, AnswerValue>,
      checks: Object.fromEntries(Object.entries(c.checks).map(([k, check]) => [stripHash(k.trim()), check])),
      outcome: c.outcome,
      replyContains: c.reply_contains,
      replyNotContains: c.reply_not_contains,
      reportContains: c.report_contains,
      reportNotContains: c.report_not_contains,
    });
  });
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };
  return {
    ok: true,
    spec: { file, playbook: head.output.playbook, playbookLine: lineOf(doc, lines, ['playbook'], true) ?? 1, cases },
  };
}

type At = (path: readonly (string | number)[], message: string, key?: boolean) => void;

/** Turns a valibot issue into a problem at the line of the value (or key) it is about. */
function report(issue: v.BaseIssue<unknown>, base: readonly (string | number)[], level: keyof typeof KNOWN_KEYS, at: At): void {
  const items = issue.path ?? [];
  const path = [...base, ...items.map((item) => item.key as string | number)];
  const last = items[items.length - 1];
  const name = describePath(path);
  if (issue.type === 'strict_object' && last?.origin === 'key' && issue.expected !== 'never') {
    const owner = describePath(path.slice(0, -1));
    at(path.slice(0, -1), `${owner === '' ? 'the file' : owner} has no \`${String(last.key)}\`: it is required.${requiredHint(String(last.key))}`);
    return;
  }
  if (issue.type === 'strict_object' && last?.origin === 'key') {
    const key = String(last.key);
    const known = KNOWN_KEYS[levelOf(path.slice(base.length, -1), level)] ?? [];
    const owner = describePath(path.slice(0, -1));
    at(path, `unknown key \`${key}\`${owner === '' ? '' : ` in ${owner}`}.${didYouMean(key, known)} Known keys: ${known.map((k) => `\`${k}\``).join(', ')}.`, true);
    return;
  }
  if (issue.type === 'object' || issue.type === 'strict_object') {
    at(path, `${path.length === 0 ? 'the file' : name} must be a map of keys, not ${describeValue(issue.input)}.`);
    return;
  }
  at(path, issue.message.startsWith('`') || path.length === 0 ? issue.message : `${name}: ${issue.message}`);
}

function requiredHint(key: string): string {
  switch (key) {
    case 'playbook':
      return ' Name the playbook under test by its id, e.g. `playbook: charged-twice`.';
    case 'outcome':
      return ' Give the id of the outcome node the case must reach, e.g. `outcome: resolved-refund-issued`.';
    case 'name':
      return ' Each case needs a name, shown when it fails.';
    default:
      return '';
  }
}

/** Which key set applies below `relative` (a path inside a case, or the file). */
function levelOf(relative: readonly (string | number)[], level: keyof typeof KNOWN_KEYS): keyof typeof KNOWN_KEYS {
  if (level === 'file') return 'file';
  if (relative[0] === 'intake') return 'intake';
  if (relative[0] === 'checks') return 'check';
  return 'case';
}

function describePath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc === '' ? String(part) : `${acc}.${part}`), '');
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `x-` keys are the authors' own notes, as in playbooks. */
function withoutExtensionKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => !isExtensionKey(k)));
}

/** Line of the value at `path` (or of its key, with `key`), else of its nearest ancestor. */
function lineOf(doc: Document, lines: LineCounter, path: readonly (string | number)[], key: boolean): number | undefined {
  if (key && path.length > 0) {
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(path[path.length - 1]));
      if (pair && isNode(pair.key) && pair.key.range) return lines.linePos(pair.key.range[0]).line;
    }
  }
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

function sortProblems(problems: TestFileProblem[]): TestFileProblem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = `${p.line}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line);
}

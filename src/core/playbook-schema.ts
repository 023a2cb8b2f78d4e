/**
 * Valibot schemas for every YAML value a playbook holds: front matter keys, env fields and the
 * `ask`, `check`, `action` and `report` blocks. One schema per key so the parser can point a problem at
 * the exact key and give it a rule id; messages say how to fix the value.
 */
import * as v from 'valibot';
import { isProbeName, parseSize, PROBE_NAMES, TLS_REQUIREMENTS } from './probe-checks.js';
import semver from 'semver';
import { ASK_TYPES, DETECT_PROBES, SEVERITIES } from './model.js';
import { didYouMean } from './did-you-mean.js';
import { stripHash } from './slug.js';

export const ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const ENV_KEY_PATTERN = /^[a-z][a-z0-9_]*$/;
/** Ask keys and captures: anything a template path and `--answer key=value` can carry. */
export const ANSWER_KEY_PATTERN = /^[^\s.[\]=#"'{}|]+$/;

export const FRONT_MATTER_KEYS = ['id', 'title', 'version', 'summary', 'tags', 'symptoms', 'severity', 'start', 'env'] as const;
export const REQUIRED_FRONT_MATTER_KEYS = ['id', 'title', 'version'] as const;
export const ENV_FIELD_KEYS = ['key', 'ask', 'detect', 'run', 'pattern', 'required', 'parse', 'timeout'] as const;
export const ASK_KEYS = ['key', 'prompt', 'type', 'choices', 'pattern', 'required', 'secret'] as const;
export const CHECK_KEYS = ['run', 'probe', 'timeout', 'expect', 'capture', 'pass', 'fail', 'allow-options'] as const;
/** `exit` and `stdout` judge a command; the others judge a built-in probe (probe-checks.ts). */
export const EXPECT_KEYS = ['exit', 'stdout', 'status', 'min_days', 'require', 'issuer', 'max_skew', 'min_free', 'minimums'] as const;
export const COMMAND_EXPECT_KEYS: readonly string[] = ['exit', 'stdout'];
/** Which probe each probe-specific `expect` key belongs to. */
export const PROBE_EXPECT_KEYS: Readonly<Record<string, readonly string[]>> = {
  status: ['http'],
  min_days: ['tls'],
  require: ['tls'],
  issuer: ['tls'],
  max_skew: ['clock'],
  min_free: ['disk'],
  minimums: ['version'],
};
export const ACTION_KEYS = ['key', 'do', 'reference', 'done', 'failed', 'not-needed'] as const;
export const REPORT_KEYS = ['title', 'expected', 'actual', 'severity', 'component', 'labels'] as const;

export const DEFAULT_ENV_RUN_TIMEOUT_MS = 5000;
export const DEFAULT_CHECK_TIMEOUT_MS = 10_000;

/** Keys starting with `x-` are the authors' own metadata: accepted and ignored everywhere. */
export function isExtensionKey(key: string): boolean {
  return key.startsWith('x-');
}

// Lives in did-you-mean.ts, so validate.ts can use it without loading valibot and semver.
export { didYouMean };

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

export function isStrictSemver(value: string): boolean {
  return semver.valid(value) === value;
}

type Schema = v.GenericSchema<unknown, unknown>;
const scalar = v.union([v.string(), v.number(), v.boolean()]);

function text(name: string, options: { oneLine?: boolean } = {}) {
  const oneLine = options.oneLine ?? false;
  return v.pipe(
    v.union([v.string(), v.number()], (i) => `\`${name}\` must be text, not ${describeValue(i.input)}.`),
    v.transform((value) => String(value).trim()),
    v.nonEmpty(`\`${name}\` is empty: write a value or remove the key.`),
    v.check((value) => !oneLine || !value.includes('\n'), `\`${name}\` must be one line.`),
  );
}

function list(name: string) {
  return v.pipe(
    v.array(scalar, (i) => `\`${name}\` must be a list, e.g. \`${name}: [first, second]\`, not ${describeValue(i.input)}.`),
    v.transform((items) => items.map(String)),
  );
}

function bool(name: string) {
  return v.boolean((i) => `\`${name}\` must be true or false, not ${describeValue(i.input)}.`);
}

function positiveMs(name: string) {
  return v.pipe(
    v.number((i) => `\`${name}\` must be a number of milliseconds, e.g. 5000, not ${describeValue(i.input)}.`),
    v.integer(`\`${name}\` must be a whole number of milliseconds.`),
    v.minValue(1, `\`${name}\` must be at least 1 (milliseconds).`),
    // Node's timers take at most 2^31-1 ms; a larger value would silently become 1 ms.
    v.maxValue(MAX_TIMEOUT_MS, `\`${name}\` must be at most ${MAX_TIMEOUT_MS} milliseconds (about 24 days).`),
  );
}

const MAX_TIMEOUT_MS = 2_147_483_647;

function argv(name: string) {
  return v.pipe(
    v.array(
      scalar,
      (i) =>
        `\`${name}\` must be the command as a list, e.g. \`${name}: [git, --version]\`, not ${describeValue(i.input)}. Commands never go through a shell, so each argument is its own element.`,
    ),
    v.minLength(1, `\`${name}\` is an empty list: give the command and its arguments.`),
    v.transform((items) => items.map(String)),
  );
}

function answerKey(name: string) {
  return v.pipe(
    v.union([v.string(), v.number()], (i) => `\`${name}\` must be a name such as \`rows\`, not ${describeValue(i.input)}.`),
    v.transform(String),
    v.regex(ANSWER_KEY_PATTERN, (i) => `\`${name}\` ${describeValue(i.input)} can't be used in templates or \`--answer key=value\`: use letters, digits, \`_\` or \`-\`, no spaces or dots.`),
    // A plain object's `__proto__` is its prototype, not a key: `--answer __proto__=x` would vanish.
    v.check((key) => key !== '__proto__', `\`${name}\` \`__proto__\` is reserved by JavaScript and cannot hold an answer: choose another name.`),
  );
}

function picklist<T extends readonly string[]>(name: string, options: T) {
  return v.picklist(
    options,
    (i) =>
      `\`${name}\` ${describeValue(i.input)} is not one of ${options.map((o) => `\`${o}\``).join(', ')}.${typeof i.input === 'string' ? didYouMean(i.input, options) : ''}`,
  );
}

function regexSource(name: string) {
  return v.string((i) => `\`${name}\` must be a regular expression written as text, not ${describeValue(i.input)}.`);
}

function nodeRef(name: string) {
  return v.pipe(
    v.union([v.string(), v.number()], (i) => `\`${name}\` must be a node id such as '#check-logs', not ${describeValue(i.input)}.`),
    v.transform((value) => stripHash(String(value).trim())),
    v.nonEmpty(`\`${name}\` is empty: give the id of the node to go to.`),
  );
}

export const frontMatterSchemas = {
  id: v.pipe(
    v.union([v.string(), v.number()], (i) => `\`id\` must be text, not ${describeValue(i.input)}.`),
    v.transform(String),
    v.regex(ID_PATTERN, (i) => `\`id\` ${describeValue(i.input)} must be lower-case letters and digits joined by single hyphens, e.g. \`export-fails\`.`),
  ),
  title: text('title', { oneLine: true }),
  version: v.pipe(
    v.string((i) =>
      typeof i.input === 'number'
        ? `\`version\` must be a semantic version with three parts, e.g. 1.0.0; YAML read this one as the number ${i.input}.`
        : `\`version\` must be a semantic version such as 1.0.0, not ${describeValue(i.input)}.`,
    ),
    v.check(
      isStrictSemver,
      (i) => `\`version\` ${describeValue(i.input)} is not a semantic version: write MAJOR.MINOR.PATCH, e.g. 1.0.0 (no leading \`v\`).`,
    ),
  ),
  summary: text('summary', { oneLine: true }),
  tags: list('tags'),
  symptoms: list('symptoms'),
  severity: picklist('severity', SEVERITIES),
  start: nodeRef('start'),
  env: v.array(v.unknown(), (i) => `\`env\` must be a list of fields (\`- key: ...\`), not ${describeValue(i.input)}.`),
} satisfies Record<(typeof FRONT_MATTER_KEYS)[number], Schema>;

export const envFieldSchemas = {
  key: v.pipe(
    v.string((i) => `\`key\` must be text, not ${describeValue(i.input)}.`),
    v.regex(ENV_KEY_PATTERN, (i) => `\`key\` ${describeValue(i.input)} must start with a lower-case letter and hold only a-z, 0-9 and \`_\`, e.g. \`app_version\`.`),
  ),
  ask: text('ask'),
  detect: picklist('detect', DETECT_PROBES),
  run: argv('run'),
  pattern: regexSource('pattern'),
  required: bool('required'),
  parse: picklist('parse', ['user-agent'] as const),
  timeout: positiveMs('timeout'),
} satisfies Record<(typeof ENV_FIELD_KEYS)[number], Schema>;

export const askSchemas = {
  key: answerKey('key'),
  prompt: text('prompt'),
  type: picklist('type', ASK_TYPES),
  choices: v.pipe(list('choices'), v.minLength(1, '`choices` is empty: list the options to pick from.')),
  pattern: regexSource('pattern'),
  required: bool('required'),
  secret: bool('secret'),
} satisfies Record<(typeof ASK_KEYS)[number], Schema>;

export const checkSchemas = {
  run: argv('run'),
  probe: v.pipe(
    argv('probe'),
    v.check(
      (items) => isProbeName(items[0] ?? ''),
      (i) => `\`probe\` must start with a built-in probe: ${PROBE_NAMES.map((n) => `\`${n}\``).join(', ')}, e.g. \`probe: [dns, '{{answers.url}}']\`, not ${describeValue((i.input as unknown[])[0])}.${didYouMean(String((i.input as unknown[])[0] ?? ''), PROBE_NAMES)}`,
    ),
  ),
  timeout: positiveMs('timeout'),
  expect: v.record(v.string(), v.unknown(), (i) => `\`expect\` must be a map with \`exit\` and/or \`stdout\`, not ${describeValue(i.input)}.`),
  capture: answerKey('capture'),
  pass: nodeRef('pass'),
  fail: nodeRef('fail'),
  'allow-options': list('allow-options'),
} satisfies Record<(typeof CHECK_KEYS)[number], Schema>;

export const expectSchemas = {
  exit: v.pipe(
    v.number((i) => `\`expect.exit\` must be an exit code such as 0, not ${describeValue(i.input)}.`),
    v.integer('`expect.exit` must be a whole number.'),
  ),
  stdout: regexSource('expect.stdout'),
  status: v.pipe(v.union([v.string(), v.number()], (i) => `\`expect.status\` must be a status code or a regular expression such as '^2', not ${describeValue(i.input)}.`), v.transform(String)),
  min_days: v.pipe(v.number((i) => `\`expect.min_days\` must be a number of days, e.g. 14, not ${describeValue(i.input)}.`), v.integer('`expect.min_days` must be a whole number of days.')),
  require: v.pipe(
    v.array(v.picklist(TLS_REQUIREMENTS), (i) => `\`expect.require\` must be a list of ${TLS_REQUIREMENTS.map((r) => `\`${r}\``).join(', ')}, not ${describeValue(i.input)}.`),
  ),
  issuer: regexSource('expect.issuer'),
  max_skew: v.pipe(v.number((i) => `\`expect.max_skew\` must be a number of seconds, e.g. 60, not ${describeValue(i.input)}.`), v.minValue(0, '`expect.max_skew` must be 0 or more seconds.')),
  min_free: v.pipe(
    v.union([v.string(), v.number()], (i) => `\`expect.min_free\` must be a size such as 2GiB, not ${describeValue(i.input)}.`),
    v.transform(String),
    v.check((text) => parseSize(text) !== undefined, (i) => `\`expect.min_free\` ${describeValue(i.input)} is not a size: write e.g. 500MB, 2GiB or a number of bytes.`),
  ),
  minimums: text('expect.minimums'),
} satisfies Record<(typeof EXPECT_KEYS)[number], Schema>;

export const actionSchemas = {
  key: v.pipe(
    v.string((i) => `\`key\` must be a name such as \`refund_duplicate\`, not ${describeValue(i.input)}.`),
    v.regex(ENV_KEY_PATTERN, (i) => `\`key\` ${describeValue(i.input)} must start with a lower-case letter and hold only a-z, 0-9 and \`_\`, e.g. \`refund_duplicate\`.`),
  ),
  do: text('do'),
  reference: text('reference', { oneLine: true }),
  done: nodeRef('done'),
  failed: nodeRef('failed'),
  'not-needed': nodeRef('not-needed'),
} satisfies Record<(typeof ACTION_KEYS)[number], Schema>;

export const reportSchemas = {
  title: text('title'),
  expected: text('expected'),
  actual: text('actual'),
  severity: picklist('severity', SEVERITIES),
  component: text('component', { oneLine: true }),
  labels: list('labels'),
} satisfies Record<(typeof REPORT_KEYS)[number], Schema>;

export type FieldResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** Checks one value against its key's schema; the message is the first issue's. */
export function checkField<S extends Schema>(schema: S, value: unknown): FieldResult<v.InferOutput<S>> {
  const result = v.safeParse(schema, value);
  if (result.success) return { ok: true, value: result.output as v.InferOutput<S> };
  return { ok: false, message: result.issues[0]?.message ?? 'invalid value.' };
}

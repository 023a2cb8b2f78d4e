/**
 * Turns what an agent typed (or what `--answer`/`--answers` gave) into a typed answer value, or
 * into a message that says what is wrong. Shared by the engine, the prompter's validation and the
 * non-interactive runner so all three accept exactly the same input.
 *
 * Messages never name the key (the caller knows the context) and never echo a secret value.
 */
import { boundedRegexTest } from './bounded-regex.js';
import type { AnswerValue } from './flow-types.js';
import type { ActionStatus, AskBlock, Choice, EnvField } from './model.js';

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const CONFIRM_WORDS: Readonly<Record<string, boolean>> = {
  yes: true,
  y: true,
  true: true,
  '1': true,
  no: false,
  n: false,
  false: false,
  '0': false,
};

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** `100,000` or `1,234.5`: thousands separators are common in what customers report. */
const GROUPED_NUMBER = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;

function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

function fail<T>(message: string): ParseResult<T> {
  return { ok: false, message };
}

function shown(raw: string, secret: boolean): string {
  return secret ? '' : `, got "${raw}"`;
}

/**
 * The choice that `raw` names: a choice written the same way ignoring case, or its 1-based number.
 * Returns the choice as written in the playbook.
 */
export function matchChoice(choices: readonly string[], raw: string | number): string | undefined {
  const text = String(raw).trim();
  const exact = choices.find((c) => c === text);
  if (exact !== undefined) return exact;
  const lower = text.toLowerCase();
  const folded = choices.find((c) => c.trim().toLowerCase() === lower);
  if (folded !== undefined) return folded;
  if (/^\d+$/.test(text)) {
    const index = Number(text) - 1;
    return index >= 0 && index < choices.length ? choices[index] : undefined;
  }
  return undefined;
}

/**
 * The choice-list entry that `raw` names: its label (ignoring case), its 1-based number, or its
 * target (`node-id`, `other.md`, `other.md#node-id`, or the other playbook's file name without `.md`).
 */
export function matchChoiceLink(choices: readonly Choice[], raw: string | number): Choice | undefined {
  const labels = choices.map((c) => c.label);
  const label = matchChoice(labels, raw);
  if (label !== undefined) return choices[labels.indexOf(label)];
  const text = String(raw).trim().replace(/^#/, '').toLowerCase();
  return choices.find((c) => targetNames(c).includes(text));
}

function targetNames(choice: Choice): string[] {
  const { file, node } = choice.target;
  const names: string[] = [];
  if (node) names.push(node.toLowerCase());
  if (file) {
    const lowerFile = file.toLowerCase();
    names.push(node ? `${lowerFile}#${node.toLowerCase()}` : lowerFile);
    if (!node) names.push(baseName(lowerFile).replace(/\.md$/, ''));
  }
  return names;
}

function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] ?? file;
}

/** Display form of a value: lists joined with `, `, booleans as yes/no. */
export function formatAnswerValue(value: AnswerValue): string {
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

function testPattern(pattern: string, text: string, secret: boolean): ParseResult<string> {
  let re: RegExp;
  try {
    // As written: no implicit anchors or flags, so `^...$` in the playbook means what it says.
    re = new RegExp(pattern);
  } catch {
    return fail(`The playbook's pattern ${pattern} is not a valid regular expression; fix the playbook.`);
  }
  const matched = boundedRegexTest(re, text);
  if (matched === 'too-slow') {
    return fail(`Could not be checked against the pattern ${pattern} in time: the pattern is too slow on this answer. Shorten the answer, or ask the playbook's author to simplify the pattern (\`triage lint\` flags it).`);
  }
  return matched === 'match' ? ok(text) : fail(`Must match the pattern ${pattern}${shown(text, secret)}.`);
}

/**
 * Longest answer accepted, in characters. An answer is copied into the title, steps, path, answers
 * and reply of the report and into the history: a 10 MB paste would make an 80 MB report and use
 * a gigabyte of memory. 100,000 characters is some 1,500 lines of pasted log.
 */
export const MAX_ANSWER_LENGTH = 100_000;

function tooLong(raw: string | AnswerValue): ParseResult<never> | undefined {
  const length = Array.isArray(raw) ? raw.reduce((sum, item) => sum + String(item).length, 0) : typeof raw === 'string' ? raw.length : 0;
  if (length <= MAX_ANSWER_LENGTH) return undefined;
  return fail(
    `The answer is ${length.toLocaleString('en-US')} characters long; the limit is ${MAX_ANSWER_LENGTH.toLocaleString('en-US')}. Paste the part that matters (attach a long log to the ticket instead).`,
  );
}

/** A scalar as text; arrays are not text. */
function asText(raw: string | AnswerValue): string | undefined {
  if (Array.isArray(raw)) return undefined;
  return String(raw);
}

function isEmpty(raw: string | AnswerValue): boolean {
  if (Array.isArray(raw)) return raw.length === 0;
  return typeof raw === 'string' && raw.trim() === '';
}

/** Validates and normalises an answer to an ask block. */
export function parseAnswer(ask: AskBlock, raw: string | AnswerValue): ParseResult<AnswerValue> {
  const secret = ask.secret;
  const long = tooLong(raw);
  if (long) return long;
  if (isEmpty(raw)) {
    if (ask.required) return fail('An answer is required.');
    return ok(ask.type === 'multiselect' ? [] : '');
  }
  switch (ask.type) {
    case 'number':
      return parseNumber(ask, raw);
    case 'confirm':
      return parseConfirm(raw, secret);
    case 'select':
      return parseSelect(ask, raw);
    case 'multiselect':
      return parseMultiselect(ask, raw);
    case 'multiline':
    case 'text':
    default:
      return parseText(ask, raw);
  }
}

function parseText(ask: AskBlock, raw: string | AnswerValue): ParseResult<AnswerValue> {
  const text = asText(raw);
  if (text === undefined) return fail('Expected text, got a list.');
  // Single-line text is trimmed; multiline keeps inner lines and leading indentation of the first
  // non-blank line (pasted logs, stack traces) but drops surrounding blank lines.
  const value = ask.type === 'multiline' ? text.replace(/^(?:[ \t]*\r?\n)+/, '').trimEnd() : text.trim();
  if (value === '' && ask.required) return fail('An answer is required.');
  if (ask.pattern !== undefined && value !== '') {
    const matched = testPattern(ask.pattern, value, ask.secret);
    if (!matched.ok) return matched;
  }
  return ok(value);
}

function parseNumber(ask: AskBlock, raw: string | AnswerValue): ParseResult<AnswerValue> {
  let value: number;
  if (typeof raw === 'number') {
    value = raw;
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    if (NUMBER.test(text)) value = Number(text);
    else if (GROUPED_NUMBER.test(text)) value = Number(text.replace(/,/g, ''));
    else return fail(`Expected a number${shown(text, ask.secret)}.`);
  } else {
    return fail(`Expected a number${Array.isArray(raw) ? ', got a list' : ''}.`);
  }
  if (!Number.isFinite(value)) return fail(`Expected a finite number${shown(String(raw), ask.secret)}.`);
  if (ask.pattern !== undefined) {
    const matched = testPattern(ask.pattern, typeof raw === 'string' ? raw.trim() : String(value), ask.secret);
    if (!matched.ok) return matched;
  }
  return ok(value);
}

function parseConfirm(raw: string | AnswerValue, secret: boolean): ParseResult<AnswerValue> {
  if (typeof raw === 'boolean') return ok(raw);
  const text = asText(raw);
  const word = text?.trim().toLowerCase();
  // Own words only: `__proto__` or `constructor` typed as an answer is not a yes or a no.
  const value = word !== undefined && Object.hasOwn(CONFIRM_WORDS, word) ? CONFIRM_WORDS[word] : undefined;
  if (value === undefined) return fail(`Expected yes or no (y/n, true/false, 1/0)${text === undefined ? '' : shown(text, secret)}.`);
  return ok(value);
}

function choiceList(ask: AskBlock): string {
  return (ask.choices ?? []).join(', ');
}

function parseSelect(ask: AskBlock, raw: string | AnswerValue): ParseResult<AnswerValue> {
  const text = asText(raw);
  const choices = ask.choices ?? [];
  const value = text === undefined ? undefined : matchChoice(choices, text);
  if (value === undefined) {
    const got = text === undefined ? ', got a list' : shown(text, ask.secret);
    return fail(`Expected one of: ${choiceList(ask)} (or its number 1-${choices.length})${got}.`);
  }
  return ok(value);
}

function parseMultiselect(ask: AskBlock, raw: string | AnswerValue): ParseResult<AnswerValue> {
  const choices = ask.choices ?? [];
  let items: string[];
  if (Array.isArray(raw)) {
    items = raw.map((item) => String(item));
  } else {
    const text = String(raw);
    // A whole value that is one choice wins, so a label that contains a comma still works.
    const whole = matchChoice(choices, text);
    items = whole !== undefined ? [whole] : text.split(',');
  }
  const values: string[] = [];
  const unknown: string[] = [];
  for (const item of items) {
    if (item.trim() === '') continue;
    const value = matchChoice(choices, item);
    if (value === undefined) unknown.push(item.trim());
    else if (!values.includes(value)) values.push(value);
  }
  if (unknown.length > 0) {
    const got = ask.secret ? '' : `; not a choice: ${unknown.map((u) => `"${u}"`).join(', ')}`;
    return fail(`Expected a comma-separated list of: ${choiceList(ask)} (or their numbers)${got}.`);
  }
  if (values.length === 0 && ask.required) return fail('Pick at least one choice.');
  return ok(values);
}

/** Validates and normalises (trims) the answer to an `ask` env field. */
export function parseEnvAnswer(field: EnvField, raw: string | AnswerValue): ParseResult<string> {
  const text = asText(raw);
  if (text === undefined) return fail('Expected text, got a list.');
  const long = tooLong(text);
  if (long) return long;
  const value = text.trim();
  if (field.source.kind !== 'ask') return ok(value);
  if (value === '') return field.source.required ? fail('An answer is required.') : ok('');
  if (field.source.pattern !== undefined) return testPattern(field.source.pattern, value, false);
  return ok(value);
}

/** What a prompt or an error can list as allowed values for an ask, if the type restricts them. */
export function allowedAnswers(ask: AskBlock): string[] | undefined {
  if (ask.type === 'select' || ask.type === 'multiselect') return [...(ask.choices ?? [])];
  if (ask.type === 'confirm') return ['yes', 'no'];
  return undefined;
}

/** How the agent's result for an action is spelled: the status, the prompt's label, or a common variant. */
const ACTION_STATUS_WORDS: Readonly<Record<string, ActionStatus>> = {
  done: 'done',
  failed: 'failed',
  fail: 'failed',
  "couldn't-do-it": 'failed',
  'couldnt-do-it': 'failed',
  "couldn't": 'failed',
  couldnt: 'failed',
  'could-not': 'failed',
  'not-needed': 'not-needed',
  notneeded: 'not-needed',
  'not-necessary': 'not-needed',
};

/** Prompt labels for the three results, in the order they are offered. */
export const ACTION_STATUS_LABELS: Readonly<Record<ActionStatus, string>> = {
  done: 'Done',
  failed: "Couldn't do it",
  'not-needed': 'Not needed',
};

/**
 * The result for an action: `done`, `failed` or `not-needed` (also the prompt's labels, any
 * case, `_` or spaces for `-`), and only one of `allowed` (an action that steers the run offers
 * "not needed" only where it leads somewhere).
 */
export function parseActionStatus(raw: string | AnswerValue, allowed: readonly ActionStatus[]): ParseResult<ActionStatus> {
  const text = asText(raw);
  const word = (text ?? '').trim().toLowerCase().replace(/[’‘]/g, "'").replace(/[\s_]+/g, '-');
  const status = Object.hasOwn(ACTION_STATUS_WORDS, word) ? ACTION_STATUS_WORDS[word] : undefined;
  if (status === undefined) return fail(`Must be one of ${allowed.join(', ')}${text === undefined ? '' : `, got "${text.trim()}"`}.`);
  if (!allowed.includes(status)) return fail(`"${status}" is not offered here: this action leads on only when it is ${allowed.join(' or ')}.`);
  return ok(status);
}

/** Longest action reference (a refund id, a ticket number, a link), in characters. */
export const MAX_REFERENCE_LENGTH = 500;

/** An action's reference, on one line; '' when none was given. */
export function parseActionReference(raw: string | AnswerValue): ParseResult<string> {
  const text = (asText(raw) ?? (raw as readonly string[]).join(', ')).replace(/\s+/g, ' ').trim();
  if (text.length > MAX_REFERENCE_LENGTH) return fail(`The reference is ${text.length} characters long; the limit is ${MAX_REFERENCE_LENGTH}. Give the id or link only.`);
  return ok(text);
}

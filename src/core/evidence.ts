/**
 * Evidence first: what the customer already said (the description, earlier answers) offered as
 * the default of the question that asks for it, and a new answer that contradicts it pointed out
 * before it is taken. Pure: text in, suggestions out.
 *
 * Recognised: an HTTP status code (with a word such as "error", "status" or "got" before it, or a
 * well-known one), a browser (and its version), a number with its unit ("450,000 rows"), an
 * error text (quoted, or after "error:" / "says"), and when it started ("since yesterday").
 */
import type { AskType } from './model.js';

export interface Fact {
  readonly value: string;
  /** Where it was said: "the description", or the question it answered. */
  readonly from: string;
}

export interface Evidence {
  readonly statusCode?: Fact;
  readonly browser?: Fact;
  readonly errorText?: Fact;
  readonly started?: Fact;
  /** Numbers with the word after them (singular, lower case): `{ value: '450000', unit: 'row' }`. */
  readonly numbers: readonly (Fact & { readonly unit: string })[];
}

export const NO_EVIDENCE: Evidence = { numbers: [] };

const KNOWN_CODES = new Set(['400', '401', '402', '403', '404', '405', '408', '409', '410', '413', '415', '422', '429', '500', '501', '502', '503', '504']);
const CODE_CONTEXT = /\b(?:http|status|code|error|errors|got|get|gets|getting|returns?|returning|responds?|response|with)\s+(?:a\s+|an\s+|code\s+|status\s+)?$/i;
const BROWSERS = ['chrome', 'chromium', 'firefox', 'safari', 'edge', 'opera', 'brave', 'vivaldi', 'samsung internet', 'internet explorer'];
const BROWSER_PATTERN = new RegExp(`\\b(${BROWSERS.join('|').replace(/ /g, '\\s+')})\\b(?:\\s+v?(\\d+(?:\\.\\d+)*))?`, 'i');
const STARTED_PATTERN =
  /\b(?:(?:ever\s+)?since|starting|started|from)\s+((?:yesterday|today|this\s+(?:morning|afternoon|evening|week)|last\s+(?:night|week|month|\w+day)|(?:on\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day|the\s+(?:last\s+|latest\s+|recent\s+)?(?:update|upgrade|release)|\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2}(?:\s*[A-Z]{2,4})?|\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d{1,2}))/i;
const QUOTED = /["“«]([^"”»]{3,200})["”»]|(?:^|\s)'([^']{3,200})'(?:\s|[.,;!?]|$)/;
const ERROR_AFTER = /\b(?:error(?:\s+message)?|message|it\s+says|says|saying)\s*[:\-–]?\s+([^.,;!?\n]{3,120})/i;
const NUMBER_UNIT = /(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k\b)?\s*([a-z]{2,})/gi;

function singular(word: string): string {
  const w = word.toLowerCase();
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

function statusCodeIn(text: string): string | undefined {
  for (const match of text.matchAll(/(?<![\d.,:/-])([45]\d{2})(?:s)?(?![\d.,:/-]\d)/g)) {
    const code = match[1]!;
    const before = text.slice(Math.max(0, match.index - 30), match.index);
    if (KNOWN_CODES.has(code) || CODE_CONTEXT.test(before)) return code;
  }
  return undefined;
}

function browserIn(text: string): string | undefined {
  const match = BROWSER_PATTERN.exec(text);
  if (!match) return undefined;
  const name = match[1]!.replace(/\s+/g, ' ').toLowerCase();
  const proper = name.replace(/\b\w/g, (c) => c.toUpperCase());
  return match[2] ? `${proper} ${match[2]}` : proper;
}

/** The facts a piece of text states. */
export function evidenceFrom(text: string, from = 'the description'): Evidence {
  const fact = (value: string | undefined): Fact | undefined => (value === undefined || value.trim() === '' ? undefined : { value: value.trim(), from });
  const quoted = QUOTED.exec(text);
  const errorText = quoted ? (quoted[1] ?? quoted[2]) : ERROR_AFTER.exec(text)?.[1];
  const numbers: (Fact & { unit: string })[] = [];
  for (const match of text.matchAll(NUMBER_UNIT)) {
    const digits = match[1]!.replace(/,/g, '');
    const value = match[2] ? String(Math.round(Number(digits) * 1000)) : digits;
    numbers.push({ value, unit: singular(match[3]!), from });
  }
  const entries = {
    statusCode: fact(statusCodeIn(text)),
    browser: fact(browserIn(text)),
    errorText: fact(errorText?.replace(/\s+/g, ' ')),
    // The time alone ("yesterday"): reports already say "since", "started".
    started: fact(STARTED_PATTERN.exec(text)?.[1]),
  };
  return { ...Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)), numbers };
}

/** Later evidence wins: an answer corrects what the description said. */
export function mergeEvidence(earlier: Evidence, later: Evidence): Evidence {
  return { ...earlier, ...Object.fromEntries(Object.entries(later).filter(([k, v]) => k !== 'numbers' && v !== undefined)), numbers: [...later.numbers, ...earlier.numbers] };
}

export interface Question {
  readonly key: string;
  readonly prompt: string;
  /** Ask type; env questions are text. */
  readonly type?: AskType;
}

const asksFor = {
  statusCode: (q: Question) => /status|http|error.?code|\bcode\b/i.test(`${q.key} ${q.prompt}`) && !/zip|post(al)?\s*code|verification|promo|discount|coupon|country/i.test(q.prompt),
  browser: (q: Question) => /browser/i.test(`${q.key} ${q.prompt}`) && !/browsers.tried|other browsers/i.test(`${q.key} ${q.prompt}`),
  errorText: (q: Question) => /\berror|message/i.test(`${q.key} ${q.prompt}`) && !/code/i.test(q.prompt),
  started: (q: Question) => /^started(_at)?$/.test(q.key) || /when (?:it|this|the \w+) started|\bsince when\b|when did (?:it|this) start/i.test(q.prompt),
};

/** What the customer already said that answers this question, to offer as its default. */
export function suggestedAnswer(question: Question, evidence: Evidence): Fact | undefined {
  if (question.type === 'number') {
    const words = new Set(question.prompt.toLowerCase().split(/[^a-z]+/).map(singular));
    return evidence.numbers.find((n) => words.has(n.unit));
  }
  if (question.type !== undefined && question.type !== 'text' && question.type !== 'multiline') return undefined;
  if (asksFor.statusCode(question) && evidence.statusCode) return evidence.statusCode;
  if (asksFor.browser(question) && evidence.browser) return evidence.browser;
  if (asksFor.started(question) && evidence.started) return evidence.started;
  if (asksFor.errorText(question) && evidence.errorText) return evidence.errorText;
  return undefined;
}

/** The choice (by label) that matches what the customer said: the status code, or the browser. */
export function suggestedChoice(labels: readonly string[], evidence: Evidence): { label: string; fact: Fact } | undefined {
  if (evidence.statusCode) {
    const code = evidence.statusCode.value;
    const label = labels.find((l) => new RegExp(`(?<!\\d)${code}(?!\\d)`).test(l));
    if (label) return { label, fact: evidence.statusCode };
  }
  if (evidence.browser) {
    const family = evidence.browser.value.split(' ')[0]!.toLowerCase();
    const label = labels.find((l) => l.toLowerCase().split(/[^a-z]+/).includes(family));
    if (label) return { label, fact: evidence.browser };
  }
  return undefined;
}

/**
 * A sentence saying how `answer` contradicts what was said before (another status code, another
 * browser), or undefined when it does not.
 */
export function contradiction(answer: string, evidence: Evidence): string | undefined {
  const said = evidenceFrom(answer, 'this answer');
  if (said.statusCode && evidence.statusCode && said.statusCode.value !== evidence.statusCode.value) {
    return `${saidBefore(evidence.statusCode)}, but this answer says ${said.statusCode.value}.`;
  }
  const family = (fact: Fact | undefined): string | undefined => fact?.value.split(' ')[0]!.toLowerCase();
  if (said.browser && evidence.browser && family(said.browser) !== family(evidence.browser)) {
    return `${saidBefore(evidence.browser)}, but this answer says ${said.browser.value}.`;
  }
  return undefined;
}

/** "The description says 429" / "The answer to “HTTP status code” was 429". */
export function saidBefore(fact: Fact): string {
  return fact.from === 'the description' ? `The description says ${fact.value}` : `The answer to “${fact.from}” was ${fact.value}`;
}

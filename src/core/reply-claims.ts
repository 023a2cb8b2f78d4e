/**
 * What a customer reply states as fact, found in its words: first-person claims of a completed
 * action ("I've refunded …", "I have sent …"), promises of a link or an article, timelines for
 * what happens next, and phrases said twice. Used by lint on reply blocks and phrase banks
 * (reply-craft.ts) and by playbook tests on the rendered reply (app/playbook-tests.ts).
 *
 * These are word patterns, not understanding: they catch the claims replies actually make
 * ("I've refunded", "I've passed your feedback on", "I've lifted that block") and leave
 * investigation ("I've checked", "I've looked into it") and the future ("I'll refund") alone.
 */

export interface TextSpan {
  readonly start: number;
  readonly end: number;
  /** The words matched, on one line. */
  readonly text: string;
}

/**
 * `action`: the agent did something to the account or order (refund, reset, send); true only when
 * the run confirmed it. `handover`: the case was passed to another team (reported, escalated,
 * passed on); true when the outcome hands a report on (bug, escalation, feature request, or an
 * outcome with a report block).
 */
export type ClaimKind = 'action' | 'handover';

export interface Claim extends TextSpan {
  readonly kind: ClaimKind;
  /** The verb as written, e.g. `refunded`. */
  readonly verb: string;
}

/** Verbs that hand the case to someone else: backed by a report, not by an action. */
const HANDOVER_VERBS = [
  'passed',
  'forwarded',
  'escalated',
  'reported',
  'filed',
  'logged',
  'raised',
  'flagged',
  'handed',
  'referred',
  'noted',
  'shared',
  'submitted',
  'asked',
  'let',
  'told',
  'alerted',
  'notified',
  'informed',
  'opened',
];

/** Things done to an account, order or payment: each needs a confirmed action. */
const ACTION_VERBS = [
  'refunded',
  'sent',
  'resent',
  're-sent',
  'emailed',
  'restored',
  'recovered',
  'reinstated',
  'applied',
  'lifted',
  'reactivated',
  're-activated',
  'activated',
  'deactivated',
  'reenabled',
  're-enabled',
  'enabled',
  'disabled',
  'unlocked',
  'unblocked',
  'reset',
  'cancelled',
  'canceled',
  'credited',
  'issued',
  'processed',
  'removed',
  'deleted',
  'added',
  'updated',
  'changed',
  'corrected',
  'fixed',
  'adjusted',
  'extended',
  'upgraded',
  'downgraded',
  'moved',
  'merged',
  'split',
  'swapped',
  'switched',
  'turned',
  'waived',
  'voided',
  'reversed',
  'released',
  'cleared',
  'approved',
  'booked',
  'scheduled',
  'arranged',
  'placed',
  'shipped',
  'dispatched',
  'replaced',
  'reordered',
  're-ordered',
  'signed',
  'logged',
  'revoked',
  'rotated',
  'regenerated',
  'whitelisted',
  'allowlisted',
  'reopened',
  're-opened',
  'linked',
  'unlinked',
  'marked',
  'set',
  'created',
  'generated',
  'paused',
  'resumed',
  'closed',
  'transferred',
  'converted',
  'refreshed',
  'renewed',
  'reissued',
  're-issued',
  'prorated',
];

/**
 * Subjects that claim the writer (or their team) already did it: I've, I have, we've, we have,
 * a bare "I" with a past tense ("I refunded", "I just sent"), plus adverbs ("I've now", "I've
 * also", "I've gone ahead and", "I went ahead and"). A bare "we" with a past tense ("we emailed
 * everyone in March") tells the company's history, not what the agent did in this case.
 */
const SUBJECT = String.raw`\b(?:i|we)(?:\s*['’]ve|\s+have)(?:\s+(?:now|also|just|already|personally|gone\s+ahead\s+and|since))*\s+|\bi(?:\s+(?:just|also|already|personally))*\s+(?:went\s+ahead\s+and\s+)?`;

const VERBS = [...new Set([...ACTION_VERBS, ...HANDOVER_VERBS])].sort((a, b) => b.length - a.length);
const CLAIM = new RegExp(String.raw`(?:${SUBJECT})(${VERBS.map((v) => v.replace(/-/g, '\\-')).join('|')})\b`, 'gi');

/** "I have sent" but not "I have to send" / "I have a refund"; "I signed" needs a past tense. */
function isPastTense(verb: string, subjectText: string): boolean {
  // Simple past after a bare "I"/"we" ("I refunded"): "set", "reset" and "split" are the same in
  // the present ("I set up", "we reset passwords every…"), so only count them after have/'ve.
  const perfect = /['’]ve|have/i.test(subjectText);
  if (perfect) return true;
  return !['set', 'reset', 'split', 'let'].includes(verb.toLowerCase());
}

/** What would follow "I've let"/"I've asked"/"I've opened" for them to be a handover of the case. */
function isHandoverObject(verb: string, after: string): boolean {
  const v = verb.toLowerCase();
  if (v === 'let' || v === 'told' || v === 'asked' || v === 'alerted' || v === 'notified' || v === 'informed') {
    // "I've asked our billing team", "I've let our engineers know"; not "I've asked you".
    return /^\s+(?:our|the|my|a|an)\b/i.test(after);
  }
  if (v === 'opened') return /^\s+(?:a|an|the)\s+(?:ticket|case|request|report|investigation|issue|incident)\b/i.test(after);
  if (v === 'logged') return !/^\s+(?:you|your)\b/i.test(after);
  return true;
}

/** "I've logged you out" or "I've signed you out" is an action, not a handover or a sign-in. */
function actionOrSkip(verb: string, after: string): ClaimKind | undefined {
  const v = verb.toLowerCase();
  if (v === 'signed' || v === 'logged') return /^\s+(?:you|your|them|it|every|all)\b[\s\S]{0,40}?\bout\b/i.test(after) ? 'action' : v === 'logged' ? 'handover' : undefined;
  if (v === 'turned') return /^\s+\S+(?:\s+\S+){0,3}?\s+(?:on|off)\b|^\s+(?:on|off)\b/i.test(after) ? 'action' : undefined;
  if (v === 'set') return /^\s+(?:up|your|it|the|a)\b/i.test(after) ? 'action' : undefined;
  return 'action';
}

/** First-person claims of completed actions and hand-overs in `text`, in order. */
export function findClaims(text: string): Claim[] {
  const claims: Claim[] = [];
  for (const match of text.matchAll(CLAIM)) {
    const verb = match[1] ?? '';
    const start = match.index ?? 0;
    const end = start + match[0].length;
    const subjectText = match[0].slice(0, match[0].length - verb.length);
    if (!isPastTense(verb, subjectText)) continue;
    const before = text.slice(Math.max(0, start - 12), start);
    // "If I've refunded …", "once we have sent …": a condition, not a claim; "have I sent" is a question.
    if (/\b(?:if|once|when|until|unless|after|whether)\s+$/i.test(before)) continue;
    const after = text.slice(end, end + 60);
    const lower = verb.toLowerCase();
    let kind: ClaimKind | undefined;
    if (HANDOVER_VERBS.includes(lower) && !ACTION_VERBS.includes(lower)) kind = isHandoverObject(lower, after) ? 'handover' : undefined;
    else kind = actionOrSkip(lower, after);
    if (kind === undefined) continue;
    claims.push({ start, end, text: oneLine(match[0]), kind, verb });
  }
  return claims;
}

// ---------------------------------------------------------------------------------------------
// Liquid structure: which parts of a template show only when an action was confirmed

/**
 * The template with every `{% tag %}` and `{{ output }}` blanked to spaces (newlines kept), so
 * positions in the prose are positions in the template; an output reads as the word `value`.
 */
export function proseOf(template: string): string {
  return template
    .replace(/\r\n?/g, '\n')
    .replace(/\{%-?[\s\S]*?-?%\}/g, (tag) => tag.replace(/[^\n]/g, ' '))
    .replace(/\{\{-?[\s\S]*?-?\}\}/g, (tag) => `value${tag.slice(5).replace(/[^\n]/g, ' ')}`);
}

/** Whether an `if`/`elsif` condition holds only when an action was confirmed done. */
function confirmsAction(condition: string): string | undefined {
  if (/\bor\b|!=|==\s*false\b|\bnot\b|\bfailed\b|not_needed/.test(condition)) return undefined;
  const done = /\bactions\.([a-z][a-z0-9_]*)\.done\b/.exec(condition) ?? /\bactions\.([a-z][a-z0-9_]*)\.status\s*==\s*["']done["']/.exec(condition);
  return done?.[1];
}

export interface ConfirmedRange {
  readonly start: number;
  readonly end: number;
  /** The action key the condition tests. */
  readonly action: string;
}

/**
 * Ranges of the template rendered only when an action is done: the body of
 * `{% if actions.<key>.done %}` (or `.status == "done"`) up to its `elsif`/`else`/`endif`.
 */
export function confirmedRanges(template: string): ConfirmedRange[] {
  const text = template.replace(/\r\n?/g, '\n');
  const ranges: ConfirmedRange[] = [];
  const stack: { tag: string; action?: string; from: number }[] = [];
  for (const match of text.matchAll(/\{%-?\s*(\w+)([\s\S]*?)-?%\}/g)) {
    const name = (match[1] ?? '').toLowerCase();
    const start = match.index ?? 0;
    const end = start + match[0].length;
    const close = (frame: { action?: string; from: number } | undefined) => {
      if (frame?.action !== undefined) ranges.push({ start: frame.from, end: start, action: frame.action });
    };
    if (name === 'if') stack.push({ tag: 'if', action: confirmsAction(match[2] ?? ''), from: end });
    else if (name === 'unless' || name === 'case' || name === 'for') stack.push({ tag: name, from: end });
    else if (name === 'elsif' || name === 'else' || name === 'when') {
      const frame = stack[stack.length - 1];
      if (!frame) continue;
      close(frame);
      frame.action = name === 'elsif' ? confirmsAction(match[2] ?? '') : undefined;
      frame.from = end;
    } else if (name === 'endif' || name === 'endunless' || name === 'endcase' || name === 'endfor') {
      close(stack.pop());
    }
  }
  return ranges;
}

// ---------------------------------------------------------------------------------------------
// Links the reply promises

const LINK_PROMISE = new RegExp(
  [
    String.raw`\b(?:help|support|knowledge[- ]base|kb|how-to|setup|set-up)\s+(?:article|guide|page|doc|docs|documentation)s?\b`,
    String.raw`\bstatus\s+page\b`,
    String.raw`\b(?:this|the|our|that|an?)\s+(?:article|guide|walkthrough|walk-through|tutorial)s?\b`,
    String.raw`\b(?:links?|url)\s+(?:below|above)\b`,
    String.raw`\b(?:this|the|a|that)\s+(?:link|url)\s*:`,
    String.raw`\b(?:sent|send|sending|included|include|attached)\s+(?:you\s+)?(?:a|the)\s+link\b`,
    String.raw`\b(?:here['’]s|here\s+is)\s+(?:the|a|our)\s+(?:link|url|page)\b`,
    String.raw`\bclick\s+here\b`,
  ].join('|'),
  'gi',
);

/** Links that the product itself sends (a reset email) or that live in another message. */
const NOT_OUR_LINK = /\b(?:reset|verification|verify|confirmation|confirm|sign-in|sign\s+in|login|log-in|magic|invitation|invite|download|payment|unsubscribe|tracking|activation)\s+link\b|\blink\s+(?:in|from)\s+(?:the|your|that|our|this)\s+(?:\w+\s+)?(?:email|message|text|sms|app|invoice)\b/i;

/** Something that supplies a link: a URL, a Markdown link, or a template value. */
const SUPPLIES_LINK = /https?:\/\/|\bwww\.|\]\(|\{\{|\bvalue\b|[a-z0-9-]+\.(?:com|org|net|io|app|dev|help|support)\/\S*/i;

/**
 * Promises of a link, article or status page whose sentence (or the sentence after it, for
 * "Here is the guide:" followed by the link) gives neither a URL nor a template value for it.
 * `template` is the reply as written (so `{{ answers.article_url }}` counts as supplying it).
 */
export function findUnsuppliedLinks(template: string): TextSpan[] {
  const text = template.replace(/\r\n?/g, '\n');
  const found: TextSpan[] = [];
  for (const match of text.matchAll(LINK_PROMISE)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    const window = text.slice(sentenceStart(text, start), sentenceEnd(text, sentenceEnd(text, end) + 1));
    if (SUPPLIES_LINK.test(window)) continue;
    if (NOT_OUR_LINK.test(text.slice(Math.max(0, start - 30), end + 40))) continue;
    found.push({ start, end, text: oneLine(match[0]) });
  }
  return found;
}

/** Where the sentence holding `index` starts: after the last `.`, `!`, `?` or blank line before it. */
function sentenceStart(text: string, index: number): number {
  for (let i = index - 1; i >= 0; i--) {
    const c = text[i];
    if ((c === '.' || c === '!' || c === '?') && /\s/.test(text[i + 1] ?? ' ')) return i + 1;
    if (c === '\n' && text[i - 1] === '\n') return i + 1;
  }
  return 0;
}

/** Where the sentence holding `index` ends (its closing punctuation included). */
function sentenceEnd(text: string, index: number): number {
  for (let i = index; i < text.length; i++) {
    const c = text[i];
    if ((c === '.' || c === '!' || c === '?') && /\s/.test(text[i + 1] ?? ' ')) return i + 1;
    if (c === '\n' && text[i + 1] === '\n') return i;
  }
  return text.length;
}

// ---------------------------------------------------------------------------------------------
// Timelines

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  fourteen: 14,
  'twenty-four': 24,
  thirty: 30,
  'forty-eight': 48,
};
const UNIT_MINUTES: Readonly<Record<string, number>> = { minute: 1, hour: 60, day: 1440, week: 10080, month: 43200 };

const DURATION = String.raw`(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|twenty-four|thirty|forty-eight)(?:\s*(?:-|–|to)\s*(?:\d+|\w+))?[\s-]+(?:(business|working)\s+)?(minute|hour|day|week|month)s?\b`;
const WHEN = String.raw`\b(?:today|tomorrow|tonight|this\s+(?:morning|afternoon|evening|week)|by\s+(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day|week|today)|(?:as\s+soon\s+as|once)\s+(?:a|the)\s+fix)\b`;
/** Who promises: "we'll", "I will", "our team will", "you'll hear/receive/get". */
const PROMISE = /\b(?:we|i|they|our\s+\w+(?:\s+team)?|the\s+\w+\s+team|someone|you)\s*(?:['’]ll|will|are\s+going\s+to|aim\s+to|expect\s+to)\b|\bexpect\s+(?:to\s+hear|an?\s+(?:update|answer|reply|call))\b/i;

export interface Timeline extends TextSpan {
  /** Comparable value: minutes for durations (`1440 business` for a business day), or the phrase itself. */
  readonly value: string;
}

/**
 * When the reply promises something will happen ("we'll be in touch within one business day",
 * "you'll hear from us today"): sentences with a promise and a duration or a day. "It usually
 * shows within 5–10 days" (no promise) is a fact about the world, not a timeline.
 */
export function findTimelines(text: string): Timeline[] {
  const timelines: Timeline[] = [];
  const sentences = /[^.!?\n]+(?:[.!?]+|\n|$)/g;
  for (const sentence of text.matchAll(sentences)) {
    const body = sentence[0];
    if (!PROMISE.test(body)) continue;
    const base = sentence.index ?? 0;
    for (const match of body.matchAll(new RegExp(`\\b(?:within|in|after|over\\s+the\\s+next|for|every)\\s+(?:the\\s+next\\s+)?${DURATION}|${WHEN}`, 'gi'))) {
      const start = base + (match.index ?? 0);
      const phrase = oneLine(match[0]).toLowerCase();
      let value = phrase;
      if (match[1] !== undefined) {
        const count = /^\d+$/.test(match[1]) ? Number(match[1]) : (NUMBER_WORDS[match[1].toLowerCase()] ?? 1);
        const unit = (match[3] ?? '').toLowerCase();
        // "one business day" and "24 hours" are different promises (a Friday evening shows how).
        value = `${/^every\b/.test(phrase) ? 'every ' : ''}${count * (UNIT_MINUTES[unit] ?? 1)}${match[2] ? ' business' : ''}`;
      }
      timelines.push({ start, end: start + match[0].length, text: oneLine(match[0]), value });
    }
  }
  return timelines;
}

const ANY_TIME = new RegExp(
  String.raw`\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|twenty-four|thirty|forty-eight)(?:\s*(?:-|–|to)\s*(?:\d+|\w+))?[\s-]+(?:(?:business|working)\s+)?(?:minute|hour|day|week|month)s?\b|\b(?:today|tomorrow|tonight|this\s+(?:morning|afternoon|evening|week)|every\s+(?:hour|day|morning|evening)|hourly|daily|by\s+(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day|week))\b`,
  'i',
);

/** Words of a sentence about hearing back: an update, a call, a reply. */
const FOLLOW_UP = /\b(?:updat\w*|call\w*|contact\w*|email\w*|hear\w*|repl\w*|respond\w*|back\s+to\s+you|in\s+touch|status\s+page|restor\w*|remov\w*|fix\w*)\b/i;

/**
 * Whether a reply block says when the customer will hear or see what happens next: a sentence
 * with a duration or a day and a promise or a follow-up ("there's a 24-hour waiting period, and
 * we'll email you", "the status page is updated every hour", "a team lead will call you today").
 * The wrapper then adds no timeline of its own, so the customer reads one. A duration on its own
 * ("it usually arrives within a few minutes") is not such a timeline.
 */
export function statesTimeline(text: string): boolean {
  for (const sentence of text.matchAll(/[^.!?\n]+(?:[.!?]+|\n|$)/g)) {
    const body = sentence[0];
    if (ANY_TIME.test(body) && (PROMISE.test(body) || FOLLOW_UP.test(body))) return true;
  }
  return false;
}

/** Two timelines that disagree ("within 24 hours" and "within one business day"), or undefined. */
export function conflictingTimelines(text: string): [Timeline, Timeline] | undefined {
  const timelines = findTimelines(text);
  for (let i = 0; i < timelines.length; i++) {
    for (let j = i + 1; j < timelines.length; j++) {
      const a = timelines[i]!;
      const b = timelines[j]!;
      if (a.value !== b.value && !(a.value.startsWith('every') || b.value.startsWith('every'))) return [a, b];
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Repeated phrases

/** Stock phrases a reply should say once: each is counted wherever it appears. */
const STOCK_PHRASES: readonly RegExp[] = [
  /\bbearing\s+with\b/gi,
  /\b(?:your|the)\s+patience\b/gi,
  /\bapologi[sz]e\b|\bapologies\b/gi,
  /\bi\s+understand\b/gi,
  /\bi\s+know\s+you['’]re\b/gi,
  /\bgood\s+news\b/gi,
  /\b(?:repeat\s+yourself|explain\s+(?:it\s+)?(?:all\s+)?again)\b/gi,
  /\bnothing\s+else\s+you\s+need\s+to\s+do\b/gi,
  /\b(?:just\s+)?reply\s+(?:to\s+this|here)\b/gi,
  /\blet\s+(?:me|us)\s+know\b/gi,
  /\bget\s+back\s+to\s+you\b/gi,
  /\bhappy\s+to\s+help\b/gi,
  /\bthanks?\s+(?:you\s+)?for\s+(?:reaching\s+out|getting\s+in\s+touch|contacting)\b/gi,
];

const SMALL_WORDS = new Set(
  'a an the and or but to of in on at for with by from as is are was be been it its this that these those you your i we our us me my they them their he she his her if so then than there here not no do does did can could will would should just also all any some one'.split(
    ' ',
  ),
);

/**
 * A phrase the reply says twice: a stock phrase ("bearing with", "your patience", "let me know")
 * or any run of four words that are not all small words. Returns the second occurrence.
 */
export function findRepeatedPhrase(text: string): { first: TextSpan; second: TextSpan } | undefined {
  for (const pattern of STOCK_PHRASES) {
    const matches = [...text.matchAll(pattern)];
    if (matches.length >= 2) {
      const [a, b] = matches as [RegExpMatchArray, RegExpMatchArray];
      return { first: span(a), second: span(b) };
    }
  }
  const words = [...text.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu)].map((m) => ({ word: m[0].toLowerCase().replace(/’/g, "'"), start: m.index ?? 0, end: (m.index ?? 0) + m[0].length }));
  const seen = new Map<string, number>();
  const size = 4;
  for (let i = 0; i + size <= words.length; i++) {
    const gram = words.slice(i, i + size);
    if (gram.every((w) => SMALL_WORDS.has(w.word) || w.word === 'value')) continue;
    const key = gram.map((w) => w.word).join(' ');
    const previous = seen.get(key);
    if (previous !== undefined && previous + size <= i) {
      const first = words[previous]!;
      const firstEnd = words[previous + size - 1]!;
      const last = gram[size - 1]!;
      return {
        first: { start: first.start, end: firstEnd.end, text: oneLine(text.slice(first.start, firstEnd.end)) },
        second: { start: gram[0]!.start, end: last.end, text: oneLine(text.slice(gram[0]!.start, last.end)) },
      };
    }
    if (previous === undefined) seen.set(key, i);
  }
  return undefined;
}

function span(match: RegExpMatchArray): TextSpan {
  const start = match.index ?? 0;
  return { start, end: start + match[0].length, text: oneLine(match[0]) };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// A rendered reply, checked as the customer will read it

export interface ReplyFacts {
  readonly outcome: { readonly kind: string; readonly title: string };
  /** Actions the run confirmed done (their keys). */
  readonly actionsDone: readonly string[];
  /** Whether the outcome hands a report on (bug, escalation, feature request, or a report block). */
  readonly handsOn: boolean;
}

/**
 * What is wrong with a finished reply, in words a playbook author can act on: a completed action
 * nobody confirmed, the outcome's internal title, two timelines, a phrase said twice. Empty when
 * the reply can be sent as it is.
 */
export function replyProblems(reply: string, facts: ReplyFacts): string[] {
  const problems: string[] = [];
  for (const claim of findClaims(reply)) {
    if (facts.actionsDone.length > 0) break;
    if (claim.kind === 'handover' && facts.handsOn) continue;
    problems.push(
      claim.kind === 'handover'
        ? `says "${claim.text}", but this outcome hands nothing on (no report goes anywhere)`
        : `says "${claim.text}", but no action was confirmed done on this path`,
    );
  }
  const title = facts.outcome.title.trim();
  const lower = reply.toLowerCase();
  // How a title leaks: dropped into a sentence in brackets by `({{ outcome.title }})`. A title
  // that reads as ordinary words ("Sign in from a private window") may well be a step.
  if (title !== '' && lower.includes(`(${title.toLowerCase()})`)) {
    problems.push(`shows the outcome's title "${title}", which is written for agents, not customers`);
  }
  const clash = conflictingTimelines(reply);
  if (clash) problems.push(`gives two timelines, "${clash[0].text}" and "${clash[1].text}"`);
  const repeat = findRepeatedPhrase(reply);
  if (repeat) problems.push(`says "${repeat.second.text}" twice`);
  return problems;
}

/**
 * Reply-craft lint rules: what makes a customer reply land, checked on the playbook. Most are
 * warnings; a reply that claims what nobody did (`reply/unconfirmed-claim`) or promises a link it
 * does not give (`reply/promised-link`) is an error, since the agent would send a falsehood.
 *
 * A plain `reply` block is wrapped at run time with a greeting, an acknowledgement that fits the
 * mood, a "what happens next" line, a follow-up question and a sign-off, so those rules only ask
 * of the block what the wrapper cannot supply: for a how-to outcome (resolved, workaround, works
 * as designed) something the customer can do or will see next. A `reply full` block is the whole
 * reply, so it is checked for everything: acknowledgement and a next step too.
 *
 * The checks are deliberately simple word heuristics over the template text (Liquid tags
 * removed): they catch the reply that is all explanation and no way forward, not every weak one.
 */
import { hasActionTargets, HOW_TO_KINDS, type OutcomeKind, type Playbook, type PlaybookNode, type ReplyBlock } from './model.js';
import { confirmedRanges, conflictingTimelines, findClaims, findRepeatedPhrase, findUnsuppliedLinks, proseOf, type Claim } from './reply-claims.js';
import type { PlaybookGraph, PlaybookRule, PlaybookRuleContext } from './validate.js';
import { escapeRegExp } from './escape-regexp.js';

export interface ReplyCraftConfig {
  /** Phrases a reply should not use (case-insensitive, whole words). */
  readonly avoid: readonly string[];
  /** Word limit of a reply block before it reads as a wall of text in a chat window. */
  readonly chatWords: number;
}

export const DEFAULT_AVOID_PHRASES: readonly string[] = [
  'unfortunately there is nothing',
  'as I already said',
  'calm down',
  'policy',
  'per our policy',
  'you should have',
];
export const DEFAULT_CHAT_WORDS = 120;
export const DEFAULT_REPLY_CRAFT: ReplyCraftConfig = { avoid: DEFAULT_AVOID_PHRASES, chatWords: DEFAULT_CHAT_WORDS };

/** Outcomes whose reply must itself say what to do: the wrapper's next-steps line covers the others. */
/** Outcomes that hand the problem on: a tracker or the next tier needs the report block. */
const REPORT_KINDS: readonly OutcomeKind[] = ['bug', 'escalate'];

export const REPLY_CRAFT_RULE_IDS = [
  'reply/missing',
  'report/missing',
  'reply/no-next-step',
  'reply/no-acknowledgement',
  'reply/blames-customer',
  'reply/avoid-phrase',
  'reply/too-long-for-chat',
  'reply/unconfirmed-claim',
  'reply/promised-link',
  'reply/outcome-title',
  'reply/two-timelines',
  'reply/repeated-phrase',
] as const;

/** Outcomes that hand a report on by default: a "passed it on" there is backed by the report. */
export const HANDOVER_KINDS: readonly OutcomeKind[] = ['bug', 'escalate', 'feature-request'];

/**
 * The reply-craft configuration from settings (`lint.avoid`: comma list that replaces the
 * defaults, '' for none; `lint.chatWords`: a positive number). A bad value falls back to the
 * default and is described in `problems`.
 */
export function replyCraftConfig(settings: { readonly 'lint.avoid'?: unknown; readonly 'lint.chatWords'?: unknown }): {
  config: ReplyCraftConfig;
  problems: string[];
} {
  const problems: string[] = [];
  let avoid = DEFAULT_AVOID_PHRASES;
  const rawAvoid = settings['lint.avoid'];
  if (typeof rawAvoid === 'string') avoid = splitList(rawAvoid);
  else if (Array.isArray(rawAvoid) && rawAvoid.every((p) => typeof p === 'string')) avoid = rawAvoid.flatMap((p: string) => splitList(p));
  else if (rawAvoid !== undefined) problems.push('The setting lint.avoid must be a comma-separated list of phrases; using the default list.');
  let chatWords = DEFAULT_CHAT_WORDS;
  const rawWords = settings['lint.chatWords'];
  if (rawWords !== undefined) {
    const n = typeof rawWords === 'number' ? rawWords : typeof rawWords === 'string' && /^\s*\d+\s*$/.test(rawWords) ? Number(rawWords) : NaN;
    if (Number.isInteger(n) && n > 0) chatWords = n;
    else problems.push(`The setting lint.chatWords must be a positive whole number of words; got ${JSON.stringify(rawWords)}, using ${DEFAULT_CHAT_WORDS}.`);
  }
  return { config: { avoid, chatWords }, problems };
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

export function replyCraftRules(config: ReplyCraftConfig = DEFAULT_REPLY_CRAFT): PlaybookRule[] {
  return [ruleMissingBlocks, ruleReplyText(config), ruleReplyFacts];
}

// ---------------------------------------------------------------------------------------------
// Rules

const ruleMissingBlocks: PlaybookRule = ({ playbook, report }) => {
  for (const node of playbook.nodes) {
    if (!node.outcome) continue;
    if (!node.reply) {
      report(
        'reply/missing',
        'warning',
        { line: node.line },
        `Outcome \`${node.heading}\` has no reply block, so the customer would get a greeting and a sign-off with nothing in between. Add a \`\`\`reply block that says what happened and what to do next.`,
      );
    }
    if (REPORT_KINDS.includes(node.outcome.kind) && !node.report) {
      report(
        'report/missing',
        'warning',
        { line: node.line },
        `Outcome \`${node.heading}\` hands the problem on but has no report block: add a \`\`\`report block with \`expected\`, \`actual\`, \`severity\` and \`component\`, so whoever picks it up can act without asking the customer again.`,
      );
    }
  }
};

function ruleReplyText(config: ReplyCraftConfig): PlaybookRule {
  const avoid = config.avoid.map((phrase) => ({ phrase, pattern: phrasePattern(phrase) }));
  return (ctx) => {
    for (const node of ctx.playbook.nodes) {
      if (!node.outcome || !node.reply || node.reply.template.trim() === '') continue;
      checkReply(ctx, node, node.reply, config, avoid);
    }
  };
}

function checkReply(
  { report }: PlaybookRuleContext,
  node: PlaybookNode,
  block: ReplyBlock,
  config: ReplyCraftConfig,
  avoid: readonly { phrase: string; pattern: RegExp }[],
): void {
  const text = plainText(block.template);
  const kind = (node.outcome as NonNullable<PlaybookNode['outcome']>).kind;
  const lineAt = (index: number): number => block.line + 1 + countNewlines(text, index);
  const what = `The reply of \`${node.heading}\``;

  if ((block.full || HOW_TO_KINDS.includes(kind)) && !hasNextStep(text)) {
    report(
      'reply/no-next-step',
      'warning',
      { line: block.line },
      block.full
        ? `${what} is a \`reply full\`, the whole reply, but it never says what happens next or what the customer can do: add the steps (a numbered list), or what you will do and when.`
        : `${what} explains but gives the customer nothing to do: add the fix or workaround as steps (a numbered list or "Open Settings → …"), or what you will do for them.`,
    );
  }
  if (block.full && !ACKNOWLEDGEMENT.test(text)) {
    report(
      'reply/no-acknowledgement',
      'warning',
      { line: block.line },
      `${what} is a \`reply full\`, so nothing adds an acknowledgement: say that you understand the problem and its impact (e.g. "I'm sorry this held up your invoices"), or use a plain \`reply\` block and let triage add one that fits the mood.`,
    );
  }

  const blamed: { start: number; end: number }[] = [];
  for (const pattern of mayBlame(text) ? BLAME_PATTERNS : []) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index ?? 0;
      blamed.push({ start, end: start + match[0].length });
      report(
        'reply/blames-customer',
        'warning',
        { line: lineAt(start) },
        `${what} says "${oneLine(match[0])}", which reads as blaming the customer. Say what happened and what to do now instead (e.g. "the setting is under Billing → Plan" rather than "you should have changed it").`,
      );
    }
  }

  const found: { phrase: string; start: number; end: number }[] = [];
  for (const { phrase, pattern } of avoid) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index ?? 0;
      found.push({ phrase, start, end: start + match[0].length });
    }
  }
  const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean => a.start < b.end && b.start < a.end;
  for (const hit of found) {
    // One warning per spot: blame wins, and "per our policy" hides the "policy" inside it.
    if (blamed.some((b) => overlaps(b, hit))) continue;
    if (found.some((other) => other !== hit && overlaps(other, hit) && other.end - other.start > hit.end - hit.start)) continue;
    report(
      'reply/avoid-phrase',
      'warning',
      { line: lineAt(hit.start) },
      `${what} uses "${oneLine(text.slice(hit.start, hit.end))}", a phrase on the avoid list (setting lint.avoid). ${AVOID_ADVICE[hit.phrase.toLowerCase()] ?? 'Rephrase it in plain, friendly words.'}`,
    );
  }

  const words = countReplyWords(block.template);
  if (words > config.chatWords) {
    report(
      'reply/too-long-for-chat',
      'warning',
      { line: block.line },
      `${what} has ${words} words; in a chat window anything over ${config.chatWords} (setting lint.chatWords) reads as a wall of text. Keep what the customer needs now and link a help article for the rest.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// What the reply states: claims, links, timelines, repeats

/**
 * Keys of the actions whose `done` result every path from the start to `nodeId` passes through:
 * without the action's `done` edge the node cannot be reached, with it, it can.
 */
export function actionsDoneOnEveryPath(playbook: Playbook, graph: PlaybookGraph, nodeId: string): Set<string> {
  const confirmed = new Set<string>();
  if (!graph.byId.has(playbook.start) || !reachable(graph.next, playbook.start, nodeId)) return confirmed;
  for (const node of playbook.nodes) {
    for (const action of node.actions ?? []) {
      const done = action.targets.done;
      if (!hasActionTargets(action) || done === undefined) continue;
      // Another result leading to the same node keeps the edge: it does not confirm anything.
      if (Object.entries(action.targets).some(([status, target]) => status !== 'done' && target === done)) continue;
      const without = new Map(graph.next);
      without.set(node.id, (graph.next.get(node.id) ?? []).filter((id) => id !== done));
      if (!reachable(without, playbook.start, nodeId)) confirmed.add(action.key);
    }
  }
  return confirmed;
}

function reachable(edges: ReadonlyMap<string, readonly string[]>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const next of edges.get(id) ?? []) if (!seen.has(next)) stack.push(next);
  }
  return false;
}

/**
 * Whether a claim stands unbacked: no action is confirmed on every path to the outcome, the
 * sentence is not inside `{% if actions.<key>.done %}`, and, for a hand-over ("I've passed it
 * on"), the outcome hands no report on.
 */
export function unbackedClaim(claim: Claim, backing: { readonly confirmedOnPath: boolean; readonly insideConfirmed: boolean; readonly handsOn: boolean }): boolean {
  if (backing.confirmedOnPath || backing.insideConfirmed) return false;
  return !(claim.kind === 'handover' && backing.handsOn);
}

const ruleReplyFacts: PlaybookRule = (ctx) => {
  const { playbook, graph, report } = ctx;
  for (const node of playbook.nodes) {
    const outcome = node.outcome;
    const block = node.reply;
    if (!outcome || !block || block.template.trim() === '') continue;
    const prose = proseOf(block.template);
    const lineAt = (index: number): number => block.line + 1 + countNewlines(prose, index);
    const what = `The reply of \`${node.heading}\``;

    const confirmed = actionsDoneOnEveryPath(playbook, graph, node.id);
    const ranges = confirmedRanges(block.template);
    const handsOn = HANDOVER_KINDS.includes(outcome.kind) || node.report !== undefined;
    const keys = [...new Set(playbook.nodes.flatMap((n) => (n.actions ?? []).map((a) => a.key)))];
    for (const claim of findClaims(prose)) {
      const insideConfirmed = ranges.some((r) => r.start <= claim.start && claim.end <= r.end);
      if (!unbackedClaim(claim, { confirmedOnPath: confirmed.size > 0, insideConfirmed, handsOn })) continue;
      const example = keys[0] ?? '<key>';
      report(
        'reply/unconfirmed-claim',
        'error',
        { line: lineAt(claim.start) },
        claim.kind === 'handover'
          ? `${what} says "${claim.text}", but this outcome hands nothing on: it is not a bug, escalation or feature request and has no report block, and no action confirms it. Add a \`report\` block (or an \`action\` the agent confirms), or say what the customer can do instead.`
          : `${what} says "${claim.text}", but no step confirms it was done on every path here. Add an \`action\` block whose \`done\` target leads to this outcome (the agent confirms it during the run), or put the sentence inside \`{% if actions.${example}.done %}…{% endif %}\` and say what will happen otherwise.`,
      );
    }
    for (const link of findUnsuppliedLinks(block.template)) {
      report(
        'reply/promised-link',
        'error',
        { line: lineAt(link.start) },
        `${what} points the customer to "${link.text}" but gives no link for it. Write the URL, or take it from an answer or an action's reference (e.g. \`{{ answers.article_url }}\`), or describe where to find it in the product.`,
      );
    }
    const title = /\{\{-?\s*outcome\.title\b/.exec(block.template);
    if (title) {
      report(
        'reply/outcome-title',
        'warning',
        { line: lineAt(title.index) },
        `${what} shows \`outcome.title\`, a heading written for agents and engineers ("${outcome.title}"), to the customer. Describe what happened in the customer's words instead.`,
      );
    }
    const clash = conflictingTimelines(prose);
    if (clash) {
      report(
        'reply/two-timelines',
        'warning',
        { line: lineAt(clash[1].start) },
        `${what} promises two different timelines, "${clash[0].text}" and "${clash[1].text}". Give the customer one: say when they will hear from you, once.`,
      );
    }
    const repeat = findRepeatedPhrase(prose);
    if (repeat) {
      report(
        'reply/repeated-phrase',
        'warning',
        { line: lineAt(repeat.second.start) },
        `${what} says "${repeat.second.text}" twice (first on line ${lineAt(repeat.first.start)}). Say it once; a repeated phrase reads as copied and pasted.`,
      );
    }
  }
};

// ---------------------------------------------------------------------------------------------
// Heuristics

const AVOID_ADVICE: Readonly<Record<string, string>> = {
  'unfortunately there is nothing': 'Say what you can do instead, even if it is small (a workaround, a credit, passing it on).',
  'as i already said': 'Repeat the point kindly, as if for the first time; the customer may have missed it.',
  'calm down': 'Acknowledge the feeling instead ("I understand why this is frustrating").',
  policy: 'Give the reason in plain words and offer the alternatives you have, rather than pointing at a rule.',
  'per our policy': 'Give the reason in plain words and offer the alternatives you have, rather than pointing at a rule.',
  'you should have': 'Describe what to do now, not what the customer did wrong.',
};

const BLAME_PATTERNS: readonly RegExp[] = [
  /\byou\s+should\s+have\b/gi,
  /\byou\s+shouldn[’']?t\s+have\b/gi,
  /\b(?:it\s+is|it[’']?s|this\s+is)\s+your\s+(?:own\s+)?fault\b/gi,
  /\byour\s+(?:own\s+)?(?:fault|mistake|error)\b/gi,
  /\byou\s+failed\s+to\b/gi,
  /\byou\s+(?:didn[’']?t|did\s+not|never)\s+(?:read|follow|check)\b/gi,
  /\byou\s+forgot\s+to\b/gi,
  /\byou\s+(?:were|are)\s+supposed\s+to\b/gi,
  /\byou\s+must\s+have\s+(?:missed|misread|forgotten|typed|entered|clicked)\b/gi,
  /\bas\s+(?:you\s+)?(?:should|would)\s+(?:have\s+)?know(?:n)?\b/gi,
  /\buser\s+error\b/gi,
  /\bif\s+you\s+had\s+(?:read|followed|checked)\b/gi,
];

/** Every blame pattern needs one of these words: most replies have none, and skip the twelve scans. */
function mayBlame(text: string): boolean {
  return /you|user|know/i.test(text);
}

const ACKNOWLEDGEMENT =
  /\b(?:sorry|apologi[sz]e|apologies|thank(?:s|\s+you)|understand|appreciate|frustrat\w*|annoying|inconvenien\w*|i\s+can\s+see|i\s+see\s+(?:that|why|how)|i\s+hear|i\s+know|that\s+sounds|not\s+acceptable|unacceptable)\b/i;

const INSTRUCTION_VERBS = (
  'open go click tap select choose pick clear sign log restart reinstall update upgrade check send use enter type visit follow ' +
  'download install remove uninstall disable enable turn reset wait keep add set switch move forward call paste copy delete look ' +
  'make ask tell contact allow head create accept confirm verify retry try refresh reload export import connect reconnect share ' +
  'save edit change cancel book schedule write email scan close quit start unplug plug'
).split(' ');

/** turn → turning, update → updating, tap → tapping, try → trying. */
function gerund(verb: string): string {
  if (verb.endsWith('e') && !verb.endsWith('ee')) return `${verb.slice(0, -1)}ing`;
  if (/^[^aeiou]*[aeiou][bdgmnpt]$/.test(verb)) return `${verb}${verb.slice(-1)}ing`;
  return `${verb}ing`;
}

/** Steps, an instruction, an offer, or what will happen: anything that moves the customer on. */
const NEXT_STEP_PATTERNS: readonly RegExp[] = [
  // A list of steps.
  /^\s*(?:\d+[.)]|[-*+])\s+\S/m,
  // What the customer can do, or what we will do, and when.
  /\b(?:please|you\s+can|you\s+could|you\s+may|you[’']?ll|you\s+will|you\s+need\s+to|you[’']?d\s+like|if\s+you[’']?d\s+like|just\s+(?:reply|open|click|tap|go|use|try)|i[’']?ll|i\s+will|i[’']?ve|i\s+have\s+(?:\w+ed|sent|set|made|put)|we[’']?ll|we\s+will|we[’']?ve|let\s+me\s+know|reply\s+(?:here|to\s+this)|get\s+back\s+to\s+you|within\s+\w+\s+(?:\w+\s+)?(?:minutes?|hours?|days?|weeks?)|shall\s+i|would\s+you\s+like|do\s+you\s+want|would\s+that\s+help|i\s+can|i[’']?m\s+(?:happy|glad)\s+to|i[’']?m\s+here|from\s+now\s+on|from\s+the\s+next|next\s+(?:time|period|month|week|invoice|renewal|payment)|in\s+future|future|the\s+next\s+step|if\s+(?:\w+\s+){0,3}ever|if\s+(?:\w+\s+){1,4}again|keeps?\s+(?:this|it)\s+from|to\s+avoid)\b/i,
  // A place in the product to go to: "Settings → Billing".
  /\S\s*→\s*\S/,
  // An instruction: a sentence (or line) that starts with a verb, or with its -ing form
  // ("Turning extensions off one by one shows which one").
  new RegExp(`(?:^|[.!?:]\\s+|\\n\\s*)(?:${INSTRUCTION_VERBS.flatMap((verb) => [verb, gerund(verb)]).join('|')})\\b`, 'i'),
];

function hasNextStep(text: string): boolean {
  return NEXT_STEP_PATTERNS.some((pattern) => pattern.test(text));
}

/**
 * The template as prose: `{% tags %}` removed and `{{ values }}` read as one word, with every
 * newline kept so positions map back to lines of the block.
 */
export function plainText(template: string): string {
  const keepNewlines = (tag: string): string => tag.replace(/[^\n]/g, '');
  return template
    .replace(/\r\n?/g, '\n')
    .replace(/\{%-?[\s\S]*?-?%\}/g, keepNewlines)
    .replace(/\{\{-?[\s\S]*?-?\}\}/g, (tag) => `value${keepNewlines(tag)}`);
}

/**
 * Words in the longest version of the reply a customer can get: each `{% if %}`/`{% case %}`
 * counts its longest branch, comments count nothing, and `{{ value }}` is one word.
 */
export function countReplyWords(template: string): number {
  const tokens = template.split(/(\{%-?[\s\S]*?-?%\})/);
  let position = 0;
  const tagName = (token: string): string => /^\{%-?\s*(\w+)/.exec(token)?.[1]?.toLowerCase() ?? '';
  /** Counts until one of `stops` (returned, not consumed) or the end. */
  const sequence = (stops: readonly string[]): { words: number; stop: string } => {
    let words = 0;
    while (position < tokens.length) {
      const token = tokens[position] as string;
      if (!token.startsWith('{%')) {
        words += countWords(token.replace(/\{\{-?[\s\S]*?-?\}\}/g, ' value '));
        position++;
        continue;
      }
      const name = tagName(token);
      if (stops.includes(name)) return { words, stop: name };
      position++;
      const end = BLOCK_TAGS[name];
      if (end === undefined) continue;
      if (name === 'comment' || name === 'raw') {
        const inner = sequence([end]);
        if (name === 'raw') words += inner.words;
        position++;
        continue;
      }
      // A block: its longest branch counts.
      let longest = 0;
      for (;;) {
        const branch = sequence(['elsif', 'else', 'when', end]);
        longest = Math.max(longest, branch.words);
        if (branch.stop === '') break;
        position++;
        if (branch.stop === end) break;
      }
      words += longest;
    }
    return { words, stop: '' };
  };
  return sequence([]).words;
}

const BLOCK_TAGS: Readonly<Record<string, string>> = {
  if: 'endif',
  unless: 'endunless',
  case: 'endcase',
  for: 'endfor',
  tablerow: 'endtablerow',
  capture: 'endcapture',
  comment: 'endcomment',
  raw: 'endraw',
};

/** Words as a reader counts them: runs of letters or digits (with inner apostrophes, hyphens, dots). */
export function countWords(text: string): number {
  return (text.match(/[\p{L}\p{N}]+(?:[’'.\-/][\p{L}\p{N}]+)*/gu) ?? []).length;
}

/** A phrase as a case-insensitive, whole-word pattern that also matches across line breaks. */
function phrasePattern(phrase: string): RegExp {
  const body = phrase
    .trim()
    .split(/\s+/)
    .map((word) => escapeRegExp(word).replace(/'/g, "['’]"))
    .join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'giu');
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Phrase banks: the editable wording that wraps a reply block (greeting, acknowledgement, a
 * sentence for each customer signal, what happens next, follow-up question, closing line). They live in YAML files under templates/ so a
 * support team can change the voice without touching code; this module checks their shape and
 * picks a phrase for a situation. Pure: the file is read by src/io/phrase-bank.ts.
 *
 * Each part is a list of rules; the first rule whose `when` matches the situation is used, and
 * the last rule of a part must have no `when` (the fallback), so every situation gets a phrase.
 * Within a rule one phrase of `say` is chosen by a hash of the case id: the same case always gets
 * the same reply, different cases do not all read the same.
 */
import * as v from 'valibot';
import { LineCounter, isNode, isSeq, parseDocument, type Document } from 'yaml';
import { TriageError } from './errors.js';
import { CHANNELS, MOODS, OUTCOME_KINDS } from './model.js';
import { SIGNALS } from './signals.js';
import { checkTemplate } from './templates.js';

export const PHRASE_PARTS = ['greeting', 'acknowledgement', 'situation', 'next_steps', 'follow_up', 'closing'] as const;
export type PhrasePart = (typeof PHRASE_PARTS)[number];

// Choosing a phrase needs no YAML: it lives apart so a run with a cached bank never loads the parser.
export { choosePhrase, stableHash, type PhraseSituation } from './phrase-choice.js';

function oneOrMore<T extends string>(values: readonly T[], what: string) {
  const item = v.picklist(values, `must be one of ${values.join(', ')} (${what})`);
  return v.pipe(
    v.union([item, v.pipe(v.array(item), v.minLength(1, `needs at least one ${what}`))], `must be one of ${values.join(', ')} or a list of them`),
    v.transform((value): readonly T[] => (Array.isArray(value) ? value : [value as T])),
  );
}

const WhenSchema = v.strictObject(
  {
    mood: v.optional(oneOrMore(MOODS, 'mood')),
    outcome: v.optional(oneOrMore(OUTCOME_KINDS, 'outcome kind')),
    channel: v.optional(oneOrMore(CHANNELS, 'channel')),
    named: v.optional(v.boolean('must be true or false')),
    signal: v.optional(oneOrMore(SIGNALS, 'signal')),
    timeline: v.optional(v.boolean('must be true or false')),
  },
  (issue) => `unknown condition ${String(issue.input === undefined ? issue.expected : issue.input)}: \`when\` takes mood, outcome, channel, named, signal and timeline`,
);

const SaySchema = v.pipe(
  v.union(
    [v.string(), v.pipe(v.array(v.string('each phrase must be a string')), v.minLength(1, 'needs at least one phrase'))],
    'must be a phrase or a list of phrases',
  ),
  v.transform((value): readonly string[] => (typeof value === 'string' ? [value] : value)),
);

const RuleSchema = v.strictObject(
  { when: v.optional(WhenSchema), say: SaySchema },
  (issue) => `unknown key ${String(issue.input === undefined ? issue.expected : issue.input)}: a rule has \`when\` (optional) and \`say\``,
);

const PartSchema = v.pipe(
  v.array(RuleSchema, 'must be a list of rules (`- when: ...` / `say: ...`)'),
  v.minLength(1, 'needs at least one rule'),
  v.check((rules) => rules[rules.length - 1]?.when === undefined, 'the last rule must have no `when`: it is the fallback for every other situation'),
);

const BankSchema = v.strictObject(
  {
    version: v.literal(1, 'must be 1'),
    greeting: PartSchema,
    acknowledgement: PartSchema,
    // Optional: one sentence per confirmed customer signal, after the acknowledgement.
    situation: v.optional(PartSchema),
    next_steps: PartSchema,
    follow_up: PartSchema,
    closing: PartSchema,
  },
  (issue) =>
    issue.input === undefined
      ? `is missing: a phrase bank has version, ${PHRASE_PARTS.join(', ')}`
      : `unknown part: a phrase bank has version, ${PHRASE_PARTS.join(', ')}`,
);

export type PhraseRule = v.InferOutput<typeof RuleSchema>;
export type PhraseBank = v.InferOutput<typeof BankSchema>;

function invalid(file: string, line: number | undefined, problems: readonly string[]): TriageError {
  const where = line === undefined ? file : `${file}:${line}`;
  const [first, ...rest] = problems;
  const message = rest.length === 0 ? `${where}: ${first}` : `${where}: ${first}\n${rest.map((p) => `  ${p}`).join('\n')}`;
  return new TriageError('phrases/invalid', message, {
    hint: 'Fix the phrase bank (see the comments at the top of templates/phrases/en.yaml for its format).',
    file,
    line,
  });
}

/** Line of the node at `path`, or of its nearest ancestor that exists. */
function lineOf(doc: Document, lines: LineCounter, path: readonly (string | number)[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/** The line of each phrase in a bank's source: `(part, rule, phrase)` → line (1-based). */
export function phraseLines(source: string): (part: PhrasePart, rule: number, phrase: number) => number | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines });
  return (part, rule, phrase) => {
    const sayIsList = isSeq(doc.getIn([part, rule, 'say'], true));
    return lineOf(doc, lines, [part, rule, 'say', ...(sayIsList ? [phrase] : [])]);
  };
}

function issuePath(issue: v.BaseIssue<unknown>): (string | number)[] {
  return (issue.path ?? []).map((item) => item.key as string | number);
}

/** Parses and validates a phrase bank, including each phrase's Liquid syntax; `file` is for messages. */
export function parsePhraseBank(source: string, file: string): PhraseBank {
  const lines = new LineCounter();
  // prettyErrors fills in linePos; the message's own "at line N, column M" is dropped for ours.
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const message = (yamlError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw invalid(file, yamlError.linePos?.[0].line, [`not valid YAML: ${message}`]);
  }
  const result = v.safeParse(BankSchema, doc.toJS());
  if (!result.success) {
    const problems = result.issues.slice(0, 5).map((issue) => {
      const path = issuePath(issue);
      const line = lineOf(doc, lines, path);
      const at = path.length > 0 ? `${path.join('.')}` : 'the file';
      return { line, text: `${line === undefined ? '' : `line ${line}: `}${at} ${issue.message}` };
    });
    throw invalid(file, problems[0]?.line, problems.map((p) => p.text));
  }
  const bank = result.output;
  for (const part of PHRASE_PARTS) {
    (bank[part] ?? []).forEach((rule, ruleIndex) => {
      const sayIsList = isSeq(doc.getIn([part, ruleIndex, 'say'], true));
      rule.say.forEach((phrase, phraseIndex) => {
        const path = [part, ruleIndex, 'say', ...(sayIsList ? [phraseIndex] : [])];
        checkTemplate(phrase, { file, line: lineOf(doc, lines, path), what: `phrase ${part}[${ruleIndex}]` });
      });
    });
  }
  return bank;
}

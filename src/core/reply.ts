/**
 * The customer reply: the playbook's reply block wrapped in a greeting, an acknowledgement that
 * fits the mood and the outcome, a sentence for each customer signal (repeat contact, a
 * deadline…), what happens next, a follow-up question and the sign-off, laid
 * out for the channel (email: paragraphs and a signature; chat: short, no signature; phone: a
 * script read aloud). Wording comes from the phrase bank; this module only arranges it.
 */
import type { Channel, Mood, OutcomeKind } from './model.js';
import { choosePhrase, type PhraseSituation } from './phrase-choice.js';
import type { PhraseBank, PhrasePart } from './phrases.js';
import { present, type TemplateContext } from './template-context.js';
import { renderTemplate } from './templates.js';
import { statesTimeline } from './reply-claims.js';

export interface ComposeReplyInput {
  readonly kind: OutcomeKind;
  /** The outcome's reply block; `full` means the block is the whole reply. */
  readonly block?: { readonly template: string; readonly full: boolean; readonly timeline?: boolean; readonly line?: number };
  readonly context: TemplateContext;
  readonly channel: Channel;
  readonly mood: Mood;
  readonly phrases: PhraseBank;
  /** The `signoff` setting: replaces the phrase bank's closing line in emails. */
  readonly signoff?: string;
  /** Playbook file of the block, for error messages. */
  readonly file?: string;
}

/** Trims every line's end and the whole text, and keeps at most one blank line in a row. */
function tidy(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A line that starts its own block in Markdown: a list item, quote, heading or table row. */
const BLOCK_START = /^\s*([-*+]\s|\d+[.)]\s|>|#|\|)/;
/** A Markdown hard break at the end of a line: two spaces or a backslash. */
const HARD_BREAK = /( {2,}|\\)$/;

/**
 * Joins hard-wrapped lines of a paragraph, as Markdown does (authors wrap reply blocks to keep
 * the playbook readable; an email client should reflow them). A line ending in two spaces or a
 * backslash keeps its break; list items, quotes and blank lines stay as written.
 */
export function unwrapParagraphs(text: string): string {
  const lines: string[] = [];
  let previous: string | undefined;
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const continues =
      previous !== undefined && previous.trim() !== '' && line.trim() !== '' && !BLOCK_START.test(line) && !HARD_BREAK.test(previous);
    if (continues) lines[lines.length - 1] = `${lines[lines.length - 1]!.trimEnd()} ${line.trim()}`;
    else lines.push(line);
    previous = line;
  }
  return lines.map((line) => line.replace(HARD_BREAK, '')).join('\n');
}

/** A phrase is one paragraph: folded onto one line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function joinSentences(...parts: readonly string[]): string {
  return parts.filter((p) => p !== '').join(' ');
}

/** Closing line, the agent's name and title, the company: an email signature without gaps. */
function emailSignature(closing: string, context: TemplateContext, signoff: string | undefined): string {
  const lines = [present(signoff) ?? closing];
  const { agent, company } = context;
  if (agent.name !== undefined) {
    lines.push(agent.name);
    if (agent.title !== undefined) lines.push(agent.title);
    if (company.name !== undefined) lines.push(company.name);
  } else {
    lines.push(company.name !== undefined ? `The ${company.name} support team` : 'The support team');
  }
  return lines.filter((l) => l !== '').join('\n');
}

export function composeReply(input: ComposeReplyInput): string {
  const context: TemplateContext = {
    ...input.context,
    customer: { ...input.context.customer, channel: input.channel, mood: input.mood },
  };
  const rendered =
    input.block === undefined
      ? ''
      : renderTemplate(input.block.template, context, {
          file: input.file,
          line: input.block.line === undefined ? undefined : input.block.line + 1,
          what: 'reply block',
        });
  // `reply full` is the whole reply, laid out exactly as the author wrote it.
  if (input.block?.full) return tidy(rendered);
  const block = tidy(unwrapParagraphs(rendered));

  const situation: PhraseSituation = {
    mood: input.mood,
    outcome: input.kind,
    channel: input.channel,
    named: context.customer.name !== undefined,
    signals: context.customer.signals,
    timeline: Boolean(input.block?.timeline) || statesTimeline(block),
  };
  const say = (part: PhrasePart): string =>
    oneLine(renderTemplate(choosePhrase(input.phrases, part, situation, context.case.id), context, { what: `phrase ${part}` }));

  const greeting = say('greeting');
  // One sentence per confirmed signal (repeat contact, deadline…), each chosen as if it were the
  // only one, so a rule for `deadline` speaks to the deadline whatever else is going on. Chat
  // keeps the first, to stay short.
  const signals = input.channel === 'chat' ? situation.signals?.slice(0, 1) ?? [] : situation.signals ?? [];
  const situationText = joinSentences(
    ...signals.map((signal) =>
      oneLine(renderTemplate(choosePhrase(input.phrases, 'situation', { ...situation, signals: [signal] }, context.case.id), context, { what: 'phrase situation' })),
    ),
  );
  const acknowledgement = say('acknowledgement');
  const next = say('next_steps');
  const followUp = say('follow_up');
  const closing = say('closing');

  let paragraphs: string[];
  switch (input.channel) {
    case 'chat':
      // One message-sized opener, the answer, one closing line; no signature block.
      paragraphs = [joinSentences(greeting, acknowledgement, situationText), block, joinSentences(next, followUp)];
      break;
    case 'phone':
      paragraphs = [joinSentences(greeting, acknowledgement, situationText), block, next, joinSentences(followUp, closing)];
      break;
    case 'email':
    default:
      paragraphs = [greeting, acknowledgement, situationText, block, next, followUp, emailSignature(closing, context, input.signoff)];
      break;
  }
  return tidy(paragraphs.filter((p) => p !== '').join('\n\n'));
}

/**
 * The bundled phrase bank against the rules of the house: no internal titles, no claims of what
 * nobody did, one timeline, no phrase twice — checked phrase by phrase and on every reply it can
 * write. And replies that fit the conversation: a repeat contact, a threat to cancel and a
 * deadline each read differently from a first calm contact.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, MOODS, OUTCOME_KINDS, type Channel, type Mood, type OutcomeKind } from '../../src/core/model.js';
import { phraseBankProblems } from '../../src/core/phrase-bank-check.js';
import { parsePhraseBank, phraseLines, type PhraseBank } from '../../src/core/phrases.js';
import { composeReply } from '../../src/core/reply.js';
import { replyProblems } from '../../src/core/reply-claims.js';
import { caseTemplateContext } from '../../src/core/report.js';
import { SIGNALS, detectSignals, type Signal } from '../../src/core/signals.js';
import { bundledTemplatesDir, loadPhraseBank } from '../../src/io/phrase-bank.js';
import { sampleBugCase } from '../helpers/sample-case.js';

let phrases: PhraseBank;
beforeAll(async () => {
  phrases = await loadPhraseBank(bundledTemplatesDir());
});

interface Situation {
  readonly kind: OutcomeKind;
  readonly mood: Mood;
  readonly channel: Channel;
  readonly signals?: readonly Signal[];
  readonly named?: boolean;
  readonly caseId?: string;
  /** The reply block; default: one plain sentence that says nothing the wrapper says. */
  readonly block?: string;
}

function write(s: Situation): string {
  const base = sampleBugCase();
  const input = {
    ...base,
    caseId: s.caseId ?? base.caseId,
    intake: {
      ...base.intake,
      customer: { ...(s.named === false ? {} : { name: 'Dana Whitfield' }), channel: s.channel, mood: s.mood, signals: s.signals ?? [] },
    },
    outcomeNode: { ...base.outcomeNode, outcome: { kind: s.kind, title: 'PDF export times out on large reports' } },
  };
  return composeReply({
    kind: s.kind,
    block: { template: s.block ?? 'The file is built on our side; open Reports and choose the CSV option for now.', full: false },
    context: caseTemplateContext(input),
    channel: s.channel,
    mood: s.mood,
    phrases,
  });
}

describe('the bundled phrase bank, phrase by phrase', () => {
  it('has no outcome titles, no claims of actions, no hand-overs where nothing is handed on, no missing links', () => {
    expect(phraseBankProblems(phrases)).toEqual([]);
  });

  it('the check catches each of those in a bank that has them, at the phrase\'s line', () => {
    const source = [
        'version: 1',
        'greeting: [{ say: "Hi," }]',
        "acknowledgement: [{ say: 'This is on us ({{ outcome.title }}).' }]",
        "next_steps: [{ when: { outcome: bug }, say: \"I've reported it.\" }, { say: \"I've passed it to our product team. I've refunded the fee.\" }]",
        "follow_up: [{ say: 'See our help article.' }]",
        'closing: [{ say: "Bye," }]',
      ].join('\n');
    const bad = parsePhraseBank(source, 'bad.yaml');
    const lineOf = phraseLines(source);
    expect(phraseBankProblems(bad).map((p) => `${lineOf(p.part, p.rule, p.phrase)} ${p.id}`)).toEqual([
      '3 phrases/outcome-title',
      '4 phrases/unconfirmed-claim',
      '4 phrases/unconfirmed-claim',
      '5 phrases/promised-link',
    ]);
    expect(phraseBankProblems(bad).map((p) => `${p.part}[${p.rule}] ${p.message.split(':')[0]}`)).toEqual([
      'acknowledgement[0] shows `outcome.title`, a heading written for agents and engineers; describe the situation in the customer\'s words instead',
      `next_steps[1] says "I've passed", but it can be used for resolved, workaround, works-as-designed outcomes, where nothing is handed on; limit the rule with \`when`,
      `next_steps[1] says "I've refunded"`,
      'follow_up[0] points to "help article" without giving the link',
    ]);
  });
});

describe('every reply the bank can write', () => {
  const subsets: Signal[][] = [[], ...SIGNALS.map((s) => [s]), ['repeat-contact', 'cancel-threat'], ['deadline', 'business-impact'], [...SIGNALS]];

  it('claims nothing, shows no title, gives one timeline and says no phrase twice', () => {
    const problems: string[] = [];
    for (const kind of OUTCOME_KINDS) {
      for (const mood of MOODS) {
        for (const channel of CHANNELS) {
          for (const signals of subsets) {
            for (const caseId of ['TRI-20261204-A001', 'TRI-20261204-B002', 'TRI-20261204-C003']) {
              for (const block of [undefined, "There's a 24-hour waiting period, and we'll email you when access is back."]) {
                const text = write({ kind, mood, channel, signals, caseId, ...(block ? { block } : {}) });
                const found = replyProblems(text, { outcome: { kind, title: 'PDF export times out on large reports' }, actionsDone: [], handsOn: ['bug', 'escalate', 'feature-request'].includes(kind) });
                if (found.length > 0) problems.push(`${kind}/${mood}/${channel}/${signals.join('+') || 'no signals'}: ${found.join('; ')}\n${text}`);
              }
            }
          }
        }
      }
    }
    expect(problems.slice(0, 3)).toEqual([]);
  });

  it('keeps chat short: at most 90 words around a one-sentence block, whatever the signals', () => {
    for (const kind of OUTCOME_KINDS) {
      for (const mood of MOODS) {
        const text = write({ kind, mood, channel: 'chat', signals: [...SIGNALS] });
        expect(text.split(/\s+/).length, text).toBeLessThanOrEqual(90);
      }
    }
  });

  it('gives a bug or escalation no second timeline when the block states its own', () => {
    const own = "There's a 24-hour waiting period, and we'll email you when access is back.";
    for (const kind of ['bug', 'escalate'] as const) {
      const text = write({ kind, mood: 'calm', channel: 'email', block: own });
      expect(text).not.toMatch(/business day/);
      expect(text).toContain('TRI-20261127-7F3A');
      expect(write({ kind, mood: 'calm', channel: 'email' })).toMatch(/business day/);
    }
  });

  it('reassures when nothing is wrong, and stays neutral for a workaround', () => {
    const designed = write({ kind: 'works-as-designed', mood: 'calm', channel: 'email' });
    expect(designed).toMatch(/Nothing here points to a fault/);
    expect(designed).not.toMatch(/isn't the answer you were hoping for|good news/i);
    const workaround = write({ kind: 'workaround', mood: 'angry', channel: 'email' });
    expect(workaround).not.toMatch(/limit on our side|known limit/);
    expect(workaround).toMatch(/a way to get what you need/);
  });

  it('speaks to a call in either direction on the phone', () => {
    for (const kind of OUTCOME_KINDS) {
      const text = write({ kind, mood: 'calm', channel: 'phone' });
      expect(text).not.toMatch(/holding|thanks for calling/i);
    }
  });
});

describe('replies fit the conversation', () => {
  const calmFirst = 'Hi, the PDF export never finishes. Could you take a look?';
  const thirdTime = "This is the THIRD time I'm writing about this, fix it or I'm cancelling";
  const presentation = 'I have a presentation in an hour and the export is broken';
  const replyFor = (description: string, mood: Mood, channel: Channel = 'email') =>
    write({ kind: 'bug', mood, channel, signals: detectSignals(description).map((d) => d.signal) });

  it('detects the signals in the customer\'s words', () => {
    expect(detectSignals(calmFirst)).toEqual([]);
    expect(detectSignals(thirdTime).map((d) => d.signal)).toEqual(['repeat-contact', 'cancel-threat']);
    expect(detectSignals(presentation).map((d) => d.signal)).toEqual(['deadline']);
  });

  it('"third time, or I\'m cancelling": acknowledges the repeat contact and the wish to leave, which a first contact does not hear', () => {
    const first = replyFor(calmFirst, 'angry');
    const third = replyFor(thirdTime, 'angry');
    expect(third).not.toBe(first);
    // How it differs: the opening owns the repeat contact instead of the generic apology...
    expect(third).toMatch(/still isn't sorted after you've already been in touch/);
    expect(first).not.toMatch(/already been in touch|come back to us/);
    // ...takes the case on personally...
    expect(third).toMatch(/You shouldn't have had to come back to us about it, and I'll stay with it until it's done\./);
    // ...and answers the threat to cancel without pressure.
    expect(third).toMatch(/If you're thinking of leaving over this, I'd much rather put it right; and if you still decide to cancel, tell me and I'll make that simple too\./);
    expect(first).not.toMatch(/cancel|leaving/);
    // The rest (the block, the next steps) is the same.
    expect(third).toContain('open Reports and choose the CSV option for now');
  });

  it('"presentation in an hour": the deadline is carried on the case, and the way around it today still leads', () => {
    const first = replyFor(calmFirst, 'calm');
    const deadline = replyFor(presentation, 'calm');
    expect(deadline).not.toBe(first);
    // A bug reply has nothing of its own to offer "right now" (the block may, or may not): it says
    // what is true, that the handover carries the deadline.
    expect(deadline).toMatch(/Your deadline goes with it, so the team knows how urgent it is\./);
    expect(deadline).toContain('open Reports and choose the CSV option for now');
    expect(first).not.toMatch(/deadline|urgent/);
    // In chat too, in fewer words.
    expect(replyFor(presentation, 'frustrated', 'chat')).toMatch(/Your deadline goes with it, so the team knows it's urgent\./);
  });

  it('acknowledges business impact', () => {
    expect(write({ kind: 'escalate', mood: 'frustrated', channel: 'email', signals: ['business-impact'] })).toMatch(/holding up more people than just you/);
  });
});

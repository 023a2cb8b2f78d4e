/**
 * What a phrase bank must never say, checked phrase by phrase: an outcome's internal title, a
 * completed action (phrases cannot know what the agent did), a hand-over where no report goes,
 * or a link it does not give. The playbook's reply block is checked by lint; this covers what
 * the wrapper adds.
 */
import type { OutcomeKind } from './model.js';
import { OUTCOME_KINDS } from './model.js';
import { findClaims, findUnsuppliedLinks, proseOf, confirmedRanges } from './reply-claims.js';
import type { PhraseBank, PhrasePart } from './phrases.js';
import { PHRASE_PARTS } from './phrases.js';

export interface PhraseProblem {
  readonly part: PhrasePart;
  /** 0-based index of the rule in its part, and of the phrase in the rule's `say`. */
  readonly rule: number;
  readonly phrase: number;
  /** Rule id: `phrases/outcome-title`, `phrases/unconfirmed-claim` or `phrases/promised-link`. */
  readonly id: string;
  readonly message: string;
}

/** Outcome kinds that hand a report on: "I've reported it" is true there. */
const HANDS_ON: readonly OutcomeKind[] = ['bug', 'escalate', 'feature-request'];

export function phraseBankProblems(bank: PhraseBank): PhraseProblem[] {
  const problems: PhraseProblem[] = [];
  for (const part of PHRASE_PARTS) {
    (bank[part] ?? []).forEach((rule, ruleIndex) => {
      const kinds = rule.when?.outcome ?? OUTCOME_KINDS;
      rule.say.forEach((phrase, phraseIndex) => {
        const problem = (id: string, message: string) => problems.push({ part, rule: ruleIndex, phrase: phraseIndex, id, message });
        if (/\{\{-?\s*outcome\.title\b/.test(phrase)) problem('phrases/outcome-title', 'shows `outcome.title`, a heading written for agents and engineers; describe the situation in the customer\'s words instead');
        const prose = proseOf(phrase);
        const confirmed = confirmedRanges(phrase);
        for (const claim of findClaims(prose)) {
          if (confirmed.some((r) => r.start <= claim.start && claim.end <= r.end)) continue;
          if (claim.kind === 'action') {
            problem('phrases/unconfirmed-claim', `says "${claim.text}": a phrase cannot know what the agent did; leave that to the reply block, or put it inside {% if actions.<key>.done %}`);
          } else if (!kinds.every((kind) => HANDS_ON.includes(kind))) {
            const without = kinds.filter((kind) => !HANDS_ON.includes(kind));
            problem('phrases/unconfirmed-claim', `says "${claim.text}", but it can be used for ${without.join(', ')} outcomes, where nothing is handed on; limit the rule with \`when: { outcome: [bug, escalate, feature-request] }\``);
          }
        }
        for (const link of findUnsuppliedLinks(phrase)) problem('phrases/promised-link', `points to "${link.text}" without giving the link`);
      });
    });
  }
  return problems;
}

/**
 * Picking a phrase from a phrase bank (see phrases.ts for the format and the parser). Apart from
 * the parser so replies can be written from a cached bank without loading YAML.
 */
import type { Channel, Mood, OutcomeKind } from './model.js';
import type { PhraseBank, PhrasePart, PhraseRule } from './phrases.js';
import type { Signal } from './signals.js';

/** What the reply is for; a rule's `when` is matched against it. */
export interface PhraseSituation {
  readonly mood: Mood;
  readonly outcome: OutcomeKind;
  readonly channel: Channel;
  /** Whether the customer's name is known. */
  readonly named: boolean;
  /** The customer's confirmed signals; a rule's `signal` matches when any of its signals is here. */
  readonly signals?: readonly Signal[];
  /** Whether the reply block states its own timeline (then "what happens next" gives none). */
  readonly timeline?: boolean;
}

function matches(rule: PhraseRule, situation: PhraseSituation): boolean {
  const when = rule.when;
  if (when === undefined) return true;
  return (
    (when.mood === undefined || when.mood.includes(situation.mood)) &&
    (when.outcome === undefined || when.outcome.includes(situation.outcome)) &&
    (when.channel === undefined || when.channel.includes(situation.channel)) &&
    (when.named === undefined || when.named === situation.named) &&
    (when.signal === undefined || when.signal.some((s) => (situation.signals ?? []).includes(s))) &&
    (when.timeline === undefined || when.timeline === Boolean(situation.timeline))
  );
}

/** FNV-1a, 32 bit: small, stable across platforms and Node versions. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The phrase (a Liquid template) for one part of a reply: the first matching rule, and within it
 * the phrase picked by `seed` (the case id), so the same case always reads the same.
 */
export function choosePhrase(bank: PhraseBank, part: PhrasePart, situation: PhraseSituation, seed: string): string {
  const rule = (bank[part] ?? []).find((r) => matches(r, situation));
  // Unreachable for a validated bank (the last rule matches everything); '' says nothing.
  if (rule === undefined) return '';
  return rule.say[stableHash(`${seed}/${part}`) % rule.say.length] ?? '';
}

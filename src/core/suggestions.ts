/**
 * The playbooks to offer for a description: one ranking, shown by the guided intake and printed
 * by `triage search` alike.
 *
 * The description ranks the playbooks (playbook-search). Past cases are evidence, not
 * candidates: a finished case counts only when its description is genuinely like this one (at least
 * two distinctive words in common: stop-words, bare numbers and everyday support words never
 * count, and one shared word is never enough), and then it lifts the playbook that
 * solved it by at most EVIDENCE_BOOST, so it can reorder close matches but never pass a clearly
 * stronger one. A playbook is `strong` when the description itself matches it well, on more than
 * everyday words; when none is, the agent is told so and can go on without one.
 */
import { searchTerms, tokenizeText, type SearchHit } from './playbook-search.js';

/** A finished case from the history, as the ranking needs it. */
export interface PastCase {
  readonly id: string;
  readonly customer?: string;
  /** Absent for a case that ran without a playbook (a knowledge gap). */
  readonly playbook?: { readonly id: string; readonly title: string };
  /** `kind: title` of its outcome. */
  readonly outcome: string;
  readonly startedAt: string;
  readonly description: string;
}

/** A past case that passed the similarity bar. */
export interface SupportingCase {
  readonly id: string;
  readonly customer?: string;
  readonly sameCustomer: boolean;
  readonly playbook?: { readonly id: string; readonly title: string };
  readonly outcome: string;
  readonly startedAt: string;
  /** The customer's words both descriptions share (as the new description spells them). */
  readonly shared: readonly string[];
}

export type Strength = 'strong' | 'weak';

export interface Suggestion {
  readonly id: string;
  readonly title: string;
  /** The description's match, lifted a little by supporting cases. */
  readonly score: number;
  readonly strength: Strength;
  /** The customer's words that matched the playbook. */
  readonly matched: readonly string[];
  /** Past cases this playbook solved whose descriptions are like this one; this customer's first. */
  readonly cases: readonly SupportingCase[];
}

/** How many playbooks the intake offers and `triage search` prints by default. */
export const SUGGESTION_LIMIT = 8;

/** A match scoring at least this (and close enough to the best) is strong. */
export const STRONG_SCORE = 60;
/** ...and at least this share of the best match's score. */
const STRONG_SHARE = 0.4;
/** Supporting cases raise a playbook's score by at most this share. */
const EVIDENCE_BOOST = 0.2;
const CASES_PER_SUGGESTION = 3;

/**
 * Words every support conversation uses: shared, they say nothing about two problems being the
 * same. Stemmed as playbook-search stems them.
 */
const COMMON_TERMS = new Set(
  (
    'about after before account app application work problem issue error help time day week month minute second hour morning ' +
    'afternoon evening want need tri try trying use using thank thanks hello hi hey hiya sorry customer support team site website ' +
    'page system product service know think see look seem happen last first next new old same different again back way ' +
    'everything nothing something anything lot littl bit quick quickly right now soon long sure ok okay'
  )
    .split(' ')
    .flatMap((word) => {
      const terms = searchTerms(word);
      return terms === null ? [] : Array.isArray(terms) ? terms : [terms];
    }),
);

/** A word every support conversation uses ("last", "week", "account"): no match rests on it alone. */
function isEverydayWord(word: string): boolean {
  const terms = searchTerms(word);
  return terms === null || (Array.isArray(terms) ? terms : [terms]).every((term) => COMMON_TERMS.has(term) || /^\d+$/.test(term));
}

/** The terms of a text that can make two descriptions alike: no stop-words, no bare numbers. */
export function significantTerms(text: string): Map<string, string> {
  const terms = new Map<string, string>();
  for (const word of tokenizeText(text)) {
    const found = searchTerms(word);
    for (const term of found === null ? [] : Array.isArray(found) ? found : [found]) {
      if (/^\d+$/.test(term) || terms.has(term)) continue;
      terms.set(term, word);
    }
  }
  return terms;
}

/** The customer's words that carry meaning: what to look for in the history. */
export function significantWords(text: string): string[] {
  return [...new Set(significantTerms(text).values())];
}

export interface Similarity {
  readonly similar: boolean;
  /** Shared terms, as the first text spells them. */
  readonly shared: readonly string[];
  /** Shared terms / terms of the shorter description, 0..1. */
  readonly overlap: number;
}

/** Whether two descriptions tell of the same problem, by the words they share. */
export function descriptionSimilarity(description: string, other: string): Similarity {
  const a = significantTerms(description);
  const b = significantTerms(other);
  const sharedTerms = [...a.keys()].filter((term) => b.has(term));
  const distinctive = sharedTerms.filter((term) => !COMMON_TERMS.has(term));
  const shorter = Math.min(a.size, b.size);
  const overlap = shorter === 0 ? 0 : sharedTerms.length / shorter;
  const similar = distinctive.length >= 2;
  return { similar, shared: sharedTerms.map((term) => a.get(term)!), overlap: Math.round(overlap * 1000) / 1000 };
}

function customerKey(name: string | undefined): string {
  return (name ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
}

/** "Has this happened before?": the past cases like this description, this customer's first. */
export function similarPastCases(description: string, customer: string | undefined, past: readonly PastCase[]): SupportingCase[] {
  const key = customerKey(customer);
  const found: (SupportingCase & { overlap: number })[] = [];
  for (const c of past) {
    const similarity = descriptionSimilarity(description, c.description);
    if (!similarity.similar) continue;
    found.push({
      id: c.id,
      ...(c.customer ? { customer: c.customer } : {}),
      sameCustomer: key !== '' && customerKey(c.customer) === key,
      ...(c.playbook ? { playbook: c.playbook } : {}),
      outcome: c.outcome,
      startedAt: c.startedAt,
      shared: similarity.shared,
      overlap: similarity.overlap,
    });
  }
  found.sort(
    (x, y) =>
      Number(y.sameCustomer) - Number(x.sameCustomer) ||
      y.shared.length - x.shared.length ||
      y.overlap - x.overlap ||
      (x.startedAt < y.startedAt ? 1 : x.startedAt > y.startedAt ? -1 : 0) ||
      (x.id < y.id ? -1 : 1),
  );
  return found.map(({ overlap: _overlap, ...rest }) => rest);
}

/**
 * The ranking: search hits for the description, lifted by supporting past cases (at most
 * EVIDENCE_BOOST), strong or weak. A playbook only past cases point to (the description matches
 * none of its words) comes after the matches, weak. `titles` holds the playbooks in effect: cases
 * of playbooks no longer loaded support nothing.
 */
export function rankSuggestions(input: {
  readonly hits: readonly SearchHit[];
  readonly similar: readonly SupportingCase[];
  readonly titles: ReadonlyMap<string, string>;
  readonly limit?: number;
}): Suggestion[] {
  const evidence = new Map<string, SupportingCase[]>();
  for (const c of input.similar) {
    if (!c.playbook || !input.titles.has(c.playbook.id)) continue;
    evidence.set(c.playbook.id, [...(evidence.get(c.playbook.id) ?? []), c]);
  }
  const lift = (cases: readonly SupportingCase[] | undefined): number => {
    const weight = (cases ?? []).reduce((sum, c) => sum + (c.sameCustomer ? 1 : 0.5), 0);
    return 1 + Math.min(EVIDENCE_BOOST, 0.1 * weight);
  };
  const ranked = input.hits.map((hit, order) => ({ hit, order, score: hit.score * lift(evidence.get(hit.id)) }));
  ranked.sort((a, b) => b.score - a.score || a.order - b.order);
  const best = ranked[0]?.hit.score ?? 0;
  const suggestions: Suggestion[] = ranked.map(({ hit, score }) => ({
    id: hit.id,
    title: hit.title,
    score: Math.round(score * 1000) / 1000,
    strength: hit.score >= STRONG_SCORE && hit.score >= STRONG_SHARE * best && hit.matched.some((word) => !isEverydayWord(word)) ? 'strong' : 'weak',
    matched: hit.matched,
    cases: (evidence.get(hit.id) ?? []).slice(0, CASES_PER_SUGGESTION),
  }));
  for (const [id, cases] of evidence) {
    if (suggestions.some((s) => s.id === id)) continue;
    suggestions.push({ id, title: input.titles.get(id) ?? id, score: 0, strength: 'weak', matched: [], cases: cases.slice(0, CASES_PER_SUGGESTION) });
  }
  return suggestions.slice(0, input.limit ?? SUGGESTION_LIMIT);
}

/** True when at least one suggestion is strong: else the intake says that nothing fits well. */
export function hasStrongMatch(suggestions: readonly Suggestion[]): boolean {
  return suggestions.some((s) => s.strength === 'strong');
}

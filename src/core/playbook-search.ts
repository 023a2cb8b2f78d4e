/**
 * Ranks playbooks against a customer's description: MiniSearch over title, symptoms, tags,
 * summary and id with per-field boosts, fuzzy (typo-tolerant) and prefix matching.
 */
import MiniSearch from 'minisearch';
import type { Playbook } from './model.js';

export interface SearchHit {
  readonly id: string;
  readonly title: string;
  readonly score: number;
  /** Query terms that matched, and in which fields. */
  readonly matched: readonly string[];
}

export interface SearchDocument {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly symptoms: string;
  readonly tags: string;
}

const STOP_WORDS = new Set(
  'a an and are as at be but by can cant do does doesnt dont for from get gets got has have i im in is isnt it its ive just me my no not of on or our so that the their them then there they this to too was wasnt we were what when where which while who why will with wont you your yours'.split(
    ' ',
  ),
);

export function searchDocument(playbook: Pick<Playbook, 'id' | 'title' | 'summary' | 'symptoms' | 'tags'>): SearchDocument {
  return {
    id: playbook.id,
    title: playbook.title,
    summary: playbook.summary ?? '',
    symptoms: playbook.symptoms.join(' \n '),
    tags: playbook.tags.join(' '),
  };
}

export function buildSearchIndex(documents: readonly SearchDocument[]): MiniSearch<SearchDocument> {
  const index = new MiniSearch<SearchDocument>({
    fields: ['title', 'symptoms', 'tags', 'summary', 'idWords'],
    storeFields: ['title'],
    extractField: (doc, field) => (field === 'idWords' ? doc.id.replace(/-/g, ' ') : (doc as unknown as Record<string, string>)[field] ?? ''),
    processTerm: normaliseTerm,
    searchOptions: {
      boost: { title: 3, symptoms: 2.5, tags: 2, summary: 1, idWords: 1.5 },
      fuzzy: (term) => (term.length <= 3 ? 0 : term.length <= 6 ? 1 : 2),
      prefix: (term) => term.length >= 4,
      combineWith: 'OR',
      processTerm: normaliseTerm,
    },
  });
  index.addAll([...documents]);
  return index;
}

/** Lower-case, strip apostrophes and punctuation, drop stop words, fold simple plurals. */
export function normaliseTerm(term: string): string | null {
  const t = term.toLowerCase().replace(/['’]/g, '').replace(/[^\p{L}\p{N}]+/gu, '');
  if (t.length < 2 || STOP_WORDS.has(t)) return null;
  if (t.length > 4 && t.endsWith('ies')) return `${t.slice(0, -3)}y`;
  if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us')) return t.slice(0, -1);
  return t;
}

export function searchPlaybooks(index: MiniSearch<SearchDocument>, text: string, limit = 10): SearchHit[] {
  const results = index.search(text);
  return results.slice(0, limit).map((r) => ({
    id: String(r.id),
    title: String(r.title ?? ''),
    score: Math.round(r.score * 1000) / 1000,
    matched: Object.keys(r.match).sort(),
  }));
}

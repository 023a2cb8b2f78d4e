/**
 * Ranks playbooks against a customer's description: MiniSearch over title, symptoms, tags,
 * summary and id with per-field boosts, fuzzy (typo-tolerant) and prefix matching.
 *
 * Customers rarely use the words a playbook author chose, so both the playbooks and the query go
 * through the same normalisation: common multi-word expressions become one concept ("let me in"
 * → login, "money back" → refund), words are lightly stemmed (charged/charges → charg), and
 * synonyms fold onto one term (reimburse → refund, courier → deliver). The tables below are
 * general support vocabulary, not tuned to single phrases; extend them when a real description
 * ranks the wrong playbook (test/core/search-ranking.test.ts keeps the score).
 */
import MiniSearch, { type Options } from 'minisearch';
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
  (
    'a an and are as at be been but by can cant could do does doesnt dont did didnt for from get gets got getting has have had i im ive id ill in is isnt it its ' +
    'just me my no not of on or our so that the their them then there theres they this to too was wasnt we were what when where which while who why will with ' +
    'wont would you your yours youre youve ur u us am any some like really very please pls plz thing things stuff still even also ever always only one ' +
    'now today yesterday ago since been being keep keeps kept say says said how here there'
  ).split(' '),
);

/**
 * Expressions that mean one thing, matched in the lower-cased text before it is split into words
 * (apostrophes already removed). Each becomes a single concept term.
 */
const PHRASES: readonly (readonly [RegExp, string])[] = [
  [/\b(?:log|sign|logg?ed|signed|logging|signing)[\s-]+(?:in|on|into)\b/g, ' login '],
  [/\b(?:let|letting|lets)\s+(?:me|us)\s+in\b/g, ' login '],
  [/\b(?:log|sign|logged|signed|kicked|kick|thrown)[\s-]+(?:out|off)\b/g, ' logout '],
  [/\b(?:two|2)[\s-]*(?:factor|step)\b|\b(?:2fa|mfa|otp|authenticator)\b/g, ' twofactor '],
  [/\bmoney\s+back\b|\bcharge\s*back\b/g, ' refund '],
  [/\b(?:two|2)\s+times\b|\bdouble\b|\bduplicated?\b|\btwice\b/g, ' twice '],
  [/\b(?:went|gone|go|goes|going|jumped|jump|jumps|shot)\s+up\b|\bincreased?\b|\braised?\b|\bhike[ds]?\b|\bhigher\b|\bmore\s+expensive\b/g, ' increase '],
  [/\bout\s+of\s+stock\b|\bsold\s+out\b|\bback[\s-]*order(?:ed|s)?\b|\brestock(?:ed)?\b|\bnot\s+available\b|\bunavailable\b/g, ' stock '],
  [/\b(?:promo|voucher|coupon|discount)s?(?:\s+codes?)?\b/g, ' discount '],
  [/\b(?:dropped|drop)\s+off\b|\bcourier\b|\bpostman\b|\bshipping\b|\bshipment\b|\bshipped\b|\bdelivered\b|\bdelivery\b/g, ' deliver '],
  [/\b(?:show|shows|showing|showed|turn|turns|turned)\s+(?:up|on)\b|\bappear(?:s|ed|ing)?\b/g, ' appear '],
  [/\b(?:came|come|comes|coming|is|its)\s+back\b|\bagain\b|\b(?:went|gone|go|goes)\s+away\b/g, ' regress '],
  [/\b(?:call|calls|called|ring|phone|phoned)\s+(?:me|us)(?:\s+back)?\b|\bcall\s*back\b|\bcallback\b/g, ' callback '],
  [/\b(?:every|any)(?:one|body)\b|\bnobody\b|\bno\s+one\b|\bwhole\s+(?:team|company|office)\b|\ball\s+of\s+us\b|\bjust\s+me\b/g, ' everyone '],
  [/\b(?:shut|shuts|shutting)\s+down\b|\bforce\s+clos\w*\b|\bcrash\w*\b/g, ' crash '],
  [/\brate[\s-]+limit\w*\b|\btoo\s+many\s+requests\b|\bthrottl\w*\b/g, ' ratelimit '],
  [/\b(?:please|can\s+you|could\s+you|you\s+should|need\s+to|want\s+you\s+to)\s+add\b|\bwould\s+be\s+(?:great|nice|useful|helpful|good|handy|cool)\b|\bany\s+plans\b|\broadmap\b|\bwish(?:list)?\b/g, ' feature '],
  [/\bevery\s+other\s+(?:tool|app|product|service|company)\b|\bother\s+(?:tools|apps|products)\b|\bcompetitors?\b/g, ' competitor '],
  [/\bno\s+data\b|\bnothing\s+in\s+it\b/g, ' empty '],
];

/** The concept terms PHRASES produce: indexed as they are, never stemmed. */
const CONCEPTS = new Set(PHRASES.map(([, concept]) => concept.trim()));

/**
 * Terms that name the customer's situation rather than a product area weigh more: a feature
 * request about exports is a feature request, not an export problem.
 */
const SITUATION_BOOST: Readonly<Record<string, number>> = { feature: 2, competitor: 2 };

/** Word (after stemming) → the term it is indexed and searched as. */
const SYNONYMS: Readonly<Record<string, string | readonly string[]>> = {
  login: 'login',
  signin: 'login',
  logon: 'login',
  reimburs: 'refund',
  reimbursement: 'refund',
  refund: 'refund',
  receipt: 'invoice',
  invoice: 'invoice',
  parcel: 'parcel',
  packag: 'parcel',
  box: 'parcel',
  deliver: 'deliver',
  ship: 'deliver',
  track: 'track',
  tracking: 'track',
  alert: 'notification',
  notif: 'notification',
  notify: 'notification',
  notification: 'notification',
  reminder: 'notification',
  incorrect: 'wrong',
  wrong: 'wrong',
  refus: 'declin',
  reject: 'declin',
  declin: 'declin',
  deny: 'declin',
  suspend: 'lock',
  suspension: 'lock',
  deactivat: 'lock',
  disabl: 'lock',
  block: 'lock',
  lock: 'lock',
  lockout: 'lock',
  annual: 'year',
  annually: 'year',
  yearly: 'year',
  year: 'year',
  cheaper: 'price',
  cheap: 'price',
  expensiv: 'price',
  cost: 'price',
  pric: 'price',
  sluggish: 'slow',
  laggy: 'slow',
  lag: 'slow',
  slow: 'slow',
  gone: 'disappear',
  vanish: 'disappear',
  disappear: 'disappear',
  unauthoris: 'unauthoriz',
  unauthoriz: 'unauthoriz',
  integration: 'integration',
  zapier: 'integration',
  webhook: 'integration',
  attach: 'upload',
  attachment: 'upload',
  upload: 'upload',
  fixed: 'fix',
  fix: 'fix',
  sort: 'fix',
  solv: 'fix',
  resolv: 'fix',
  outage: 'outage',
  down: 'outage',
  offline: 'outage',
  // Stems, as the index holds them: "phone" is indexed as phon.
  iphone: ['phon', 'mobile'],
  android: 'mobile',
  io: 'mobile',
  ipad: 'mobile',
  tablet: 'mobile',
  mobile: 'mobile',
  chrome: 'browser',
  firefox: 'browser',
  safari: 'browser',
  edge: 'browser',
  browser: 'browser',
  // The things customers keep in the product: losing them is a data problem whatever they are called.
  task: 'record',
  project: 'record',
  note: 'record',
  contact: 'record',
  record: 'record',
  entry: 'record',
  promis: 'promise',
  promise: 'promise',
};

export function searchDocument(playbook: Pick<Playbook, 'id' | 'title' | 'summary' | 'symptoms' | 'tags'>): SearchDocument {
  return {
    id: playbook.id,
    title: playbook.title,
    summary: playbook.summary ?? '',
    symptoms: playbook.symptoms.join(' \n '),
    tags: playbook.tags.join(' '),
  };
}

export type SearchIndex = MiniSearch<SearchDocument>;

function searchIndexOptions(): Options<SearchDocument> {
  return {
    fields: ['title', 'symptoms', 'tags', 'summary', 'idWords'],
    storeFields: ['title'],
    extractField: (doc, field) => (field === 'idWords' ? doc.id.replace(/-/g, ' ') : (doc as unknown as Record<string, string>)[field] ?? ''),
    tokenize: tokenizeText,
    processTerm: searchTerms,
    searchOptions: {
      boost: { title: 3, symptoms: 2.5, tags: 2, summary: 1, idWords: 1.5 },
      fuzzy: (term) => (term.length <= 4 ? 0 : term.length <= 7 ? 1 : 2),
      prefix: (term) => term.length >= 4,
      combineWith: 'OR',
      boostTerm: (term) => SITUATION_BOOST[term] ?? 1,
      tokenize: tokenizeText,
      processTerm: searchTerms,
    },
  };
}

export function buildSearchIndex(documents: readonly SearchDocument[]): SearchIndex {
  const index = new MiniSearch<SearchDocument>(searchIndexOptions());
  index.addAll([...documents]);
  return index;
}

/**
 * The whole state of an index as plain data and Maps, for the search index cache: restoring it
 * (with the structured clone in node:v8) takes a fraction of building the index, or of MiniSearch's
 * own JSON loading, which re-inserts every term. It reaches into MiniSearch's fields, so it is
 * tied to the pinned version; test/core/playbook-search-state.test.ts checks that a restored index
 * has the same state and ranks the same as the one it came from.
 */
export interface SearchIndexState {
  readonly format: 'minisearch-7.2';
  readonly documentCount: number;
  readonly nextId: number;
  readonly documentIds: Map<number, unknown>;
  readonly idToShortId: Map<unknown, number>;
  readonly fieldIds: Record<string, number>;
  readonly fieldLength: Map<number, number[]>;
  readonly avgFieldLength: number[];
  readonly storedFields: Map<number, Record<string, unknown>>;
  readonly dirtCount: number;
  /** The radix tree of terms (SearchableMap's). */
  readonly tree: Map<string, unknown>;
}

interface MiniSearchInternals {
  _documentCount: number;
  _nextId: number;
  _documentIds: Map<number, unknown>;
  _idToShortId: Map<unknown, number>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _storedFields: Map<number, Record<string, unknown>>;
  _dirtCount: number;
  _index: { _tree: Map<string, unknown>; constructor: new (tree: Map<string, unknown>) => unknown };
}

export function searchIndexState(index: SearchIndex): SearchIndexState {
  const inner = index as unknown as MiniSearchInternals;
  return {
    format: 'minisearch-7.2',
    documentCount: inner._documentCount,
    nextId: inner._nextId,
    documentIds: inner._documentIds,
    idToShortId: inner._idToShortId,
    fieldIds: inner._fieldIds,
    fieldLength: inner._fieldLength,
    avgFieldLength: inner._avgFieldLength,
    storedFields: inner._storedFields,
    dirtCount: inner._dirtCount,
    tree: inner._index._tree,
  };
}

/** An index from searchIndexState; throws on a state of another shape. */
export function searchIndexFromState(state: SearchIndexState): SearchIndex {
  if (state?.format !== 'minisearch-7.2' || !(state.tree instanceof Map) || !(state.documentIds instanceof Map)) throw new Error('not a search index state');
  const index = new MiniSearch<SearchDocument>(searchIndexOptions());
  const inner = index as unknown as MiniSearchInternals;
  inner._documentCount = state.documentCount;
  inner._nextId = state.nextId;
  inner._documentIds = state.documentIds;
  inner._idToShortId = state.idToShortId;
  inner._fieldIds = state.fieldIds;
  inner._fieldLength = state.fieldLength;
  inner._avgFieldLength = state.avgFieldLength;
  inner._storedFields = state.storedFields;
  inner._dirtCount = state.dirtCount;
  inner._index = new inner._index.constructor(state.tree) as MiniSearchInternals['_index'];
  return index;
}

/** Lower-cases, joins contractions, turns known expressions into concept terms, splits into words. */
export function tokenizeText(text: string): string[] {
  let t = ` ${text.toLowerCase().replace(/['’`]/g, '')} `;
  for (const [pattern, concept] of PHRASES) t = t.replace(pattern, concept);
  return t.split(/[^\p{L}\p{N}]+/u).filter((word) => word !== '');
}

/** The terms a word is indexed and searched as: none for stop words, else its stem or synonym. */
export function searchTerms(word: string): string | string[] | null {
  const t = normaliseTerm(word);
  if (t === null) return null;
  if (CONCEPTS.has(t)) return t;
  const stem = stemWord(t);
  const synonym = SYNONYMS[stem] ?? SYNONYMS[t];
  if (synonym === undefined) return stem;
  return typeof synonym === 'string' ? synonym : [...synonym];
}

const MAX_TERM_LENGTH = 64;

/** Lower-case, strip apostrophes and punctuation, drop stop words and overlong words, fold simple plurals. */
export function normaliseTerm(term: string): string | null {
  const t = term.toLowerCase().replace(/['’]/g, '').replace(/[^\p{L}\p{N}]+/gu, '');
  // No word a customer types is longer; fuzzy matching a 60,000-letter "word" needs gigabytes.
  if (t.length < 2 || t.length > MAX_TERM_LENGTH || STOP_WORDS.has(t)) return null;
  // Numbers stay numbers: "429s" is the status code 429.
  if (/^\d+s$/.test(t)) return t.slice(0, -1);
  if (t.length > 4 && t.endsWith('ies')) return `${t.slice(0, -3)}y`;
  if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss') && !t.endsWith('us')) return t.slice(0, -1);
  return t;
}

/**
 * A light English stemmer, enough to fold the forms customers use onto one term:
 * charged/charging/charge → charg, stopped → stop, updated/update → updat. Short words and
 * numbers are left alone.
 */
export function stemWord(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  let stem = word;
  for (const suffix of ['ingly', 'edly', 'ing', 'ed']) {
    if (stem.endsWith(suffix) && stem.length - suffix.length >= 3) {
      stem = stem.slice(0, -suffix.length);
      // stopp → stop, but keep ll/ss/zz (install, access).
      if (/([b-df-hj-np-tv-z])\1$/.test(stem) && !/(ll|ss|zz)$/.test(stem)) stem = stem.slice(0, -1);
      return stem;
    }
  }
  if (stem.endsWith('e') && stem.length > 4) return stem.slice(0, -1);
  return stem;
}

export function searchPlaybooks(index: SearchIndex, text: string, limit = 10): SearchHit[] {
  const results = index.search(text);
  // Show matches as the customer's words (or the concept a phrase became), not as stems.
  const wordsByTerm = new Map<string, string[]>();
  for (const word of tokenizeText(text)) {
    const terms = searchTerms(word);
    for (const term of terms === null ? [] : Array.isArray(terms) ? terms : [terms]) {
      const words = wordsByTerm.get(term) ?? [];
      if (!words.includes(word)) words.push(word);
      wordsByTerm.set(term, words);
    }
  }
  return results.slice(0, limit).map((r) => ({
    id: String(r.id),
    title: String(r.title ?? ''),
    score: Math.round(r.score * 1000) / 1000,
    matched: [...new Set(r.queryTerms.flatMap((term) => wordsByTerm.get(term) ?? [term]))].sort(),
  }));
}

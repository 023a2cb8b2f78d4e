/**
 * What `triage search` promises, independent of how it ranks in detail (the ranking itself is
 * tuned against real descriptions in test/core/search-ranking.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { buildSearchIndex, searchDocument, searchPlaybooks, type SearchDocument } from '../../src/core/playbook-search.js';

const doc = (id: string, fields: Partial<Omit<SearchDocument, 'id'>> = {}): SearchDocument => ({ id, title: '', summary: '', symptoms: '', tags: '', ...fields });

const DOCS = [
  doc('password-reset', { title: 'Password reset email not arriving', symptoms: 'the reset link never comes', tags: 'account email' }),
  doc('export-fails', { title: 'Report export fails', summary: 'CSV or PDF export spins forever', symptoms: 'export is stuck \n empty csv', tags: 'reports export' }),
  doc('invoice-wrong', { title: 'Invoice wrong or missing', summary: 'the invoice shows the wrong address', tags: 'billing' }),
  doc('slow-app', { title: 'App is slow', symptoms: 'pages take ages to load', tags: 'performance' }),
];
const index = buildSearchIndex(DOCS);
const ids = (text: string, limit?: number) => searchPlaybooks(index, text, limit).map((h) => h.id);

describe('searchPlaybooks', () => {
  it('puts the playbook whose title matches first', () => {
    expect(ids('invoice')[0]).toBe('invoice-wrong');
    expect(ids('password reset email')[0]).toBe('password-reset');
  });

  it('matches symptoms, tags and summary, not only titles', () => {
    expect(ids('pages take ages')[0]).toBe('slow-app');
    expect(ids('performance')).toEqual(['slow-app']);
    expect(ids('spins forever')[0]).toBe('export-fails');
  });

  it('tolerates typos in longer words', () => {
    expect(ids('pasword')[0]).toBe('password-reset');
    expect(ids('exprt')[0]).toBe('export-fails');
  });

  it('is case- and punctuation-insensitive', () => {
    expect(ids('INVOICE!!!')).toEqual(ids('invoice'));
    expect(ids("the export's stuck...")[0]).toBe('export-fails');
  });

  it('finds nothing for stop words, nonsense or an empty description', () => {
    expect(ids('the and of it is')).toEqual([]);
    expect(ids('xyzzyqwv')).toEqual([]);
    expect(ids('')).toEqual([]);
    expect(ids('   ')).toEqual([]);
  });

  it('returns at most `limit` hits, best first, with scores rounded to 3 decimals', () => {
    const hits = searchPlaybooks(index, 'export invoice password slow', 2);
    expect(hits).toHaveLength(2);
    expect(hits[0]!.score).toBeGreaterThanOrEqual(hits[1]!.score);
    for (const hit of hits) expect(Math.round(hit.score * 1000) / 1000).toBe(hit.score);
  });

  it('says which of the words matched, and gives the title', () => {
    const [hit] = searchPlaybooks(index, 'invoice banana', 1);
    expect(hit).toMatchObject({ id: 'invoice-wrong', title: 'Invoice wrong or missing' });
    expect(hit!.matched).toContain('invoice');
    expect(hit!.matched).not.toContain('banana');
  });

  it('finds a playbook by the words of its id', () => {
    const idOnly = buildSearchIndex([doc('two-factor-device-lost', { title: 'Lost phone' }), doc('other', { title: 'Other' })]);
    expect(searchPlaybooks(idOnly, 'device').map((h) => h.id)).toEqual(['two-factor-device-lost']);
  });
});

describe('searchDocument', () => {
  it('takes the searchable fields of a playbook; a missing summary is empty', () => {
    const d = searchDocument({ id: 'x', title: 'X', summary: undefined, symptoms: ['one', 'two'], tags: ['a', 'b'] });
    expect(d).toMatchObject({ id: 'x', title: 'X', summary: '' });
    expect(d.symptoms).toContain('one');
    expect(d.symptoms).toContain('two');
    expect(d.tags).toContain('a');
  });
});

/**
 * The search index cache restores MiniSearch's state directly. A restored index must
 * be the index it came from: the same serialised state, and the same ranking for every query,
 * including after a trip through node:v8's structured clone, as the cache stores it.
 */
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { buildSearchIndex, searchDocument, searchIndexFromState, searchIndexState, searchPlaybooks } from '../../src/core/playbook-search.js';
import { bundledLibrary } from '../property/generators.js';

const QUERIES = [
  'I never got the password reset email',
  'cant log in',
  'charged twice this month',
  'the export never finishes',
  'app crashes on startup after the update',
  'refund',
  'pasword resett',
  'my order is late and the courier lost it',
  'zzz nothing matches this',
];

describe('search index state', () => {
  const documents = bundledLibrary().playbooks.map(searchDocument);

  it('restores to the same index, which ranks the same', () => {
    const fresh = buildSearchIndex(documents);
    const restored = searchIndexFromState(deserialize(serialize(searchIndexState(fresh))));
    expect(JSON.stringify(restored)).toBe(JSON.stringify(fresh));
    for (const query of QUERIES) expect(searchPlaybooks(restored, query, 50), query).toEqual(searchPlaybooks(fresh, query, 50));
  });

  it('refuses a state of another shape', () => {
    expect(() => searchIndexFromState({} as never)).toThrow();
    expect(() => searchIndexFromState({ ...searchIndexState(buildSearchIndex(documents)), format: 'other' } as never)).toThrow();
  });
});

/** Knowledge gaps: cases without a playbook, grouped by alike descriptions, most frequent first. */
import { describe, expect, it } from 'vitest';
import { groupKnowledgeGaps } from '../../src/core/knowledge-gaps.js';

describe('groupKnowledgeGaps', () => {
  it('groups alike descriptions (two distinctive words), most cases first, latest description shown', () => {
    const groups = groupKnowledgeGaps([
      { id: 'A', description: "I'd like to transfer my account ownership to my colleague", startedAt: '2026-11-01T10:00:00Z' },
      { id: 'B', description: 'How do I change the interface language to German?', startedAt: '2026-11-02T10:00:00Z' },
      { id: 'C', description: 'Can the account ownership be transferred to someone else?', startedAt: '2026-11-03T10:00:00Z' },
      { id: 'D', description: 'transfer ownership of the workspace to a colleague please', startedAt: '2026-11-04T10:00:00Z' },
      { id: 'E', description: 'Where is your company based, for a supplier form', startedAt: '2026-11-05T10:00:00Z' },
    ]);
    expect(groups.map((g) => [g.cases, g.ids])).toEqual([
      [3, ['D', 'C', 'A']],
      [1, ['E']],
      [1, ['B']],
    ]);
    expect(groups[0]!.description).toBe('transfer ownership of the workspace to a colleague please');
    expect(groups[0]!.lastAt).toBe('2026-11-04T10:00:00Z');
  });

  it('one shared everyday word does not make a group', () => {
    const groups = groupKnowledgeGaps([
      { id: 'A', description: 'my account language is wrong', startedAt: '2026-11-01T10:00:00Z' },
      { id: 'B', description: 'close my account please', startedAt: '2026-11-02T10:00:00Z' },
    ]);
    expect(groups).toHaveLength(2);
  });
});

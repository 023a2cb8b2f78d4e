/**
 * Knowledge gaps: cases that ran without a playbook, grouped by what the customers described
 * (the same similarity bar as the intake's past cases, core/suggestions), most frequent first:
 * the playbooks worth writing next.
 */
import { descriptionSimilarity } from './suggestions.js';

export interface GapCase {
  readonly id: string;
  readonly description: string;
  readonly startedAt: string;
}

export interface GapGroup {
  /** The most recent description of the group. */
  readonly description: string;
  readonly cases: number;
  /** Most recent first. */
  readonly ids: readonly string[];
  readonly lastAt: string;
}

export function groupKnowledgeGaps(cases: readonly GapCase[], limit = 10): GapGroup[] {
  const newestFirst = [...cases].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? -1 : 1));
  const groups: { members: GapCase[] }[] = [];
  for (const c of newestFirst) {
    const group = groups.find((g) => g.members.some((m) => descriptionSimilarity(c.description, m.description).similar));
    if (group) group.members.push(c);
    else groups.push({ members: [c] });
  }
  return groups
    .map((g) => ({ description: g.members[0]!.description, cases: g.members.length, ids: g.members.map((m) => m.id), lastAt: g.members[0]!.startedAt }))
    .sort((a, b) => b.cases - a.cases || (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0))
    .slice(0, limit);
}

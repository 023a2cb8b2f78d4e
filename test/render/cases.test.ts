import { describe, expect, it } from 'vitest';
import { renderCaseMarkdown, renderCaseText } from '../../src/render/cases.js';
import { caseRecord } from '../helpers/case-records.js';

describe('a case from a helpdesk ticket, as cases show prints it', () => {
  const record = {
    ...caseRecord({ id: 'TRI-20261205-7C4E', customer: 'Dana Reyes' }),
    ticket: { provider: 'rt' as const, id: '42', webUrl: 'https://rt.example.com/Ticket/Display.html?id=42' },
    posts: [
      { kind: 'reply' as const, provider: 'rt' as const, ticketId: '42', status: 'sent' as const, at: '2026-12-05T10:00:00.000Z', remoteId: '381' },
      { kind: 'note' as const, provider: 'rt' as const, ticketId: '42', status: 'pending' as const, at: '2026-12-05T10:00:01.000Z' },
    ],
  };

  it('names the ticket and each post; a pending post says the command that finishes it', () => {
    const text = renderCaseText(record);
    expect(text).toContain('Ticket      rt:42 https://rt.example.com/Ticket/Display.html?id=42');
    expect(text).toContain('Posted      reply to rt:42: sent (id 381, 2026-12-05T10:00:00.000Z)');
    expect(text).toContain('            note to rt:42: pending since 2026-12-05T10:00:01.000Z, not confirmed; finish it with: triage handoff TRI-20261205-7C4E --to rt');
  });

  it('in Markdown the command reads as written: no escaped backticks', () => {
    const markdown = renderCaseMarkdown(record);
    expect(markdown).toContain('finish it with: triage handoff TRI-20261205-7C4E --to rt');
    expect(markdown).not.toContain('\\`');
  });
});

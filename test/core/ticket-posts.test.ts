import { describe, expect, it } from 'vitest';
import type { CasePost } from '../../src/core/case-record.js';
import type { Ticket, TicketMessage } from '../../src/core/helpdesk.js';
import { findPost, postedMessageId, withPost } from '../../src/core/ticket-posts.js';
import { caseRecord } from '../helpers/case-records.js';

const REF = { provider: 'rt', id: '42' } as const;

function post(kind: CasePost['kind'], status: CasePost['status'], at: string, remoteId?: string): CasePost {
  return { kind, provider: 'rt', ticketId: '42', status, at, ...(remoteId ? { remoteId } : {}) };
}

function ticketWith(messages: TicketMessage[]): Ticket {
  return { ref: REF, subject: 's', requester: {}, tags: [], messages, attachments: [] };
}

describe('withPost and findPost', () => {
  it('keeps one entry per kind and ticket, replacing pending by sent, and never moves updatedAt back', () => {
    const record = caseRecord({ id: 'TRI-1' });
    const pending = withPost(record, post('reply', 'pending', '2026-12-05T08:00:00.000Z'));
    const sent = withPost(pending, post('reply', 'sent', '2026-12-05T08:00:01.000Z', '117'));
    expect(sent.posts).toEqual([post('reply', 'sent', '2026-12-05T08:00:01.000Z', '117')]);
    expect(sent.updatedAt).toBe('2026-12-05T08:00:01.000Z');
    expect(findPost(sent, 'reply', REF)?.remoteId).toBe('117');
    expect(findPost(sent, 'note', REF)).toBeUndefined();
    expect(findPost(sent, 'reply', { provider: 'rt', id: '43' })).toBeUndefined();
    const older = withPost(sent, post('note', 'pending', '2020-01-01T00:00:00.000Z'));
    expect(older.updatedAt).toBe('2026-12-05T08:00:01.000Z');
    expect(older.posts).toHaveLength(2);
  });
});

describe('postedMessageId', () => {
  const message = (id: string, text: string, extra: Partial<TicketMessage> = {}): TicketMessage => ({ id, author: 'agent', at: '2026-12-05T08:00:00Z', text, public: true, ...extra });

  it('finds the post by its words, whatever whitespace the helpdesk stored', () => {
    const ticket = ticketWith([message('7', 'Hello Ada,\r\n\r\nReset   your password.\r\n')]);
    expect(postedMessageId(ticket, { kind: 'reply', body: 'Hello Ada,\n\nReset your password.\n' })).toBe('7');
  });

  it('tells a public reply from an internal note, and ignores what the customer wrote', () => {
    const ticket = ticketWith([message('7', 'Known bug BUG-7.', { public: false }), message('8', 'Known bug BUG-7.', { author: 'requester' })]);
    expect(postedMessageId(ticket, { kind: 'note', body: 'Known bug BUG-7.' })).toBe('7');
    expect(postedMessageId(ticket, { kind: 'reply', body: 'Known bug BUG-7.' })).toBeUndefined();
  });

  it('finds nothing for an empty body or a different text', () => {
    const ticket = ticketWith([message('7', 'Something else entirely.')]);
    expect(postedMessageId(ticket, { kind: 'reply', body: '  ' })).toBeUndefined();
    expect(postedMessageId(ticket, { kind: 'reply', body: 'Reset your password.' })).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { Ticket, TicketMessage } from '../../src/core/helpdesk.js';
import { mergedEnvironment, ticketIntake, ticketSummaryLines } from '../../src/core/ticket-intake.js';

function message(id: string, author: TicketMessage['author'], text: string, extra: Partial<TicketMessage> = {}): TicketMessage {
  return { id, author, at: `2026-12-0${Number(id) % 9 || 1}T10:00:00Z`, text, public: true, ...extra };
}

function ticket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    ref: { provider: 'rt', id: '42' },
    subject: 'Export fails',
    requester: { name: 'Dana Whitfield', email: 'dana@example.com' },
    tags: [],
    messages: [message('1', 'requester', 'The CSV export gives me an empty file.')],
    attachments: [],
    ...overrides,
  };
}

describe('ticketIntake', () => {
  it('takes the name, email, channel, account and the first message as the intake', () => {
    const intake = ticketIntake(ticket({ channel: 'chat', account: 'ACME-981' }));
    expect(intake).toMatchObject({
      ref: 'rt:42',
      customer: 'Dana Whitfield',
      email: 'dana@example.com',
      channel: 'chat',
      account: 'ACME-981',
      description: 'The CSV export gives me an empty file.',
      requesterMessages: 1,
      repeatContact: false,
      laterMessages: [],
    });
    expect(intake.signals).toEqual([]);
  });

  it('falls back to the requester email as customer and account, and leaves the channel unasked only when known', () => {
    const intake = ticketIntake(ticket({ requester: { email: 'ops@example.org' } }));
    expect(intake.customer).toBe('ops@example.org');
    expect(intake.account).toBe('ops@example.org');
    expect(intake).not.toHaveProperty('channel');
  });

  it('uses the subject when the first customer message is empty', () => {
    const intake = ticketIntake(ticket({ messages: [message('1', 'requester', '  \n ')] }));
    expect(intake.description).toBe('Export fails');
  });

  it('skips agent replies and internal notes; later customer messages are kept apart', () => {
    const intake = ticketIntake(
      ticket({
        messages: [
          message('1', 'requester', 'First: export is empty.'),
          message('2', 'agent', 'Which browser?'),
          message('3', 'agent', 'Looks like a known bug', { public: false }),
          message('4', 'requester', 'Firefox 128.'),
        ],
      }),
    );
    expect(intake.description).toBe('First: export is empty.');
    expect(intake.laterMessages.map((m) => m.text)).toEqual(['Firefox 128.']);
    expect(intake.requesterMessages).toBe(2);
    expect(intake.repeatContact).toBe(false);
  });

  it(`signals repeat contact from the requester's third message on`, () => {
    const messages = [message('1', 'requester', 'Export is empty.'), message('2', 'agent', 'Looking.'), message('3', 'requester', 'Any news?'), message('4', 'requester', 'Hello?')];
    const intake = ticketIntake(ticket({ messages }));
    expect(intake.requesterMessages).toBe(3);
    expect(intake.repeatContact).toBe(true);
    expect(intake.signals).toContain('repeat-contact');
    expect(ticketIntake(ticket({ messages: messages.slice(0, 3) })).repeatContact).toBe(false);
  });

  it("finds signals in the customer's later words too", () => {
    const intake = ticketIntake(ticket({ messages: [message('1', 'requester', 'Export is empty.'), message('2', 'requester', 'I have a board meeting tomorrow morning, this is urgent.')] }));
    expect(intake.signals).toEqual(['deadline']);
  });

  it('offers text attachments that read as an environment, and only those', () => {
    const intake = ticketIntake(
      ticket({
        attachments: [
          { id: 'a', name: 'env.txt', contentType: 'text/plain', size: 40, text: 'OS: macOS 14.5\nBrowser: Firefox 128' },
          { id: 'b', name: 'screenshot.png', contentType: 'image/png', size: 9000 },
          { id: 'c', name: 'notes.txt', contentType: 'text/plain', size: 5, text: 'hello' },
          { id: 'd', name: 'env.json', contentType: 'application/json', size: 20, text: '{"node": "20.11.0"}' },
        ],
      }),
    );
    expect(intake.environments.map((e) => e.name)).toEqual(['env.txt', 'env.json']);
    expect(mergedEnvironment(intake.environments)).toEqual({ os: 'macOS 14.5', browser: 'Firefox 128', node: '20.11.0' });
  });

  it('makes escape sequences in ticket text visible rather than raw', () => {
    const intake = ticketIntake(ticket({ requester: { name: 'Eve\u001b[2J' }, messages: [message('1', 'requester', 'hi\u0007 there')] }));
    expect(intake.customer).not.toContain('\u001b');
    expect(intake.description).toBe('hi\\x07 there');
  });

  it('summarises the ticket and shows the later messages', () => {
    const intake = ticketIntake(ticket({ messages: [message('1', 'requester', 'Export empty.'), message('2', 'requester', 'Still empty\ntoday.'), message('3', 'requester', 'Hello?')] }));
    const lines = ticketSummaryLines(intake, 'https://rt.example.com/Ticket/Display.html?id=42');
    expect(lines[0]).toBe('Ticket rt:42: Export fails');
    expect(lines).toContain('  From: Dana Whitfield <dana@example.com>');
    expect(lines).toContain('  Customer messages: 3 (repeat contact)');
    expect(lines).toContain('    Still empty');
    expect(lines).toContain('    Hello?');
  });
});

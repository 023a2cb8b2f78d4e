/**
 * The Freshdesk client against a real HTTP server on 127.0.0.1 that answers with the examples of
 * Freshdesk's API reference (test/fixtures/helpdesk/freshdesk): what it sends (method, path,
 * body, API-key basic auth), how a ticket maps, conversation pages, attachments, replies and
 * notes, updates, errors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TriageError } from '../../src/core/errors.js';
import { REPEAT_CONTACT_MESSAGES, type HelpdeskClient } from '../../src/core/helpdesk.js';
import { freshdeskChannel, mapFreshdeskTicket, nextLink } from '../../src/io/helpdesk/freshdesk.js';
import { createHelpdeskClient } from '../../src/io/helpdesk/index.js';
import { MAX_MESSAGE_PAGES } from '../../src/io/helpdesk/ticket-parts.js';
import { loadFixture, startFixtureServer, type Fixture, type FixtureServer } from '../helpers/helpdesk-fixtures.js';

const API_KEY = 'fdK3y-Q8wE2rT6yU1iO9';
const BASIC = `Basic ${Buffer.from(`${API_KEY}:X`).toString('base64')}`;
const TICKET_PATH = '/api/v2/tickets/20';
const CONVERSATIONS_PATH = '/api/v2/tickets/20/conversations';

const fixture = (name: string): Fixture => loadFixture('freshdesk', name);

let helpdesk: FixtureServer;
let elsewhere: FixtureServer;
let client: HelpdeskClient;

beforeEach(async () => {
  helpdesk = await startFixtureServer();
  elsewhere = await startFixtureServer();
  helpdesk.define('elsewhere', elsewhere.baseUrl);
  client = createHelpdeskClient('freshdesk', { url: helpdesk.baseUrl, token: API_KEY, timeoutMs: 5000, backoffMs: 10 });
});

afterEach(async () => {
  await Promise.all([helpdesk.close(), elsewhere.close()]);
});

function serveTicket(): void {
  helpdesk.serve(fixture('ticket-show'));
  helpdesk.serve(fixture('conversations-page-1'));
  helpdesk.serve(fixture('conversations-page-2'));
}

/** The ticket, whatever query the request has (the update reads the tags without `include`). */
function serveTicketAnyQuery(): void {
  helpdesk.serve(fixture('ticket-show'), { request: { method: 'GET', path: TICKET_PATH } });
}

async function failure(promise: Promise<unknown>): Promise<TriageError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TriageError);
  return error as TriageError;
}

function expectNoSecret(error: TriageError): void {
  const shown = `${error.message}\n${error.hint ?? ''}`;
  expect(shown).not.toContain(API_KEY);
  expect(shown).not.toContain(BASIC.slice('Basic '.length));
}

describe('Freshdesk: fetching a ticket', () => {
  it('asks for the ticket with requester and company, then every conversation page, with API-key basic auth', async () => {
    serveTicket();
    await client.fetchTicket('20');

    const [show, page1, page2] = helpdesk.requests;
    expect(show).toMatchObject({ method: 'GET', path: TICKET_PATH, query: { include: 'requester,company' } });
    expect(page1).toMatchObject({ method: 'GET', path: CONVERSATIONS_PATH, query: { per_page: '100' } });
    expect(page2).toMatchObject({ method: 'GET', path: CONVERSATIONS_PATH, query: { page: '2', per_page: '100' } });
    expect(helpdesk.requests).toHaveLength(3);
    for (const request of helpdesk.requests) {
      expect(request.headers.authorization).toBe(BASIC);
    }
  });

  it('maps requester, source, company, status, tags and the web address', async () => {
    serveTicket();
    const ticket = await client.fetchTicket('20');

    expect(ticket.ref).toEqual({ provider: 'freshdesk', id: '20' });
    expect(ticket.webUrl).toBe(`${helpdesk.baseUrl}/a/tickets/20`);
    expect(ticket.subject).toBe('Sync stops after the 4.12 update');
    expect(ticket.status).toBe('open');
    expect(ticket.requester).toEqual({ name: 'Lee Ortiz', email: 'lee.ortiz@contoso.example' });
    expect(ticket.channel).toBe('chat');
    expect(ticket.account).toBe('Contoso Ltd');
    expect(ticket.tags).toEqual(['desktop', 'sync']);
  });

  it('puts the description first, then the conversations of both pages: replies, the private note, customer messages', async () => {
    serveTicket();
    const { messages } = await client.fetchTicket('20');

    expect(messages.map((m) => m.id)).toEqual(['20-description', '43005000011', '43005000012', '43005000013', '43005000014']);
    expect(messages.map((m) => m.author)).toEqual(['requester', 'agent', 'requester', 'agent', 'requester']);
    expect(messages.map((m) => m.public)).toEqual([true, true, true, false, true]);
    expect(messages[0]).toMatchObject({
      text: 'Since updating to 4.12 the desktop app no longer syncs.\nIt says Sync paused and nothing happens.',
      authorName: 'Lee Ortiz',
      at: '2026-12-01T08:30:00.000Z',
    });
    expect(messages[1]!.text).toBe('Hi Lee,\n\nWhich operating system is the app running on?');
    const fromCustomer = messages.filter((m) => m.author === 'requester' && m.public);
    expect(fromCustomer.length).toBeGreaterThanOrEqual(REPEAT_CONTACT_MESSAGES);
  });

  it('lists the ticket and conversation attachments with metadata only when they live on another host (S3)', async () => {
    serveTicket();
    const { attachments } = await client.fetchTicket('20');

    expect(attachments).toEqual([
      { id: '43009000101', name: 'sync.log', contentType: 'text/plain', size: 2048 },
      { id: '43009000102', name: 'sync-paused.png', contentType: 'image/png', size: 80211 },
    ]);
    expect(elsewhere.requests).toEqual([]);
  });

  it('stops reading conversation pages at its bound when every page links to another', async () => {
    helpdesk.serve(fixture('ticket-show'));
    helpdesk.serve(fixture('conversations-page-1'), { request: { method: 'GET', path: CONVERSATIONS_PATH } });
    const ticket = await client.fetchTicket('20');

    expect(helpdesk.requests.filter((r) => r.path === CONVERSATIONS_PATH)).toHaveLength(MAX_MESSAGE_PAGES);
    expect(ticket.messages).toHaveLength(1 + MAX_MESSAGE_PAGES * 3);
  });
});

describe('Freshdesk: reading the JSON', () => {
  it('maps sources 1, 3, 7 and 10 to email, phone, chat and email; the portal and others to none', () => {
    expect([1, 2, 3, 7, 9, 10, null].map(freshdeskChannel)).toEqual(['email', undefined, 'phone', 'chat', undefined, 'email', undefined]);
  });

  it('reads the next page from a Link header', () => {
    expect(nextLink('<https://x.freshdesk.com/api/v2/tickets/1/conversations?page=2>; rel="next"')).toBe('https://x.freshdesk.com/api/v2/tickets/1/conversations?page=2');
    expect(nextLink('<https://x.freshdesk.com/a?page=1>; rel="prev", <https://x.freshdesk.com/a?page=3>; rel="next"')).toBe('https://x.freshdesk.com/a?page=3');
    expect(nextLink('<https://x.freshdesk.com/a?page=1>; rel="prev"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });

  it('turns an HTML body into plain text when there is no body_text', () => {
    const ticket = mapFreshdeskTicket({
      baseUrl: 'https://x.freshdesk.com',
      ticket: { id: 7, subject: 's', description: '<div>Hello<br>there &amp; <b>welcome</b></div>', requester_id: 1, status: 5 },
      conversations: [{ id: 8, body: '<p>First</p><p>Second <a href="https://x.example/help">help</a></p>', user_id: 2 }],
      attachmentTexts: new Map(),
    });

    expect(ticket.status).toBe('closed');
    expect(ticket.messages.map((m) => m.text)).toEqual(['Hello\nthere & welcome', 'First\n\nSecond help [https://x.example/help]']);
  });

  it('credits the description to the agent on an outbound email ticket, to the requester otherwise', () => {
    const author = (source: number) =>
      mapFreshdeskTicket({ baseUrl: 'https://x.freshdesk.com', ticket: { id: 7, source, description_text: 'Hi', requester_id: 1 }, conversations: [], attachmentTexts: new Map() })
        .messages[0]!.author;

    expect([author(10), author(1), author(7)]).toEqual(['agent', 'requester', 'requester']);
  });
});

describe('Freshdesk: posting', () => {
  it('sends a reply as HTML to /reply and returns the conversation id and time', async () => {
    const documented = fixture('reply-response');
    helpdesk.serve(documented);
    const receipt = await client.post('20', { kind: 'reply', body: 'Hi Lee,\n\nPlease sign out and back in.' });

    expect(receipt).toEqual({ id: '43005000021', at: '2026-12-05T08:20:11.000Z' });
    const [request] = helpdesk.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/api/v2/tickets/20/reply' });
    expect(request!.headers.authorization).toBe(BASIC);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.json).toEqual(documented.request!.body);
  });

  it('sends an internal note to /notes as private', async () => {
    const documented = fixture('note-response');
    helpdesk.serve(documented);
    const receipt = await client.post('20', { kind: 'note', body: 'Triage: known issue, workaround sent.' });

    expect(receipt).toEqual({ id: '43005000022', at: '2026-12-05T08:20:40.000Z' });
    expect(helpdesk.requests[0]).toMatchObject({ method: 'POST', path: '/api/v2/tickets/20/notes' });
    expect(helpdesk.requests[0]!.json).toEqual(documented.request!.body);
  });

  it('escapes text that looks like HTML', async () => {
    helpdesk.serve(fixture('note-response'));
    await client.post('20', { kind: 'note', body: 'Ran <script>alert(1)</script> & "quoted"' });

    expect(helpdesk.requests[0]!.json).toEqual({ body: '<div>Ran &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;</div>', private: true });
  });
});

describe('Freshdesk: updating status and tags', () => {
  it('reads the current tags, then sends the status number and the whole tag list', async () => {
    serveTicketAnyQuery();
    const documented = fixture('update-response');
    helpdesk.serve(documented);
    // The receipt names the status as Freshdesk does (4 is Resolved there).
    expect(await client.update('20', { status: 'solved', addTags: ['triage-resolved'] })).toEqual({ status: 'resolved' });

    expect(helpdesk.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${TICKET_PATH}`, `PUT ${TICKET_PATH}`]);
    expect(helpdesk.requests[1]!.json).toEqual(documented.request!.body);
  });

  it('maps pending and open to 3 and 2 without reading the ticket when no tag is added', async () => {
    helpdesk.serve(fixture('update-response'));
    await client.update('20', { status: 'pending' });
    await client.update('20', { status: 'open' });

    expect(helpdesk.requests.map((r) => r.json)).toEqual([{ status: 3 }, { status: 2 }]);
  });

  it('sends no update when the tags are there already and no status is asked for', async () => {
    serveTicketAnyQuery();
    await client.update('20', { addTags: ['sync'] });

    expect(helpdesk.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('refuses a status Freshdesk does not have, before sending anything', async () => {
    const error = await failure(client.update('20', { status: 'hold', addTags: ['triage-bug'] }));

    expect(error.code).toBe('helpdesk/bad-status');
    expect(helpdesk.requests).toEqual([]);
  });
});

describe('Freshdesk: errors', () => {
  it('a 401 names the API key setting and never shows the key', async () => {
    helpdesk.serve(fixture('error-401'), { request: { method: 'GET', path: TICKET_PATH } });
    const error = await failure(client.fetchTicket('20'));

    expect(error.code).toBe('helpdesk/unauthorized');
    expect(error.hint).toContain('helpdesk.freshdesk.token');
    expect(error.hint).toContain('TRIAGE_FRESHDESK_TOKEN');
    expectNoSecret(error);
  });

  it('a 403 says access was refused', async () => {
    helpdesk.serve(fixture('error-403'), { request: { method: 'POST', path: '/api/v2/tickets/20/notes' } });
    const error = await failure(client.post('20', { kind: 'note', body: 'x' }));

    expect(error.code).toBe('helpdesk/forbidden');
    expectNoSecret(error);
  });

  it('a 404 says which ticket was not found', async () => {
    helpdesk.serve(fixture('error-404'), { request: { method: 'GET', path: TICKET_PATH } });
    const error = await failure(client.fetchTicket('20'));

    expect(error.code).toBe('helpdesk/not-found');
    expect(error.message).toMatch(/freshdesk:20 was not found/);
  });

  it('a 400 reports the field Freshdesk rejected', async () => {
    helpdesk.serve(fixture('error-400'), { request: { method: 'PUT', path: TICKET_PATH } });
    const error = await failure(client.update('20', { status: 'closed' }));

    expect(error.code).toBe('helpdesk/rejected');
    expect(error.message).toContain("status: It should be one of these values: '2,3,4,5'");
  });

  it('a 429 with Retry-After is waited out and retried, then the ticket arrives', async () => {
    serveTicket();
    helpdesk.serve(fixture('error-429'), { request: { method: 'GET', path: TICKET_PATH }, times: 1 });
    const started = Date.now();
    const ticket = await client.fetchTicket('20');

    expect(ticket.account).toBe('Contoso Ltd');
    expect(helpdesk.requests.filter((r) => r.path === TICKET_PATH)).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('a reply refused with 429 is sent again after the wait (Freshdesk did not take it)', async () => {
    helpdesk.serve(fixture('reply-response'));
    helpdesk.serve(fixture('error-429'), { request: { method: 'POST', path: '/api/v2/tickets/20/reply' }, times: 1 });
    const receipt = await client.post('20', { kind: 'reply', body: 'Hello' });

    expect(receipt.id).toBe('43005000021');
    expect(helpdesk.requests).toHaveLength(2);
  });
});

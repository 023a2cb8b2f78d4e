/**
 * The Zendesk client against a real HTTP server on 127.0.0.1 that answers with the examples of
 * Zendesk's API reference (test/fixtures/helpdesk/zendesk): what it sends (method, path, body,
 * API-token basic auth), how a ticket maps, comment pages, attachments, posts, updates, errors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT, TriageError } from '../../src/core/errors.js';
import { REPEAT_CONTACT_MESSAGES, type HelpdeskClient } from '../../src/core/helpdesk.js';
import { MAX_MESSAGE_PAGES } from '../../src/io/helpdesk/ticket-parts.js';
import { createHelpdeskClient } from '../../src/io/helpdesk/index.js';
import { zendeskChannel, zendeskNextPage } from '../../src/io/helpdesk/zendesk.js';
import { loadFixture, startFixtureServer, type Fixture, type FixtureServer } from '../helpers/helpdesk-fixtures.js';

const EMAIL = 'sam.porter@example.com';
const TOKEN = 'zd-Tok3n-6f1b2c9a8e7d';
const BASIC = `Basic ${Buffer.from(`${EMAIL}/token:${TOKEN}`).toString('base64')}`;
const TICKET_PATH = '/api/v2/tickets/35436.json';

const fixture = (name: string): Fixture => loadFixture('zendesk', name);

let helpdesk: FixtureServer;
let elsewhere: FixtureServer;
let client: HelpdeskClient;

beforeEach(async () => {
  helpdesk = await startFixtureServer();
  elsewhere = await startFixtureServer();
  helpdesk.define('elsewhere', elsewhere.baseUrl);
  client = createHelpdeskClient('zendesk', { url: helpdesk.baseUrl, email: EMAIL, token: TOKEN, timeoutMs: 5000, backoffMs: 10 });
});

afterEach(async () => {
  await Promise.all([helpdesk.close(), elsewhere.close()]);
});

function serveTicket(): void {
  helpdesk.serve(fixture('ticket-show'));
  helpdesk.serve(fixture('comments-page-1'));
  helpdesk.serve(fixture('comments-page-2'));
  helpdesk.serve(fixture('attachment-environment'));
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
  expect(shown).not.toContain(TOKEN);
  expect(shown).not.toContain(BASIC.slice('Basic '.length));
}

describe('Zendesk: fetching a ticket', () => {
  it('asks for the ticket with users and organizations sideloaded, then every comment page, with API-token basic auth', async () => {
    serveTicket();
    await client.fetchTicket('35436');

    const [show, page1, page2] = helpdesk.requests;
    expect(show).toMatchObject({ method: 'GET', path: TICKET_PATH, query: { include: 'users,organizations' } });
    expect(page1).toMatchObject({ method: 'GET', path: '/api/v2/tickets/35436/comments.json', query: { include: 'users', 'page[size]': '100' } });
    expect(page2!.query['page[after]']).toBe(fixture('comments-page-2').request!.query!['page[after]']);
    for (const request of helpdesk.requests) {
      expect(request.headers.authorization).toBe(BASIC);
    }
  });

  it('maps requester, channel, organization, status, tags and the web address', async () => {
    serveTicket();
    const ticket = await client.fetchTicket('35436');

    expect(ticket.ref).toEqual({ provider: 'zendesk', id: '35436' });
    expect(ticket.webUrl).toBe(`${helpdesk.baseUrl}/agent/tickets/35436`);
    expect(ticket.subject).toBe('Export to CSV gives an empty file');
    expect(ticket.status).toBe('open');
    expect(ticket.requester).toEqual({ name: 'Dana Whitfield', email: 'dana.whitfield@northwind.example' });
    expect(ticket.channel).toBe('email');
    expect(ticket.account).toBe('Northwind Traders');
    expect(ticket.tags).toEqual(['enterprise', 'export']);
  });

  it('keeps every comment from both pages, oldest first: requester messages, agent replies and internal notes', async () => {
    serveTicket();
    const { messages } = await client.fetchTicket('35436');

    expect(messages.map((m) => m.id)).toEqual(['1274', '1275', '1276', '1277', '1278']);
    expect(messages.map((m) => m.author)).toEqual(['requester', 'agent', 'agent', 'requester', 'requester']);
    expect(messages.map((m) => m.public)).toEqual([true, true, false, true, true]);
    expect(messages[1]).toMatchObject({ authorName: 'Sam Porter', authorEmail: 'sam.porter@example.com', at: '2026-11-30T10:01:02.000Z' });
    expect(messages[3]!.text).toBe('Chrome 131 on Windows 11. \nThe browser console log is attached.');
    const fromCustomer = messages.filter((m) => m.author === 'requester' && m.public);
    expect(fromCustomer.length).toBeGreaterThanOrEqual(REPEAT_CONTACT_MESSAGES);
  });

  it('downloads a small text attachment from its own host only; images, large files and other hosts keep their metadata', async () => {
    serveTicket();
    const { attachments } = await client.fetchTicket('35436');

    expect(attachments.map((a) => [a.name, a.contentType, a.size])).toEqual([
      ['environment.txt', 'text/plain', 94],
      ['empty-export.png', 'image/png', 48213],
      ['full-debug.log', 'text/plain', 250000],
      ['browser-console.log', 'text/plain', 1800],
    ]);
    expect(attachments[0]!.text).toBe(fixture('attachment-environment').response.body);
    expect(attachments.slice(1).map((a) => a.text)).toEqual([undefined, undefined, undefined]);
    expect(helpdesk.requests.filter((r) => r.path.startsWith('/attachments/')).map((r) => r.query.name)).toEqual(['environment.txt']);
    expect(elsewhere.requests).toEqual([]);
  });

  it('does not follow an attachment that redirects to another host, and still returns the ticket', async () => {
    serveTicket();
    helpdesk.serve(fixture('attachment-redirect'));
    const ticket = await client.fetchTicket('35436');

    expect(ticket.attachments[0]).toMatchObject({ name: 'environment.txt', size: 94 });
    expect(ticket.attachments[0]!.text).toBeUndefined();
    expect(elsewhere.requests).toEqual([]);
  });

  it('stops reading comment pages at its bound when the helpdesk always says there are more', async () => {
    const endless = fixture('comments-page-1');
    helpdesk.serve(fixture('ticket-show'));
    helpdesk.serve(endless, { request: { method: 'GET', path: '/api/v2/tickets/35436/comments.json' } });
    const ticket = await client.fetchTicket('35436');

    const pages = helpdesk.requests.filter((r) => r.path.endsWith('/comments.json'));
    expect(pages).toHaveLength(MAX_MESSAGE_PAGES);
    expect(ticket.messages).toHaveLength(MAX_MESSAGE_PAGES * 3);
  });

  it('refuses a next-page link on another host instead of sending the credentials there', async () => {
    const page1 = fixture('comments-page-1') as { request: object; response: { body: { links: { next: string } } } };
    page1.response.body.links.next = '{{elsewhere}}/api/v2/tickets/35436/comments.json?page%5Bafter%5D=x';
    helpdesk.serve(fixture('ticket-show'));
    helpdesk.serve(page1 as unknown as Fixture);

    const error = await failure(client.fetchTicket('35436'));
    expect(error.code).toBe('helpdesk/foreign-link');
    expect(error.hint).toContain('helpdesk.zendesk.url');
    expect(elsewhere.requests).toEqual([]);
  });
});

describe('Zendesk: reading the JSON', () => {
  it('maps via channels to email, chat and phone, and others to none', () => {
    expect(['email', 'chat', 'native_messaging', 'messaging', 'voice', 'web', 'api', undefined].map(zendeskChannel)).toEqual([
      'email',
      'chat',
      'chat',
      'chat',
      'phone',
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('finds the next page in cursor and in offset pagination', () => {
    expect(zendeskNextPage({ meta: { has_more: true }, links: { next: 'https://x.zendesk.com/next' } })).toBe('https://x.zendesk.com/next');
    expect(zendeskNextPage({ meta: { has_more: false }, links: { next: 'https://x.zendesk.com/next' } })).toBeUndefined();
    expect(zendeskNextPage({ next_page: 'https://x.zendesk.com/api/v2/tickets/1/comments.json?page=2' })).toBe('https://x.zendesk.com/api/v2/tickets/1/comments.json?page=2');
    expect(zendeskNextPage({ next_page: null })).toBeUndefined();
  });
});

describe('Zendesk: posting', () => {
  it('adds a public reply through a ticket update and returns the Comment event of the audit as the receipt', async () => {
    const documented = fixture('update-ticket-comment');
    helpdesk.serve(documented);
    const receipt = await client.post('35436', { kind: 'reply', body: 'Hi Dana,\n\nThanks for your patience.' });

    expect(receipt).toEqual({ id: '2127301163', at: '2026-12-05T08:15:02.000Z' });
    const [request] = helpdesk.requests;
    expect(request).toMatchObject({ method: 'PUT', path: TICKET_PATH });
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers.authorization).toBe(BASIC);
    expect(request!.json).toEqual(documented.request!.body);
  });

  it('adds an internal note as a private comment', async () => {
    helpdesk.serve(fixture('update-ticket-comment'));
    await client.post('35436', { kind: 'note', body: 'Triage: known CSV regression.' });

    expect(helpdesk.requests[0]!.json).toEqual({ ticket: { comment: { body: 'Triage: known CSV regression.', public: false } } });
  });

  it('says the comment may be there when the answer names none, instead of inviting a second post', async () => {
    helpdesk.serve({ request: { method: 'PUT', path: TICKET_PATH }, response: { status: 200, body: { ticket: { id: 35436 } } } });
    const error = await failure(client.post('35436', { kind: 'reply', body: 'Hello' }));

    expect(error.code).toBe('helpdesk/no-receipt');
    expect(error.hint).toContain(`${helpdesk.baseUrl}/agent/tickets/35436`);
  });

  it('does not send a comment again after a 502: Zendesk may have added it', async () => {
    helpdesk.serve({ response: { status: 502, body: '<html><body>Bad Gateway</body></html>' } }, { request: { method: 'PUT', path: TICKET_PATH } });
    const error = await failure(client.post('35436', { kind: 'reply', body: 'Hello' }));

    expect(error.code).toBe('helpdesk/server-error');
    expect(helpdesk.requests).toHaveLength(1);
  });

  it('sends a comment again after a 429 with Retry-After: Zendesk did not take it', async () => {
    helpdesk.serve(fixture('update-ticket-comment'));
    helpdesk.serve(fixture('error-429'), { request: { method: 'PUT', path: TICKET_PATH }, times: 1 });
    const receipt = await client.post('35436', { kind: 'reply', body: 'Hello' });

    expect(receipt.id).toBe('2127301163');
    expect(helpdesk.requests).toHaveLength(2);
  });

  it('reports the validation message of a 422 (a closed ticket)', async () => {
    helpdesk.serve(fixture('error-422'), { request: { method: 'PUT', path: TICKET_PATH } });
    const error = await failure(client.post('35436', { kind: 'reply', body: 'Hello' }));

    expect(error.code).toBe('helpdesk/rejected');
    expect(error.message).toContain('Status: closed prevents ticket update');
  });
});

describe('Zendesk: updating status and tags', () => {
  it('adds the tags through Add Tags, which keeps the others, then sets the status with a ticket update', async () => {
    const tags = fixture('tags-add');
    const status = fixture('update-ticket-status');
    helpdesk.serve(tags);
    helpdesk.serve(status);
    expect(await client.update('35436', { status: 'solved', addTags: ['triage-resolved'] })).toEqual({ status: 'solved' });

    expect(helpdesk.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /api/v2/tickets/35436/tags.json', `PUT ${TICKET_PATH}`]);
    expect(helpdesk.requests.map((r) => r.json)).toEqual([tags.request!.body, status.request!.body]);
    expect(helpdesk.requests.every((r) => r.headers.authorization === BASIC)).toBe(true);
  });

  it('sends only the status, or only the tags, when only one is asked for', async () => {
    helpdesk.serve(fixture('tags-add'));
    helpdesk.serve(fixture('update-ticket-status'));
    await client.update('35436', { status: 'pending' });
    await client.update('35436', { addTags: ['triage-bug', 'triage-bug'] });

    expect(helpdesk.requests.map((r) => r.json)).toEqual([{ ticket: { status: 'pending' } }, { tags: ['triage-bug'] }]);
  });

  it('sends nothing when there is nothing to change', async () => {
    await client.update('35436', { addTags: [] });
    expect(helpdesk.requests).toEqual([]);
  });

  it('refuses a status Zendesk does not have, before sending anything', async () => {
    const error = await failure(client.update('35436', { status: 'resolved' }));

    expect(error.code).toBe('helpdesk/bad-status');
    expect(error.hint).toContain('solved');
    expect(helpdesk.requests).toEqual([]);
  });
});

describe('Zendesk: errors', () => {
  it('without the agent e-mail, names its setting before any request', () => {
    let error: unknown;
    try {
      createHelpdeskClient('zendesk', { url: helpdesk.baseUrl, token: TOKEN, timeoutMs: 5000 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TriageError);
    expect((error as TriageError).exitCode).toBe(EXIT.usage);
    expect((error as TriageError).hint).toContain('helpdesk.zendesk.email (TRIAGE_ZENDESK_EMAIL)');
    expect(helpdesk.requests).toEqual([]);
  });

  it('refuses a ticket id that is not a number, before any request', async () => {
    const error = await failure(client.fetchTicket('../users/1'));
    expect(error.code).toBe('ticket/bad-reference');
    expect(helpdesk.requests).toEqual([]);
  });

  it('a 401 names the email and token settings and never shows the token', async () => {
    helpdesk.serve(fixture('error-401'), { request: { method: 'GET', path: TICKET_PATH } });
    const error = await failure(client.fetchTicket('35436'));

    expect(error.code).toBe('helpdesk/unauthorized');
    expect(error.hint).toContain('helpdesk.zendesk.token');
    expect(error.hint).toContain('TRIAGE_ZENDESK_TOKEN');
    expect(error.hint).toContain('helpdesk.zendesk.email');
    expectNoSecret(error);
  });

  it('a 403 says access was refused', async () => {
    helpdesk.serve(fixture('error-403'), { request: { method: 'GET', path: TICKET_PATH } });
    const error = await failure(client.fetchTicket('35436'));

    expect(error.code).toBe('helpdesk/forbidden');
    expectNoSecret(error);
  });

  it('a 404 says which ticket was not found', async () => {
    helpdesk.serve(fixture('error-404'), { request: { method: 'GET', path: TICKET_PATH } });
    const error = await failure(client.fetchTicket('35436'));

    expect(error.code).toBe('helpdesk/not-found');
    expect(error.message).toMatch(/zendesk:35436 was not found/);
    expectNoSecret(error);
  });

  it('a 429 with Retry-After is waited out and retried, then the ticket arrives', async () => {
    serveTicket();
    helpdesk.serve(fixture('error-429'), { request: { method: 'GET', path: TICKET_PATH }, times: 1 });
    const started = Date.now();
    const ticket = await client.fetchTicket('35436');

    expect(ticket.subject).toBe('Export to CSV gives an empty file');
    const shows = helpdesk.requests.filter((r) => r.path === TICKET_PATH);
    expect(shows).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

/**
 * The Request Tracker client against a real RT 5 on a loopback port: tickets the customer wrote by
 * mail, replies and notes landing as Correspond and Comment, status changes, and the failures an
 * agent meets (wrong password, missing ticket, server down).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TriageError } from '../../src/core/errors.js';
import type { HelpdeskClient } from '../../src/core/helpdesk.js';
import { createHelpdeskClient } from '../../src/io/helpdesk/index.js';
import { RT_ROOT, startRtServer, type RtServer } from '../helpers/rt-server.js';

const ADA = { email: 'ada@example.com', name: 'Ada Lovelace' };
const ENV_TXT = 'os=linux\nversion=1.2.3\n';

let rt: RtServer;
let client: HelpdeskClient;
let ticketId: string;

function rtClient(overrides: { token?: string; user?: string; url?: string } = {}): HelpdeskClient {
  return createHelpdeskClient('rt', { url: rt.url, user: RT_ROOT.user, token: RT_ROOT.password, timeoutMs: 5000, retries: 1, backoffMs: 50, ...overrides });
}

async function failure(promise: Promise<unknown>): Promise<TriageError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(TriageError);
  return error as TriageError;
}

beforeAll(async () => {
  rt = await startRtServer();
  client = rtClient();
  ticketId = await rt.createTicketAsCustomer(ADA, 'Export fails with error 42', 'Hello, the export fails every time.', { attachments: [{ filename: 'env.txt', text: ENV_TXT }] });
  await rt.addCustomerMessage(ticketId, ADA, 'Still failing after a restart.');
  await rt.addCustomerMessage(ticketId, ADA, 'Any news? It blocks our month end.');
}, 60_000);

afterAll(async () => {
  await rt?.stop();
});

describe('Request Tracker client', () => {
  it("reads the ticket: requester, subject, the customer's messages and the text attachment", async () => {
    const ticket = await client.fetchTicket(ticketId);
    expect(ticket.ref).toEqual({ provider: 'rt', id: ticketId });
    expect(ticket.subject).toBe('Export fails with error 42');
    expect(ticket.requester).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(ticket.webUrl).toBe(`${rt.url}/Ticket/Display.html?id=${ticketId}`);
    expect(ticket.channel).toBeUndefined();
    const fromCustomer = ticket.messages.filter((m) => m.author === 'requester');
    expect(fromCustomer.map((m) => m.text)).toEqual(['Hello, the export fails every time.', 'Still failing after a restart.', 'Any news? It blocks our month end.']);
    expect(fromCustomer.every((m) => m.public && m.authorEmail === 'ada@example.com' && /^\d{4}-\d\d-\d\dT/.test(m.at))).toBe(true);
    expect(ticket.attachments).toEqual([expect.objectContaining({ name: 'env.txt', contentType: 'text/plain', text: ENV_TXT })]);
  });

  it('posts a reply as a Correspond and a note as a Comment, with the transaction as receipt', async () => {
    const reply = await client.post(ticketId, { kind: 'reply', body: 'Please update to 1.2.4; it fixes the export.' });
    const note = await client.post(ticketId, { kind: 'note', body: 'Known bug BUG-7, fixed in 1.2.4.' });
    const history = await rt.history(ticketId);
    expect(history.find((t) => t.id === reply.id)).toMatchObject({ type: 'Correspond', creator: 'root', content: 'Please update to 1.2.4; it fixes the export.' });
    expect(history.find((t) => t.id === note.id)).toMatchObject({ type: 'Comment', creator: 'root', content: 'Known bug BUG-7, fixed in 1.2.4.' });
    expect(Date.parse(reply.at)).toBeGreaterThan(Date.now() - 60_000);

    const ticket = await client.fetchTicket(ticketId);
    expect(ticket.messages.filter((m) => m.author === 'requester')).toHaveLength(3);
    expect(ticket.messages.find((m) => m.id === reply.id)).toMatchObject({ author: 'agent', public: true });
    expect(ticket.messages.find((m) => m.id === note.id)).toMatchObject({ author: 'agent', public: false });
  });

  it("sets the status in RT's terms and refuses one RT does not know", async () => {
    expect(await client.update(ticketId, { status: 'pending', addTags: ['triage-workaround'] })).toEqual({ status: 'stalled' });
    expect((await client.fetchTicket(ticketId)).status).toBe('stalled');
    await client.update(ticketId, { status: 'solved' });
    expect((await client.fetchTicket(ticketId)).status).toBe('resolved');
    const error = await failure(client.update(ticketId, { status: 'bogus' }));
    expect(error.code).toBe('helpdesk/rejected');
    expect(error.message).toContain("isn't a valid status");
  });

  it('records tags in a "Tags" custom field where the ticket has one, and ignores them where not', async () => {
    const tagged = await rt.createTicketAsCustomer(ADA, 'Login loop', 'I am sent back to the login page.', { queue: 'Tagged' });
    await client.update(tagged, { addTags: ['triage-bug'] });
    await client.update(tagged, { status: 'open', addTags: ['triage-bug', 'triage-escalated'] });
    const ticket = await client.fetchTicket(tagged);
    expect([...ticket.tags].sort()).toEqual(['triage-bug', 'triage-escalated']);
    expect(ticket.status).toBe('open');

    await client.update(ticketId, { addTags: ['triage-bug'] });
    expect((await client.fetchTicket(ticketId)).tags).toEqual([]);
  });

  it('reads an HTML-only message as text', async () => {
    const id = await rt.createTicketAsCustomer(ADA, 'Printing', '<p>The <b>print</b> button&nbsp;does nothing.</p><p>Tried twice.<br>Thanks</p>', { html: true });
    const [first] = (await client.fetchTicket(id)).messages;
    expect(first).toMatchObject({ author: 'requester', text: 'The print button does nothing.\n\nTried twice.\nThanks' });
  });

  it('accepts an RT auth token without a user', async () => {
    const ticket = await rtClient({ user: undefined, token: rt.rootToken }).fetchTicket(ticketId);
    expect(ticket.subject).toBe('Export fails with error 42');
  });

  it('reports a wrong password as unauthorized, without the password', async () => {
    const error = await failure(rtClient({ token: 'wrong-secret-pw' }).fetchTicket(ticketId));
    expect(error.code).toBe('helpdesk/unauthorized');
    expect(error.hint).toContain('TRIAGE_RT_TOKEN');
    expect(`${error.message} ${error.hint}`).not.toContain('wrong-secret-pw');
  });

  it('reports a ticket that does not exist, for reading and for posting', async () => {
    const read = await failure(client.fetchTicket('999999'));
    expect(read.code).toBe('helpdesk/not-found');
    expect(read.message).toContain('ticket rt:999999 was not found');
    const posted = await failure(client.post('999999', { kind: 'reply', body: 'hello' }));
    expect(posted.code).toBe('helpdesk/not-found');
  });

  it('refuses an address with the password in it before any request (exit 2)', () => {
    let error: unknown;
    try {
      createHelpdeskClient('rt', { url: `http://root:${RT_ROOT.password}@127.0.0.1:${rt.port}`, token: RT_ROOT.password, timeoutMs: 1000 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TriageError);
    expect(error).toMatchObject({ code: 'helpdesk/bad-url', exitCode: 2 });
    expect((error as TriageError).hint).toContain('TRIAGE_RT_TOKEN');
  });

  it('reports a stopped server as unreachable', async () => {
    const url = rt.url;
    await rt.stop();
    const error = await failure(rtClient({ url }).fetchTicket(ticketId));
    expect(error.code).toBe('helpdesk/unreachable');
    expect(error.message).toContain(`127.0.0.1:${rt.port}`);
  });
});

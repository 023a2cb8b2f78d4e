/**
 * Posting a recorded case to a real Request Tracker 5 on a loopback port: the reply lands as
 * correspondence and the report as a comment, each once; an interrupted post (recorded `pending`)
 * is found on the ticket instead of sent again; a failed post keeps the case and says how to retry.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTicketIntake, postCaseToTicket, ticketPosts } from '../../src/app/helpdesk.js';
import type { CaseRecord } from '../../src/core/case-record.js';
import { TriageError } from '../../src/core/errors.js';
import type { HelpdeskClient, TicketRef } from '../../src/core/helpdesk.js';
import { withPost } from '../../src/core/ticket-posts.js';
import { openCaseStore, type CaseStore } from '../../src/io/case-store.js';
import { createHelpdeskClient } from '../../src/io/helpdesk/index.js';
import { isolatedEnv, makeHome, triage } from '../helpers/cli.js';
import { ACCOUNT_LOCKED_ANSWERS } from '../helpers/account-locked-answers.js';
import { RT_ROOT, startRtServer, type RtServer } from '../helpers/rt-server.js';

const ADA = { email: 'ada@example.com', name: 'Ada Lovelace' };

let rt: RtServer;
let client: HelpdeskClient;
let store: CaseStore;
let home: string;

function rtClient(token: string = RT_ROOT.password): HelpdeskClient {
  return createHelpdeskClient('rt', { url: rt.url, user: RT_ROOT.user, token, timeoutMs: 5000, retries: 0, backoffMs: 50 });
}

/** A case finished by the real CLI (account-locked, workaround: it has a reply and a report). */
async function finishedCase(id: string): Promise<CaseRecord> {
  const answers = join(home, 'answers.yaml');
  writeFileSync(answers, ACCOUNT_LOCKED_ANSWERS);
  const run = triage(['run', 'account-locked', '--no-input', '--answers', answers, '--customer', 'Ada Lovelace', '--account', 'acct-4100', '--case-id', id], { home });
  expect(run.stderr).not.toMatch(/triage: /);
  expect(run.code).toBe(0);
  const record = await store.getCase(id);
  expect(record?.status).toBe('done');
  return record!;
}

let customers = 0;

/** A ticket from a new customer (RT creates each requester's user once). */
async function newTicket(subject: string): Promise<TicketRef & { customer: typeof ADA }> {
  customers += 1;
  const customer = customers === 1 ? ADA : { email: `customer${customers}@example.com`, name: `Customer ${customers}` };
  return { provider: 'rt', id: await rt.createTicketAsCustomer(customer, subject, 'I am locked out of my account.'), customer };
}

const deps = (c: HelpdeskClient = client) => ({ client: c, store, now: () => new Date() });

beforeAll(async () => {
  home = makeHome();
  mkdirSync(join(home, '.local', 'share'), { recursive: true });
  rt = await startRtServer();
  client = rtClient();
  store = await openCaseStore({ env: isolatedEnv(home) });
}, 90_000);

afterAll(async () => {
  await store?.close();
  await rt?.stop();
});

describe('helpdesk posts', () => {
  it("reads a ticket as the intake: the requester and the customer's first message", async () => {
    const ticket = await newTicket('Locked out');
    const ref: TicketRef = { provider: 'rt', id: ticket.id };
    await rt.addCustomerMessage(ref.id, ADA, 'Still locked.');
    const { intake, caseTicket } = await fetchTicketIntake(client, ref);
    expect(intake).toMatchObject({ customer: 'Ada Lovelace', email: 'ada@example.com', account: 'ada@example.com', description: 'I am locked out of my account.', requesterMessages: 2, repeatContact: false });
    expect(intake.laterMessages.map((m) => m.text)).toEqual(['Still locked.']);
    expect(caseTicket).toEqual({ provider: 'rt', id: ref.id, webUrl: `${rt.url}/Ticket/Display.html?id=${ref.id}` });
  });

  it('posts the reply as correspondence and the report as a comment, records both, and never posts them twice', async () => {
    const ref = await newTicket('Locked out again');
    const record = await finishedCase('TRI-APP-0001');
    const first = await postCaseToTicket({ record, ref, kinds: ['reply', 'note'], setStatus: true }, deps());
    expect(first.results.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(first.status).toBe('stalled');

    const history = await rt.history(ref.id);
    const [reply, note] = first.results.map((r) => history.find((t) => t.id === r.remoteId));
    const bodies = ticketPosts(record, ['reply', 'note']);
    expect(reply).toMatchObject({ type: 'Correspond', content: bodies[0]!.body.trimEnd() });
    expect(note?.type).toBe('Comment');
    expect(note?.content).toContain('TRI-APP-0001');
    // The note is redacted as printed output is: the account id becomes a token.
    expect(note?.content).toContain('[ACCOUNT-1]');
    expect(note?.content).not.toContain('acct-4100');
    // The replay line in the note still runs: the token is a quoted word, not a shell glob.
    expect(note?.content).toContain("--account '[ACCOUNT-1]'");
    expect((await client.fetchTicket(ref.id)).status).toBe('stalled');

    const stored = await store.getCase('TRI-APP-0001');
    expect(stored?.ticket).toEqual({ provider: 'rt', id: ref.id });
    expect(stored?.posts?.map((p) => [p.kind, p.status, p.remoteId])).toEqual([
      ['reply', 'sent', reply!.id],
      ['note', 'sent', note!.id],
    ]);

    const again = await postCaseToTicket({ record: stored!, ref, kinds: ['reply', 'note'] }, deps());
    expect(again.results.map((r) => r.status)).toEqual(['already-sent', 'already-sent']);
    expect(await rt.history(ref.id)).toHaveLength(history.length);
  }, 60_000);

  it('finds a post that was sent before the run stopped, and sends one that was not', async () => {
    const ref = await newTicket('Locked out, interrupted');
    const record = await finishedCase('TRI-APP-0002');
    const [replyPost] = ticketPosts(record, ['reply']);
    // The reply went out, then the process died before recording `sent`.
    const sentBefore = await client.post(ref.id, replyPost!);
    const at = new Date().toISOString();
    const withTicket: CaseRecord = { ...record, ticket: { provider: 'rt', id: ref.id } };
    const pending = withPost(withPost(withTicket, { kind: 'reply', provider: 'rt', ticketId: ref.id, status: 'pending', at }), { kind: 'note', provider: 'rt', ticketId: ref.id, status: 'pending', at });
    await store.upsertCase(pending);

    const resumed = await postCaseToTicket({ record: pending, ref, kinds: ['reply', 'note'] }, deps());
    expect(resumed.results).toEqual([
      { kind: 'reply', status: 'found', remoteId: sentBefore.id },
      { kind: 'note', status: 'sent', remoteId: expect.any(String) },
    ]);
    const history = await rt.history(ref.id);
    expect(history.filter((t) => t.type === 'Correspond')).toHaveLength(1);
    expect(history.filter((t) => t.type === 'Comment')).toHaveLength(1);
  }, 60_000);

  it('a failed post keeps the case, names the retry command, and the retry posts once', async () => {
    const ref = await newTicket('Locked out, wrong password');
    const record = await finishedCase('TRI-APP-0003');
    const error = await postCaseToTicket({ record, ref, kinds: ['reply'] }, deps(rtClient('wrong-password'))).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TriageError);
    expect((error as TriageError).message).not.toContain('wrong-password');
    expect((error as TriageError).hint).toContain('triage handoff TRI-APP-0003 --to rt');
    const kept = await store.getCase('TRI-APP-0003');
    expect(kept?.status).toBe('done');
    expect(kept?.posts).toEqual([expect.objectContaining({ kind: 'reply', status: 'pending' })]);

    const retried = await postCaseToTicket({ record: kept!, ref, kinds: ['reply'] }, deps());
    expect(retried.results.map((r) => r.status)).toEqual(['sent']);
    expect((await rt.history(ref.id)).filter((t) => t.type === 'Correspond')).toHaveLength(1);
  }, 60_000);
});

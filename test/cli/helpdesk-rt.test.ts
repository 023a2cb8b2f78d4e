/**
 * `triage run --ticket rt:N` and `triage handoff <case> --to rt` end to end, the built CLI against
 * a real Request Tracker 5 on a loopback port: the ticket becomes the intake, the reply lands as
 * correspondence and the report as a comment (read back through RT's REST API), nothing is posted
 * twice, and every failure (bad credentials, a missing ticket, RT stopped) is a clear message that
 * keeps the case and names the command to retry.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, triage, type CliResult } from '../helpers/cli.js';
import { ACCOUNT_LOCKED_ANSWERS } from '../helpers/account-locked-answers.js';
import { RT_ROOT, startRtServer, type RtServer } from '../helpers/rt-server.js';

const ADA = { email: 'ada@example.com', name: 'Ada Lovelace' };
const GRACE = { email: 'grace@example.com', name: 'Grace Hopper' };

let rt: RtServer;
let home: string;
let answers: string;
/** Ada's ticket: three messages from her, so a repeat contact. */
let adaTicket: string;

function rtEnv(token: string = RT_ROOT.password): Record<string, string> {
  return { TRIAGE_RT_URL: rt.url, TRIAGE_RT_USER: RT_ROOT.user, TRIAGE_RT_TOKEN: token, TRIAGE_HELPDESK_TIMEOUT: '5' };
}

function run(args: readonly string[], token?: string): CliResult {
  return triage(args, { home, env: rtEnv(token) });
}

function caseIdOf(result: CliResult): string {
  const id = /TRI-\d{8}-[0-9A-F]{4}/.exec(result.stderr + result.stdout)?.[0];
  expect(id, result.stderr).toBeDefined();
  return id!;
}

/** GET below RT's /REST/2.0 as root, the parsed body. */
async function restAsRoot<T>(path: string): Promise<T> {
  const response = await fetch(`${rt.url}/REST/2.0${path}`, { headers: { Authorization: `Basic ${Buffer.from(`${RT_ROOT.user}:${RT_ROOT.password}`).toString('base64')}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** The ticket's transactions as `Type by creator` (customer mail on a ticket is Correspond too). */
async function types(ticketId: string): Promise<string[]> {
  return (await rt.history(ticketId)).map((t) => `${t.type} by ${t.creator}`);
}

beforeAll(async () => {
  home = makeHome();
  answers = join(home, 'answers.yaml');
  writeFileSync(answers, ACCOUNT_LOCKED_ANSWERS);
  rt = await startRtServer();
  adaTicket = await rt.createTicketAsCustomer(ADA, 'Cannot sign in', 'My account is locked, I cannot sign in.', {
    attachments: [{ filename: 'environment.txt', text: 'OS: macOS 14.5\nBrowser: Firefox 128\n' }],
  });
  await rt.addCustomerMessage(adaTicket, ADA, 'Any news?');
  await rt.addCustomerMessage(adaTicket, ADA, 'Hello? Still locked out.');
}, 90_000);

afterAll(async () => {
  await rt?.stop();
});

describe('triage run --ticket rt:N against Request Tracker', () => {
  it("takes the intake from the ticket, posts the reply as correspondence and the report as a comment, and never twice", async () => {
    const result = run(['run', 'account-locked', '--ticket', `rt:${adaTicket}`, '--no-input', '--answers', answers, '--format', 'json', '--post']);
    expect(result.stderr).not.toMatch(/^triage: /m);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { case: { id: string }; customer: { name: string; signals: string[] }; description: string; environment: Record<string, string>; reply: string };
    // Nothing fetched was asked again: name, description and the repeat contact come from the ticket.
    expect(report.customer.name).toBe('Ada Lovelace');
    expect(report.description).toBe('My account is locked, I cannot sign in.');
    expect(report.customer.signals).toContain('repeat-contact');
    expect(report.environment).toMatchObject({ os: 'macOS 14.5', browser: 'Firefox 128' });
    expect(result.stderr).toContain(`Ticket rt:${adaTicket}: Cannot sign in (3 customer messages, repeat contact)`);
    expect(result.stderr).toMatch(/Posted the reply to rt:\d+ \(message \d+\)/);
    expect(result.stderr).toMatch(/Posted the internal note to rt:\d+/);

    const history = await rt.history(adaTicket);
    const correspond = history.filter((t) => t.type === 'Correspond' && t.creator === 'root');
    const comments = history.filter((t) => t.type === 'Comment');
    expect(correspond).toHaveLength(1);
    expect(correspond[0]!.content.trim()).toBe(report.reply.trim());
    expect(comments).toHaveLength(1);
    expect(comments[0]!.content).toContain(report.case.id);
    // The same ticket, read back through RT's own API: the reply is a correspondence on it.
    const transaction = await restAsRoot<{ Type: string; Object: { id: string } }>(`/transaction/${correspond[0]!.id}`);
    expect(transaction).toMatchObject({ Type: 'Correspond', Object: { id: adaTicket } });

    const before = await types(adaTicket);
    const again = run(['handoff', report.case.id, '--to', 'rt']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`The reply was already posted to rt:${adaTicket}`);
    expect(again.stderr).toContain('not posted again');
    expect(await types(adaTicket)).toEqual(before);

    const shown = run(['cases', 'show', report.case.id]);
    expect(shown.stdout).toContain(`rt:${adaTicket} ${rt.url}/Ticket/Display.html?id=${adaTicket}`);
    expect(shown.stdout).toMatch(/reply to rt:\d+: sent \(id \d+/);
    expect(shown.stdout).toMatch(/note to rt:\d+: sent \(id \d+/);
  }, 60_000);

  it('without --post a script posts nothing and says how to post later; a second customer message is no repeat contact', async () => {
    const ticket = await rt.createTicketAsCustomer(GRACE, 'Locked', 'My account is locked.');
    await rt.addCustomerMessage(ticket, GRACE, 'Any news?');
    const result = run(['run', 'account-locked', '--ticket', `rt:${ticket}`, '--no-input', '--answers', answers, '--format', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { case: { id: string }; customer: { name: string; signals: string[] } };
    expect(report.customer.name).toBe('Grace Hopper');
    expect(report.customer.signals).not.toContain('repeat-contact');
    expect(result.stderr).toContain(`Nothing was posted to rt:${ticket} (add --post to post); post case ${report.case.id} later with \`triage handoff ${report.case.id} --to rt\``);
    expect(await types(ticket)).not.toContain('Correspond by root');
    expect(await types(ticket)).not.toContain('Comment by root');

    // Bad credentials: a clear error, no password in it, the case kept, the retry named.
    const refused = run(['handoff', report.case.id, '--to', 'rt', '--post', 'note'], 'not-the-password');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/^triage: .*(401|credentials|password|token)/im);
    expect(refused.stderr).not.toContain('not-the-password');
    expect(refused.stderr).toContain(`triage handoff ${report.case.id} --to rt`);
    expect(run(['cases', 'show', report.case.id]).code).toBe(0);

    const retried = run(['handoff', report.case.id, '--to', 'rt', '--post', 'note', '--set-status']);
    expect(retried.code).toBe(0);
    expect(retried.stderr).toContain(`Posted the internal note to rt:${ticket}`);
    // RT's own word for pending, as the agent sees it in RT.
    expect(retried.stderr).toContain(`Set rt:${ticket} to stalled.`);
    const after = await types(ticket);
    expect(after.filter((t) => t === 'Comment by root')).toHaveLength(1);
    expect(after).not.toContain('Correspond by root');
  }, 60_000);

  it('the pipeline form without a playbook takes the strongest match for the ticket', async () => {
    const ticket = await rt.createTicketAsCustomer({ email: 'ken@example.com', name: 'Ken Thompson' }, 'Locked out', 'My account is locked after too many attempts.');
    const result = run(['run', '--ticket', `rt:${ticket}`, '--no-input', '--answers', answers, '--post', 'reply']);
    expect(result.stderr).not.toMatch(/^triage: /m);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Playbook: account-locked (the strongest match for the ticket)');
    const after = await types(ticket);
    expect(after.filter((t) => t === 'Correspond by root')).toHaveLength(1);
    expect(after).not.toContain('Comment by root');
  }, 60_000);

  it('a missing ticket is a clear error before any case starts', () => {
    const result = run(['run', 'account-locked', '--ticket', 'rt:987654', '--no-input', '--answers', answers]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^triage: .*rt:987654/m);
    expect(result.stderr).not.toContain('    at ');
  });

  it('--set-status without --post in a script is refused before anything runs, not ignored', async () => {
    const before = await types(adaTicket);
    const result = run(['run', 'account-locked', '--ticket', `rt:${adaTicket}`, '--no-input', '--answers', answers, '--set-status']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--set-status sets the ticket');
    expect(result.stderr).toContain('Add --post');
    expect(result.stdout).toBe('');
    expect(await types(adaTicket)).toEqual(before);
  });

  it('a bad ticket reference is a usage error (exit 2)', () => {
    const result = run(['run', 'account-locked', '--ticket', 'jira:12', '--no-input']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown helpdesk "jira"');
  });

  it('without a configured helpdesk the error names the setting, the variable and the command', () => {
    const result = triage(['run', 'account-locked', '--ticket', 'rt:1', '--no-input'], { home: makeHome() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('helpdesk.rt.url is not set (nor TRIAGE_RT_URL)');
    expect(result.stderr).toContain('triage config set helpdesk.rt.url');
  });

  it('with Request Tracker stopped, the case is recorded and the message says how to post it later', async () => {
    const ticket = await rt.createTicketAsCustomer({ email: 'linus@example.com', name: 'Linus' }, 'Locked', 'My account is locked.');
    const ran = run(['run', 'account-locked', '--ticket', `rt:${ticket}`, '--no-input', '--answers', answers]);
    expect(ran.code).toBe(0);
    const caseId = caseIdOf(ran);
    await rt.stop();
    const down = run(['handoff', caseId, '--to', 'rt']);
    expect(down.code).not.toBe(0);
    expect(down.stderr).toMatch(/^triage: /m);
    expect(down.stderr).toContain(`triage handoff ${caseId} --to rt`);
    expect(down.stderr).not.toContain('    at ');
    const kept = run(['cases', 'show', caseId]);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain(`rt:${ticket}`);
  }, 60_000);
});

/**
 * Bare `triage` at a terminal with Request Tracker configured (a real RT 5 on a loopback port): the
 * intake asks for the ticket (again when it cannot be fetched), shows it with the customer's later messages, asks none of what the
 * ticket says, and at the outcome shows the reply and the note and posts them once confirmed.
 * Also the hidden prompt of `triage config set helpdesk.rt.token`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, makeHome, triage } from '../helpers/cli.js';
import { ACCOUNT_LOCKED_ANSWERS } from '../helpers/account-locked-answers.js';
import { KEY, spawnTriage, type PtyRun } from '../helpers/pty.js';
import { RT_ROOT, startRtServer, type RtServer } from '../helpers/rt-server.js';

const ADA = { email: 'ada@example.com', name: 'Ada Lovelace' };

let rt: RtServer;
let run: PtyRun | undefined;

beforeAll(async () => {
  rt = await startRtServer();
}, 90_000);
afterEach(() => run?.kill());
afterAll(async () => {
  await rt?.stop();
});

describe('a ticket in the guided intake', () => {
  it('fetches the ticket, asks only what it does not say, shows the posts and posts them on confirmation', async () => {
    const ticket = await rt.createTicketAsCustomer(ADA, 'Cannot sign in', 'My account is locked, it says too many attempts.', {
      attachments: [{ filename: 'environment.txt', text: 'OS: Windows 11\nBrowser: Edge 125\n' }],
    });
    await rt.addCustomerMessage(ticket, ADA, 'Any news? I have a client call tomorrow morning.');
    await rt.addCustomerMessage(ticket, ADA, 'Still locked out.');
    const home = makeHome();
    const stdoutFile = join(home, 'result.txt');
    run = spawnTriage([], { home, stdoutFile, env: { TRIAGE_RT_URL: rt.url, TRIAGE_RT_USER: RT_ROOT.user, TRIAGE_RT_TOKEN: RT_ROOT.password } });

    // A ticket that does not exist is said, and the question comes again.
    // From the answer on (the error can arrive with the redrawn answer): the error, then the question.
    await run.answer('? Ticket (e.g. rt:123, Enter to skip)', 'rt:987654');
    await run.waitFor(/ticket rt:987654 was not found \(404\)[\s\S]*\? Ticket \(e\.g\. rt:123, Enter to skip\)/, { timeoutMs: 15_000 });
    await run.answer('? Ticket (e.g. rt:123, Enter to skip)', `rt:${ticket}`);
    const shown = await run.waitFor('Attach the environment from environment.txt (os, browser) to the case?');
    expect(shown).toContain(`Ticket rt:${ticket}: Cannot sign in`);
    expect(shown).toContain('From: Ada Lovelace <ada@example.com>');
    expect(shown).toContain('Customer messages: 3 (repeat contact)');
    expect(shown).toContain('Any news? I have a client call tomorrow morning.');
    expect(shown).toContain('Still locked out.');
    await run.choose('? Attach the environment from environment.txt', 'Yes');

    // RT keeps no channel; the name, account and description come from the ticket.
    await run.choose('? Channel', 'Email');
    await run.choose('? How does the customer sound?', 'Frustrated');
    // The list is drawn after its question, possibly in a later chunk: wait for its last entry.
    const signals = await run.waitFor(/What should the reply take into account\?[\s\S]*Business impact/);
    expect(signals).toMatch(/◉ Repeat contact — from the ticket/);
    expect(signals).toMatch(/◉ Deadline or urgency/);
    run.type('\r');
    await run.choose('? Best matching playbooks', 'Account locked or suspended (strong match)');
    await run.answer('? Exact message the customer sees', 'Too many sign-in attempts.');
    await run.choose('? What did the customer say?', 'Too many attempts, temporarily locked');
    await run.answer('? When they last tried', '5 minutes ago');
    await run.choose('? What did the customer say?', 'Within the last 30 minutes');

    const preview = await run.waitFor(`? Post the reply and the note to Request Tracker ticket rt:${ticket}?`);
    expect(preview).toContain(`Public reply to rt:${ticket} (the customer receives it)`);
    expect(preview).toContain(`Internal note on rt:${ticket} (agents only; public redaction)`);
    expect(preview).toMatch(/(Hi|Hello) Ada,/);
    expect(run.text()).not.toContain("Customer's name");
    expect(run.text()).not.toContain('What is the problem, in their words?');
    expect(run.text()).not.toContain('Account (id or email)');
    await run.choose(`? Post the reply and the note to Request Tracker ticket rt:${ticket}?`, 'Yes');
    await run.waitFor(`Posted the internal note to rt:${ticket}`);
    expect(await run.exit()).toBe(0);

    const history = await rt.history(ticket);
    const reply = history.filter((t) => t.type === 'Correspond' && t.creator === 'root');
    expect(reply).toHaveLength(1);
    expect(reply[0]!.content).toMatch(/^(Hi|Hello) Ada,/);
    expect(history.filter((t) => t.type === 'Comment')).toHaveLength(1);
    expect(readFileSync(stdoutFile, 'utf8')).toContain(reply[0]!.content.split('\n')[0]!);
  }, 40_000);

  it('Ctrl-C at the post confirmation names the hand-off that posts the recorded case, not resume', async () => {
    const ticket = await rt.createTicketAsCustomer(ADA, 'Locked out', 'My account is locked.');
    const home = makeHome();
    const answers = join(home, 'answers.yaml');
    writeFileSync(answers, ACCOUNT_LOCKED_ANSWERS);
    const env = { TRIAGE_RT_URL: rt.url, TRIAGE_RT_USER: RT_ROOT.user, TRIAGE_RT_TOKEN: RT_ROOT.password };
    run = spawnTriage(['run', 'account-locked', '--ticket', `rt:${ticket}`, '--answers', answers, '--channel', 'email', '--mood', 'calm', '--signal', 'none'], { home, env, stdoutFile: join(home, 'out.txt') });
    await run.waitFor(`? Post the reply and the note to Request Tracker ticket rt:${ticket}?`);
    run.type(KEY.ctrlC);
    expect(await run.exit()).toBe(130);
    const caseId = /Case (TRI-\d{8}-[0-9A-F]{4}) is recorded with its outcome/.exec(run.text())?.[1];
    expect(caseId, run.text()).toBeDefined();
    expect(run.text()).toContain(`triage handoff ${caseId} --to rt`);
    expect(run.text()).not.toContain('triage resume');
    expect((await rt.history(ticket)).filter((t) => t.creator === 'root')).toHaveLength(0);

    const handoff = triage(['handoff', caseId!, '--to', 'rt'], { home, env });
    expect(handoff.code, handoff.stderr).toBe(0);
    expect((await rt.history(ticket)).filter((t) => t.type === 'Comment')).toHaveLength(1);
  }, 40_000);

  it('asks for no ticket when no helpdesk is configured', async () => {
    run = spawnTriage([], { home: makeHome() });
    const screen = await run.waitFor("? Customer's name");
    expect(screen).not.toContain('Ticket (e.g.');
  }, 20_000);
});

describe('triage config set helpdesk.rt.token at a terminal', () => {
  it('asks for the token and draws nothing for it', async () => {
    const home = makeHome();
    const token = 'tok-4c1d9e77b0';
    run = spawnTriage(['config', 'set', 'helpdesk.rt.token'], { home, agent: false });
    await run.answer('? helpdesk.rt.token (not shown as you type)', token);
    expect(await run.exit()).toBe(0);
    expect(run.text()).not.toContain(token);
    expect(run.text()).not.toContain('•');
    const credentials = join(isolatedEnv(home).XDG_CONFIG_HOME!, 'triage', 'credentials.json');
    expect(JSON.parse(readFileSync(credentials, 'utf8'))).toEqual({ 'helpdesk.rt.token': token });
    expect(triage(['config', 'get', 'helpdesk.rt.token'], { home }).stdout).toBe('set (hidden)\n');
  }, 20_000);
});

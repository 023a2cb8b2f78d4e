/**
 * A check playbook in the interactive flow, in a pseudo-terminal: the address is asked, each probe
 * runs under a spinner that ends with what it saw (✔) or what failed (✖), and the run stops at the
 * first failure with its outcome.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeHome } from '../helpers/cli.js';
import { makeTestPki, startHttps, type Running, type TestPki } from '../helpers/net-servers.js';
import { spawnTriage, type PtyRun, skipReportQuestions } from '../helpers/pty.js';

let pki: TestPki;
let expired: Running;
let run: PtyRun | undefined;

beforeAll(async () => {
  pki = makeTestPki();
  expired = await startHttps(pki.expired);
}, 30_000);
afterAll(async () => expired.close());
afterEach(() => run?.kill());

const NO_PROXY_ENV = { HTTPS_PROXY: undefined, https_proxy: undefined, HTTP_PROXY: undefined, http_proxy: undefined, ALL_PROXY: undefined, all_proxy: undefined };

describe('cant-reach-service at a terminal', () => {
  it('shows each probe under a spinner and stops at the expired certificate', async () => {
    run = spawnTriage(['run', 'cant-reach-service', '--customer', 'Noor', '--channel', 'chat', '--mood', 'calm', '--description', 'cannot connect', '--account', 'ACME-42', '--emit', 'reply'], {
      home: makeHome(),
      env: { ...NO_PROXY_ENV, NODE_EXTRA_CA_CERTS: pki.caFile },
    });
    await run.answer('? Address that fails', `https://127.0.0.1:${expired.port}/health`);
    const screen = await run.waitFor(/✖ tls: Certificate of 127\.0\.0\.1:\d+ \(localhost\) expired on [^\n]+ \(3 days ago\)/);
    expect(screen).toContain('✔ dns: 127.0.0.1 (an IP address, nothing to look up)');
    expect(screen).toMatch(/✔ tcp: connected to 127\.0\.0\.1:\d+ in \d+ ms/);
    // An escalation asks scope, frequency and start once, each skippable.
    await skipReportQuestions(run);
    await run.waitFor('the secure (encrypted) connection could not be set up');
    // The run stopped at the first failure: the later probes never ran.
    expect(run.text()).not.toMatch(/[✔✖] (http|proxy|clock):/);

    await run.choose('? Save this to a file?', 'No');
    expect(await run.exit()).toBe(0);
  });
});

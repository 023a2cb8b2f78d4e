/**
 * Evidence first, in a real terminal: values the description states are the defaults of the
 * questions asking for them (Enter keeps them), the choice naming the stated status code has the
 * cursor, an answer contradicting an earlier one is pointed out before it is taken, and going
 * back offers the earlier answer again.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeHome } from '../helpers/cli.js';
import { KEY, lastFrame, readOutput, spawnTriage, type PtyRun } from '../helpers/pty.js';

const PLAYBOOKS = join(import.meta.dirname, '..', 'fixtures', 'intake', 'playbooks');
let run: PtyRun | undefined;
afterEach(() => run?.kill());

describe('evidence first', () => {
  it('offers what the description says, points out a contradiction, and pre-fills on going back', async () => {
    const home = makeHome();
    const out = join(mkdtempSync(join(tmpdir(), 'triage-out-')), 'report.json');
    const description = 'Our sync gets 429 too many requests in Firefox 128 since 9am, about 900 requests per minute';
    run = spawnTriage(['--playbooks', PLAYBOOKS, 'run', 'api-status', '--customer', 'Kim', '--channel', 'email', '--mood', 'calm', '--account', 'acme-42', '--description', description, '--format', 'json'], {
      home,
      stdoutFile: out,
      cols: 200,
    });
    await run.waitFor('? Browser and version');
    expect(await run.waitFor('(Firefox 128)')).toContain('Enter keeps what the description says');
    await run.answer('? Browser and version', '');
    await run.waitFor('(429)');
    await run.answer('? HTTP status code in the log', '');
    await run.waitFor('(9am)');
    await run.answer('? When it started', 'yesterday 14:00 UTC');
    await run.waitFor('(900)');
    // Back from the rate: the start time typed a moment ago is offered again.
    await run.answer('? Requests per minute at peak', '<');
    await run.waitFor('(yesterday 14:00 UTC)');
    await run.answer('? When it started', '');
    await run.answer('? Requests per minute at peak', '');

    await run.waitFor('The cursor is on "429 Too Many Requests": the answer to “HTTP status code in the log” was 429.');
    const frame = lastFrame(await run.waitFor('← Go back'));
    expect(frame.entries[frame.pointer]).toBe('429 Too Many Requests');
    await run.choose('? What did the customer say?', '401 Unauthorized');
    await run.waitFor('The answer to “HTTP status code in the log” was 429, but this answer says 401. Keep this answer?');
    run.mark();
    run.type(KEY.enter); // No (the default): asked again
    await run.waitFor('The cursor is on "429 Too Many Requests"');
    await run.choose('? What did the customer say?', '429 Too Many Requests');
    expect(await run.exit()).toBe(0);
    const report = JSON.parse(readOutput(out)) as { outcome: { node: string }; answers: Record<string, unknown>; environment: Record<string, string> };
    expect(report.outcome.node).toBe('workaround-slow-down');
    expect(report.answers).toMatchObject({ status_code: '429', started: 'yesterday 14:00 UTC', rate: 900 });
    expect(JSON.stringify(report.environment)).toContain('Firefox 128');
  }, 20_000);
});

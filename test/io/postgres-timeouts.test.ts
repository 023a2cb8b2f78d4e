/**
 * A locked table never makes triage hang: every PostgreSQL call has a lock and statement timeout
 * (TRIAGE_DATABASE_TIMEOUT), and the error says what triage waited for. Needs a real PostgreSQL
 * (test/helpers/postgres.ts).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTriageError } from '../../src/core/errors.js';
import { openCaseStore } from '../../src/io/case-store.js';
import { caseRecord } from '../helpers/case-records.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { triage } from '../helpers/cli.js';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(() => server?.stop());

describe('PostgreSQL with a locked cases table', () => {
  it('saving and listing end within the timeout with an error naming the lock, and work once it is released', async () => {
    const url = server.createDatabase('locked');
    const env = { TRIAGE_DATABASE_TIMEOUT: '1' };
    // Create the schema first.
    const setup = await openCaseStore({ databaseUrl: url, env });
    await setup.upsertCase(caseRecord({ id: 'TRI-20260101-FRST' }));
    await setup.close();

    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE cases IN ACCESS EXCLUSIVE MODE');
    try {
      const store = await openCaseStore({ databaseUrl: url, env });
      for (const call of [() => store.listCases({}), () => store.upsertCase(caseRecord({ id: 'TRI-20260101-LOCK' }))]) {
        const started = Date.now();
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(Date.now() - started).toBeLessThan(8000);
        expect(isTriageError(error), String(error)).toBe(true);
        expect((error as Error).message).toMatch(/did not answer: triage waited 1 s for a lock on the cases table/);
      }
      await store.close();

      // Through the binary: a clear error, never a hang or exit 70.
      const listed = triage(['cases', 'list'], { env: { TRIAGE_DATABASE_URL: url, TRIAGE_DATABASE_TIMEOUT: '1' }, timeoutMs: 20_000 });
      expect(listed.code).not.toBe(70);
      expect(listed.code).not.toBe(0);
      expect(listed.stderr).toMatch(/waited 1 s for a lock on the cases table/);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    const after = await openCaseStore({ databaseUrl: url, env });
    expect((await after.listCases({})).length).toBe(1);
    await after.close();
  }, 120_000);
});

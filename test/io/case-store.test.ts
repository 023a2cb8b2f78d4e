/**
 * The case store contract, run against SQLite and against a real PostgreSQL server (started by
 * test/helpers/postgres.ts; missing binaries fail the PostgreSQL suite rather than skip it).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src/core/case-record.js';
import { TriageError } from '../../src/core/errors.js';
import { caseStoreTarget, openCaseStore, type CaseStore } from '../../src/io/case-store.js';
import { caseRecord } from '../helpers/case-records.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';

interface Backend {
  readonly name: 'sqlite' | 'postgres';
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** A store over an empty history, plus how to open a second store on the same history. */
  fresh(): Promise<{ store: CaseStore; reopen: () => Promise<CaseStore> }>;
}

const tempDirs: string[] = [];
let pgServer: PostgresServer | undefined;
let databases = 0;

const backends: Backend[] = [
  {
    name: 'sqlite',
    async setup() {},
    async teardown() {
      for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
    async fresh() {
      const dataDir = mkdtempSync(join(tmpdir(), 'triage-cases-'));
      tempDirs.push(dataDir);
      const open = () => openCaseStore({ dataDir, env: {} });
      return { store: await open(), reopen: open };
    },
  },
  {
    name: 'postgres',
    async setup() {
      pgServer = await startPostgres();
    },
    async teardown() {
      pgServer?.stop();
    },
    async fresh() {
      const url = pgServer!.createDatabase(`cases_${++databases}`);
      const open = () => openCaseStore({ databaseUrl: url, env: {} });
      return { store: await open(), reopen: open };
    },
  },
];

async function collect(iterable: AsyncIterable<CaseRecord>): Promise<CaseRecord[]> {
  const out: CaseRecord[] = [];
  for await (const record of iterable) out.push(record);
  return out;
}

describe.each(backends)('case store on $name', (backend) => {
  const open: CaseStore[] = [];
  const fresh = async () => {
    const made = await backend.fresh();
    open.push(made.store);
    const reopen = async () => {
      const store = await made.reopen();
      open.push(store);
      return store;
    };
    return { store: made.store, reopen };
  };

  beforeAll(() => backend.setup(), 120_000);
  afterAll(async () => {
    for (const store of open) await store.close();
    await backend.teardown();
  });

  it('stores a case and reads back the same record', async () => {
    const { store, reopen } = await fresh();
    const record = caseRecord({ id: 'TRI-20261101-AAAA', customer: 'Ada Lovelace', agent: 'Sam' });
    expect(await store.upsertCase(record)).toBe('inserted');
    expect(store.backend).toBe(backend.name);
    const again = await reopen();
    expect(await again.getCase('TRI-20261101-AAAA')).toEqual(record);
  });

  it('is idempotent by id and never lets an older save undo a newer one', async () => {
    const { store } = await fresh();
    const open1 = caseRecord({ id: 'TRI-1', status: 'open', minutes: 1 });
    const open2 = { ...caseRecord({ id: 'TRI-1', status: 'open', minutes: 2 }), inputs: [...open1.inputs, { kind: 'choice' as const, node: 'x', label: 'More' }] };
    const done = caseRecord({ id: 'TRI-1', status: 'done', minutes: 3 });
    expect(await store.upsertCase(open1)).toBe('inserted');
    expect(await store.upsertCase(open1)).toBe('unchanged');
    expect(await store.upsertCase(open2)).toBe('updated');
    expect(await store.upsertCase(done)).toBe('updated');
    expect(await store.upsertCase(open2)).toBe('unchanged');
    expect(await store.countCases()).toBe(1);
    expect((await store.getCase('TRI-1'))?.status).toBe('done');
    expect(await store.upsertCases([done, caseRecord({ id: 'TRI-2' }), caseRecord({ id: 'TRI-3' })])).toEqual({
      inserted: 2,
      updated: 0,
      unchanged: 1,
    });
  });

  it('finds a case by unique prefix, case-insensitively, and reports ambiguous prefixes', async () => {
    const { store } = await fresh();
    await store.upsertCases([caseRecord({ id: 'TRI-20261101-7F3A' }), caseRecord({ id: 'TRI-20261101-7F4B' }), caseRecord({ id: 'TRI-20261102-0001' })]);
    expect((await store.getCase('TRI-20261102'))?.id).toBe('TRI-20261102-0001');
    expect((await store.getCase('tri-20261101-7f3'))?.id).toBe('TRI-20261101-7F3A');
    expect(await store.getCase('TRI-2025')).toBeUndefined();
    expect(await store.getCase('%')).toBeUndefined();
    const error = await store.getCase('TRI-20261101-7F').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TriageError);
    expect((error as TriageError).exitCode).toBe(2);
    expect((error as TriageError).message).toContain('TRI-20261101-7F3A, TRI-20261101-7F4B');
  });

  it('lists most recent first with filters', async () => {
    const { store } = await fresh();
    await store.upsertCases([
      caseRecord({ id: 'C1', playbook: 'login', customer: 'Ada Lovelace', outcome: 'resolved', startedAt: '2026-10-01T09:00:00Z' }),
      caseRecord({ id: 'C2', playbook: 'billing', customer: 'Grace Hopper', outcome: 'bug', startedAt: '2026-10-05T09:00:00Z' }),
      caseRecord({ id: 'C3', playbook: 'login', customer: 'ada lovelace', outcome: 'escalate', startedAt: '2026-10-10T09:00:00Z' }),
      caseRecord({ id: 'C4', playbook: 'login', status: 'open', customer: 'Linus', startedAt: '2026-10-11T09:00:00Z' }),
    ]);
    const ids = async (filter: Parameters<CaseStore['listCases']>[0]) => (await store.listCases(filter)).map((c) => c.id);
    expect(await ids({})).toEqual(['C4', 'C3', 'C2', 'C1']);
    expect(await ids({ playbooks: ['login'] })).toEqual(['C4', 'C3', 'C1']);
    expect(await ids({ outcomes: ['bug', 'escalate'] })).toEqual(['C3', 'C2']);
    expect(await ids({ customer: 'LOVELACE' })).toEqual(['C3', 'C1']);
    expect(await ids({ customer: '%' })).toEqual([]);
    expect(await ids({ sinceMs: Date.parse('2026-10-05T00:00:00Z') })).toEqual(['C4', 'C3', 'C2']);
    expect(await ids({ status: 'open' })).toEqual(['C4']);
    expect(await ids({ limit: 2 })).toEqual(['C4', 'C3']);
    expect(await store.countCases({ playbooks: ['login'] })).toBe(3);
    const [summary] = await store.listCases({ limit: 1, status: 'done' });
    expect(summary).toMatchObject({ id: 'C3', outcome: { kind: 'escalate' }, escalated: true, customer: 'ada lovelace', durationMs: 300_000 });
  });

  describe('search', () => {
    let store: CaseStore;
    beforeAll(async () => {
      ({ store } = await fresh());
      await store.upsertCases([
        caseRecord({ id: 'S1', customer: 'Ada', description: 'Cannot log in after the password reset email', outcome: 'resolved', startedAt: '2026-10-01T09:00:00Z' }),
        caseRecord({ id: 'S2', customer: 'Grace', description: 'Invoice shows the wrong currency', outcome: 'bug', reply: 'We fixed your password policy', startedAt: '2026-10-02T09:00:00Z' }),
        caseRecord({ id: 'S3', customer: 'Grace', description: 'Password reset link expired before I clicked it', outcome: 'workaround', startedAt: '2026-10-03T09:00:00Z' }),
        caseRecord({ id: 'S4', customer: 'Linus', description: 'Export to CSV crashes the app', answers: { app_version: '4.2.1-beta' }, startedAt: '2026-10-04T09:00:00Z' }),
        caseRecord({ id: 'S5', customer: 'Linus', status: 'open', description: 'Password field is greyed out', startedAt: '2026-10-05T09:00:00Z' }),
      ]);
    });

    it('ranks matches in the description above matches in the reply, with snippets', async () => {
      const hits = await store.searchCases('password');
      expect(hits.map((h) => h.record.id).sort()).toEqual(['S1', 'S2', 'S3', 'S5']);
      expect(hits.at(-1)?.record.id).toBe('S2');
      for (let i = 1; i < hits.length; i += 1) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
      expect(hits[0]!.snippet).toMatch(/«password»/i);
      // Each snippet comes from its own case.
      for (const hit of hits) {
        const words = hit.snippet.replace(/[«»…]/g, ' ').toLowerCase().match(/[a-z]+/g) ?? [];
        const text = JSON.stringify(hit.record).toLowerCase();
        for (const word of words) expect(text, `${hit.record.id}: ${hit.snippet}`).toContain(word);
      }
    });

    it('needs every word by default, any word with match: any', async () => {
      expect((await store.searchCases('password reset')).map((h) => h.record.id).sort()).toEqual(['S1', 'S3']);
      expect((await store.searchCases('password currency', { match: 'any' })).map((h) => h.record.id).sort()).toEqual(['S1', 'S2', 'S3', 'S5']);
      // S2: currency in the description, password in the reply.
      expect((await store.searchCases('password currency')).map((h) => h.record.id)).toEqual(['S2']);
      expect(await store.searchCases('password invoice expired')).toEqual([]);
    });

    it('understands phrases, exclusions and or', async () => {
      expect((await store.searchCases('"reset link"')).map((h) => h.record.id)).toEqual(['S3']);
      expect((await store.searchCases('password -expired -greyed')).map((h) => h.record.id).sort()).toEqual(['S1', 'S2']);
      expect((await store.searchCases('currency or crashes')).map((h) => h.record.id).sort()).toEqual(['S2', 'S4']);
    });

    it('stems words and searches answers', async () => {
      expect((await store.searchCases('crashing')).map((h) => h.record.id)).toEqual(['S4']);
      expect((await store.searchCases('4.2.1')).map((h) => h.record.id)).toEqual(['S4']);
    });

    it("puts the customer's own cases first and applies filters", async () => {
      const hits = await store.searchCases('password', { customer: '  grace ' });
      expect(hits.slice(0, 2).map((h) => h.record.id).sort()).toEqual(['S2', 'S3']);
      expect(hits.slice(0, 2).every((h) => h.sameCustomer)).toBe(true);
      expect(hits.slice(2).some((h) => h.sameCustomer)).toBe(false);
      expect((await store.searchCases('password', { filter: { status: 'done' }, limit: 10 })).map((h) => h.record.id)).not.toContain('S5');
      expect(await store.searchCases('password', { limit: 1 })).toHaveLength(1);
    });

    it('never lets user input break the query', async () => {
      for (const text of ['"unbalanced', 'a:b', '*', 'NEAR(x y)', "it's", '-', '""', '   ', '(', 'AND', 'password)', '^col']) {
        await expect(store.searchCases(text)).resolves.toBeInstanceOf(Array);
      }
      expect(await store.searchCases('')).toEqual([]);
    });
  });

  it('computes stats: per playbook and outcome, FCR, median, top escalations', async () => {
    const { store } = await fresh();
    const day = (d: number, h = 9) => `2026-10-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;
    await store.upsertCases([
      // Ada, login: first contact resolved (FCR), later again escalated (not a first contact).
      caseRecord({ id: 'A1', playbook: 'login', customer: 'Ada', outcome: 'resolved', startedAt: day(1), minutes: 4 }),
      caseRecord({ id: 'A2', playbook: 'login', customer: 'ada ', outcome: 'escalate', outcomeTitle: 'Escalate: account locked', startedAt: day(3), minutes: 20, handoffTo: 'tier-2' }),
      // Grace, login: first contact a workaround but handed off (not FCR).
      caseRecord({ id: 'G1', playbook: 'login', customer: 'Grace', outcome: 'workaround', startedAt: day(2), minutes: 10, handoffTo: 'tier-2' }),
      // Grace, billing: first contact a bug (not FCR).
      caseRecord({ id: 'G2', playbook: 'billing', customer: 'Grace', outcome: 'bug', startedAt: day(4), minutes: 6 }),
      // Anonymous: each is its own first contact.
      caseRecord({ id: 'N1', playbook: 'billing', outcome: 'works-as-designed', startedAt: day(5), minutes: 2 }),
      caseRecord({ id: 'N2', playbook: 'billing', outcome: 'escalate', outcomeTitle: 'Escalate: account locked', startedAt: day(6), minutes: 30, handoffTo: 'tier-2' }),
      caseRecord({ id: 'O1', playbook: 'login', status: 'open', customer: 'Linus', startedAt: day(7) }),
    ]);
    const stats = await store.stats();
    expect(stats).toMatchObject({ cases: 7, open: 1, done: 6, escalated: 3 });
    expect(stats.outcomes).toMatchObject({ resolved: 1, workaround: 1, 'works-as-designed': 1, bug: 1, escalate: 2, 'feature-request': 0 });
    // First contacts (finished): A1 yes, G1 no (hand-off), G2 no, N1 yes, N2 no → 2 of 5.
    expect(stats.fcr).toEqual({ rate: 0.4, resolved: 2, firstContacts: 5 });
    // Durations (done): 4, 20, 10, 6, 2, 30 minutes → median (6 + 10) / 2 = 8 minutes.
    expect(stats.medianMs).toBe(8 * 60_000);
    const login = stats.playbooks.find((p) => p.playbook === 'login')!;
    expect(login).toMatchObject({ cases: 4, open: 1, done: 3, escalated: 2, medianMs: 10 * 60_000, fcr: { resolved: 1, firstContacts: 2, rate: 0.5 } });
    expect(login.outcomes).toEqual({ resolved: 1, escalate: 1, workaround: 1 });
    expect(stats.playbooks.map((p) => p.playbook)).toEqual(['login', 'billing']);
    expect(stats.topEscalations[0]).toMatchObject({ outcome: 'Escalate: account locked', to: 'tier-2', cases: 1 });
    expect(stats.topEscalations).toHaveLength(3);

    // --since: A2 is inside the window but not a first contact; G2, N1, N2 are.
    const recent = await store.stats({ sinceMs: Date.parse(day(3)) });
    expect(recent).toMatchObject({ cases: 5, done: 4, since: new Date(Date.parse(day(3))).toISOString() });
    expect(recent.fcr).toEqual({ rate: 1 / 3, resolved: 1, firstContacts: 3 });
    await expect((await fresh()).store.stats()).resolves.toMatchObject({ cases: 0, medianMs: null, fcr: { rate: null } });
  });

  it('exports every case oldest first, or the given ones in order', async () => {
    const { store } = await fresh();
    const records = Array.from({ length: 1203 }, (_, i) =>
      caseRecord({ id: `E${String(i).padStart(5, '0')}`, startedAt: new Date(Date.UTC(2026, 0, 1) + (i % 7) * 3_600_000).toISOString() }),
    );
    await store.upsertCases(records);
    const exported = await collect(store.exportCases());
    expect(exported).toHaveLength(1203);
    const expectedOrder = [...records].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id)).map((r) => r.id);
    expect(exported.map((r) => r.id)).toEqual(expectedOrder);
    expect((await collect(store.exportCases(['E00007', 'E00003']))).map((r) => r.id)).toEqual(['E00007', 'E00003']);
  });

  it('purges cases by last activity, with a dry run, and keeps search in step', async () => {
    const { store } = await fresh();
    const now = Date.parse('2026-11-01T00:00:00Z');
    await store.upsertCases([
      caseRecord({ id: 'OLD1', description: 'ancient printer trouble', startedAt: '2026-06-01T00:00:00Z' }),
      caseRecord({ id: 'OLD2', description: 'ancient scanner trouble', startedAt: '2026-07-01T00:00:00Z' }),
      caseRecord({ id: 'NEW1', description: 'recent printer trouble', startedAt: '2026-10-30T00:00:00Z' }),
    ]);
    const ninetyDays = 90 * 86_400_000;
    expect(await store.purge(ninetyDays, now, { dryRun: true })).toBe(2);
    expect(await store.countCases()).toBe(3);
    expect(await store.purge(ninetyDays, now)).toBe(2);
    expect((await store.listCases()).map((c) => c.id)).toEqual(['NEW1']);
    expect((await store.searchCases('printer')).map((h) => h.record.id)).toEqual(['NEW1']);
    expect(await store.purge(ninetyDays, now)).toBe(0);
  });

  it('lets two stores on the same history open and write at once (migrations race)', async () => {
    const { store, reopen } = await fresh();
    const [a, b] = await Promise.all([reopen(), reopen()]);
    await Promise.all([a!.upsertCase(caseRecord({ id: 'R1' })), b!.upsertCase(caseRecord({ id: 'R2' })), store.upsertCase(caseRecord({ id: 'R3' }))]);
    expect(await store.countCases()).toBe(3);
  });
});

describe('openCaseStore', () => {
  it('is lazy: a bad PostgreSQL URL fails on first use, not on open, and close costs nothing', async () => {
    const store = await openCaseStore({ databaseUrl: 'postgres://nobody:secret@127.0.0.1:1/none', env: {} });
    expect(store.backend).toBe('postgres');
    expect(store.location).toBe('postgres://nobody:***@127.0.0.1:1/none');
    const error = await store.countCases().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TriageError);
    expect((error as TriageError).message).not.toContain('secret');
    expect((error as TriageError).hint).toContain('TRIAGE_DATABASE_URL');
    await store.close();
    await (await openCaseStore({ env: { TRIAGE_DATA_DIR: '/nonexistent/never/created' } })).close();
  });

  it('chooses the backend from TRIAGE_DATABASE_URL, else SQLite in the data directory', () => {
    expect(caseStoreTarget({ env: { TRIAGE_DATA_DIR: '/d' } })).toEqual({ backend: 'sqlite', file: '/d/cases.db' });
    expect(caseStoreTarget({ env: { TRIAGE_DATABASE_URL: 'postgresql://h/db', TRIAGE_DATA_DIR: '/d' } })).toEqual({ backend: 'postgres', url: 'postgresql://h/db' });
    expect(caseStoreTarget({ env: {} })).toEqual({ backend: 'sqlite', file: expect.stringMatching(/\/triage\/cases\.db$/) });
    expect(() => caseStoreTarget({ env: { TRIAGE_DATABASE_URL: 'mysql://u:pw@h/db' } })).toThrow(/not a PostgreSQL URL: mysql:\/\/u:\*\*\*@h\/db/);
  });

  it('creates the SQLite file readable by the user only, in WAL mode', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'triage-cases-'));
    const dataDir = join(parent, 'nested');
    const store = await openCaseStore({ dataDir, env: {} });
    await store.upsertCase(caseRecord({ id: 'P1' }));
    await store.close();
    expect(statSync(join(dataDir, 'cases.db')).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(join(dataDir, 'cases.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([{ version: 1, name: 'cases with full-text search' }]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    rmSync(parent, { recursive: true, force: true });
  });
});

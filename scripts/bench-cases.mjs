#!/usr/bin/env node
// Case-history benchmark: generates a corpus of realistic cases (100,000 by default) into a temp
// data directory (or the PostgreSQL database given), then times `searchCases` and `stats` through
// the real store, and, when dist/ is built, the `triage cases search|stats` commands end to end.
//
//   node scripts/bench-cases.mjs [--count 100000] [--database-url postgres://...] [--json] [--keep]
//
// scripts/bench.mjs can call `benchCases(options)` and print or compare the result.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Mulberry32: a small seeded PRNG, so every run generates the same corpus. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLAYBOOKS = [
  ['cannot-log-in', 'Customer cannot log in', ['cannot log in', 'login fails with wrong password', 'locked out after too many attempts', 'two-factor code rejected', 'SSO redirect loops back to the login page']],
  ['password-reset-email-missing', 'Password reset email never arrives', ['password reset email never arrives', 'reset link expired', 'reset mail lands in spam', 'reset link says invalid token']],
  ['export-fails', 'Report export fails', ['PDF export spins forever', 'CSV export downloads an empty file', 'export times out on large reports', 'Excel export has broken characters']],
  ['billing-wrong-amount', 'Invoice shows the wrong amount', ['charged twice this month', 'invoice shows the wrong currency', 'discount code not applied', 'VAT missing on invoice']],
  ['sync-stuck', 'Data sync is stuck', ['calendar sync stuck since yesterday', 'contacts not syncing to the phone', 'sync shows conflict error 409', 'changes from the web app never reach mobile']],
  ['app-crashes', 'The app crashes', ['app crashes on startup', 'crash when opening attachments', 'app freezes then closes when uploading photos', 'crash after the latest update']],
  ['slow-dashboard', 'Dashboard is slow', ['dashboard takes a minute to load', 'charts never finish loading', 'slow search results in the dashboard']],
  ['notifications-missing', 'Notifications do not arrive', ['push notifications stopped', 'no email notifications for mentions', 'notification sound missing on Android']],
  ['integration-broken', 'An integration stopped working', ['Slack integration stopped posting', 'webhook returns 500', 'Zapier zap fails with unauthorized', 'API token rejected']],
  ['account-deletion', 'Account deletion request', ['wants the account deleted', 'GDPR data export request', 'close account and refund']],
  ['feature-question', 'How do I ...?', ['how to share a report with a colleague', 'can I change the date format', 'is there a dark mode', 'how to add a second admin']],
  ['upload-fails', 'File upload fails', ['upload fails at 99 percent', 'file too large error for a small file', 'upload stuck on processing']],
];
const OUTCOMES = [
  ['resolved', 0.42, ['Resolved: cleared the cache and signed in again', 'Resolved: reset the password from the admin panel', 'Resolved: re-sent the invitation']],
  ['workaround', 0.18, ['Workaround: use the desktop app until the fix ships', 'Workaround: export smaller date ranges']],
  ['works-as-designed', 0.1, ['Works as designed: limits apply on the free plan', 'Works as designed: emails are batched hourly']],
  ['feature-request', 0.06, ['Feature request: dark mode', 'Feature request: custom date formats']],
  ['bug', 0.14, ['Bug: PDF renderer times out on large tables', 'Bug: sync conflict after timezone change', 'Bug: crash on Android 14 when opening attachments']],
  ['escalate', 0.1, ['Escalate: account locked by fraud rules', 'Escalate: billing needs a manual refund', 'Escalate: data loss suspected']],
];
const FIRST = ['Ada', 'Grace', 'Linus', 'Dana', 'Sam', 'Priya', 'Chen', 'Fatima', 'Olga', 'Mateo', 'Yuki', 'Kwame', 'Ingrid', 'Omar', 'Lucia', 'Noah', 'Aisha', 'Tom', 'Mei', 'Ravi'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Whitfield', 'Okafor', 'Sharma', 'Wang', 'Haddad', 'Ivanova', 'Garcia', 'Tanaka', 'Mensah', 'Berg', 'Khalil', 'Rossi', 'Smith', 'Bello', 'Novak', 'Lin', 'Patel'];
const BROWSERS = ['Firefox 128', 'Chrome 131', 'Safari 18', 'Edge 131'];
const OSES = ['Windows 11', 'macOS 15', 'Ubuntu 24.04', 'iOS 18', 'Android 14'];
const CHANNELS = ['email', 'chat', 'phone'];
const MOODS = ['calm', 'confused', 'frustrated', 'angry'];
const EXTRAS = ['since this morning', 'after the update', 'only on the work laptop', 'for the whole team', 'intermittently', 'every single time', 'since we changed plans', 'on a slow connection'];

export function* generateCases(count, { seed = 42, nowMs = Date.parse('2026-11-27T12:00:00Z') } = {}) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const spanMs = 365 * 86_400_000;
  for (let i = 0; i < count; i += 1) {
    const [playbookId, playbookTitle, symptoms] = pick(PLAYBOOKS);
    let r = random();
    let outcome = OUTCOMES[0];
    for (const o of OUTCOMES) {
      if (r < o[1]) {
        outcome = o;
        break;
      }
      r -= o[1];
    }
    const open = random() < 0.03;
    // Customers repeat: about 8,000 people, some of them often.
    const customerIndex = Math.floor(Math.pow(random(), 1.6) * 8000);
    const name = `${FIRST[customerIndex % FIRST.length]} ${LAST[Math.floor(customerIndex / FIRST.length) % LAST.length]} ${customerIndex}`;
    const startedMs = nowMs - Math.floor(random() * spanMs);
    const durationMs = Math.round(60_000 * Math.exp(1.2 + random() * 1.8));
    const finishedMs = startedMs + durationMs;
    const description = `${pick(symptoms)} ${pick(EXTRAS)}; using ${pick(BROWSERS)} on ${pick(OSES)}. Error code E${1000 + Math.floor(random() * 9000)}.`;
    const id = `TRI-${new Date(startedMs).toISOString().slice(0, 10).replace(/-/g, '')}-${i.toString(16).toUpperCase().padStart(5, '0')}`;
    const [kind, , titles] = outcome;
    const title = pick(titles);
    const escalated = kind === 'escalate' || random() < 0.03;
    const iso = (ms) => new Date(ms).toISOString();
    const base = {
      id,
      status: open ? 'open' : 'done',
      playbook: { id: playbookId, version: '1.2.0', title: playbookTitle, path: `${playbookId}.md` },
      intake: { customer: { name, channel: pick(CHANNELS), mood: pick(MOODS) }, description },
      agent: pick(['Sam Support', 'Alex Agent', 'Jo Helpdesk', 'Kim Tier1']),
      inputs: [
        { kind: 'probes', playbook: playbookId, values: { os: pick(OSES) } },
        { kind: 'env', key: 'browser', value: pick(BROWSERS) },
        { kind: 'ask', node: 'start', key: 'account_email', value: `customer${customerIndex}@example.com` },
        { kind: 'choice', node: 'start', label: pick(['Yes, every time', 'Only sometimes', 'No']) },
      ],
      startedAt: iso(startedMs),
      updatedAt: iso(open ? startedMs + 60_000 : finishedMs),
      handoffs: !open && escalated ? [{ to: pick(['tier-2', 'billing', 'security']), at: iso(finishedMs) }] : [],
    };
    if (open) {
      yield base;
      continue;
    }
    yield {
      ...base,
      outcome: { kind, node: title.toLowerCase().replace(/[^a-z0-9]+/g, '-'), title: title.replace(/^[^:]+:\s*/, ''), playbook: playbookId },
      report: {
        schema: 'triage.report/v1',
        title: `${playbookTitle}: ${title}`,
        expected: 'It works as documented',
        actual: description,
        steps_to_reproduce: ['Sign in', `Open ${playbookTitle.toLowerCase()}`, 'Observe the problem'],
      },
      reply: `Hi ${name.split(' ')[0]},\n\nthank you for reaching out about this. ${title.replace(/^[^:]+:\s*/, '')}. Let us know if anything else comes up.\n\nBest regards`,
      finishedAt: iso(finishedMs),
      durationMs,
    };
  }
}

/** Bundles src/io/case-store.ts (the real store, both backends) into .bench/ and imports it. */
async function loadStoreModule() {
  const { build } = await import('esbuild');
  const outdir = join(ROOT, '.bench', 'case-store');
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'src', 'io', 'case-store.ts')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3', 'pg-native'],
    banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return import(pathToFileURL(join(outdir, 'case-store.js')).href);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function time(runs, fn) {
  const times = [];
  let result;
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    result = await fn();
    times.push(performance.now() - start);
  }
  return { firstMs: round(times[0]), medianMs: round(median(times)), result };
}

const round = (ms) => Math.round(ms * 10) / 10;

export const SEARCHES = [
  { name: 'one common word', text: 'export' },
  { name: 'three words', text: 'password reset email' },
  { name: 'phrase', text: '"spins forever"' },
  { name: 'rare error code', text: 'E4242' },
  { name: 'intake: whole description, any word, same customer first', text: 'the app crashes when I open attachments on Android after the update', options: { match: 'any', customer: 'Grace Hopper 1', filter: { status: 'done' } } },
];

/**
 * Runs the benchmark and returns the numbers. Options: count (100,000), databaseUrl (PostgreSQL
 * instead of a temp SQLite directory), runs (per query, 5), cli (time the built binary too, true),
 * keep (leave the temp data directory), log (progress lines, default stderr).
 */
export async function benchCases(options = {}) {
  const count = options.count ?? 100_000;
  const runs = options.runs ?? 5;
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const { openCaseStore } = await loadStoreModule();
  const dataDir = options.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'triage-bench-cases-'));
  const store = await openCaseStore({ ...(dataDir ? { dataDir } : { databaseUrl: options.databaseUrl }), env: {} });
  const result = { backend: store.backend, count, location: store.location };
  try {
    log(`Generating and storing ${count} cases in ${store.location} ...`);
    const insertStart = performance.now();
    let batch = [];
    for (const record of generateCases(count)) {
      batch.push(record);
      if (batch.length === 5000) {
        await store.upsertCases(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await store.upsertCases(batch);
    result.insertMs = round(performance.now() - insertStart);
    log(`  stored in ${(result.insertMs / 1000).toFixed(1)} s`);

    result.search = [];
    for (const search of SEARCHES) {
      const timing = await time(runs, () => store.searchCases(search.text, { limit: 10, ...search.options }));
      result.search.push({ name: search.name, text: search.text, firstMs: timing.firstMs, medianMs: timing.medianMs, hits: timing.result.length });
      log(`  search ${JSON.stringify(search.text)}: first ${timing.firstMs} ms, median ${timing.medianMs} ms (${timing.result.length} hits)`);
    }
    const stats = await time(runs, () => store.stats());
    const statsSince = await time(runs, () => store.stats({ sinceMs: Date.parse('2026-10-27T12:00:00Z') }));
    result.stats = { firstMs: stats.firstMs, medianMs: stats.medianMs, sinceFirstMs: statsSince.firstMs, sinceMedianMs: statsSince.medianMs, cases: stats.result.cases, fcr: stats.result.fcr.rate };
    log(`  stats: first ${stats.firstMs} ms, median ${stats.medianMs} ms; --since 30d: median ${statsSince.medianMs} ms`);
    const single = await time(runs, () => store.upsertCase({ ...[...generateCases(1, { seed: 7 })][0], id: 'TRI-BENCH-SINGLE', updatedAt: new Date().toISOString() }));
    result.upsertOneMs = single.medianMs;
  } finally {
    await store.close();
  }

  // End to end, as an agent sees it: node start-up, the command, the query, the output.
  const bin = join(ROOT, 'bin', 'triage.js');
  if ((options.cli ?? true) && existsSync(join(ROOT, 'dist', 'bin.js'))) {
    const env = { ...process.env, ...(dataDir ? { TRIAGE_DATA_DIR: dataDir } : { TRIAGE_DATABASE_URL: options.databaseUrl }) };
    const cli = async (args) => {
      const timing = await time(3, () => spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' }));
      if (timing.result.status !== 0) throw new Error(`triage ${args.join(' ')} failed: ${timing.result.stderr}`);
      return timing.medianMs;
    };
    result.cli = {
      searchMs: await cli(['cases', 'search', 'password', 'reset', 'email']),
      statsMs: await cli(['cases', 'stats']),
      listMs: await cli(['cases', 'list', '--since', '7d']),
    };
    log(`  CLI (median of 3, with node start-up): search ${result.cli.searchMs} ms, stats ${result.cli.statsMs} ms, list ${result.cli.listMs} ms`);
  }
  if (dataDir && !options.keep) rmSync(dataDir, { recursive: true, force: true });
  else if (dataDir) result.dataDir = dataDir;
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const value = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const result = await benchCases({
    count: value('--count') ? Number(value('--count')) : undefined,
    databaseUrl: value('--database-url'),
    keep: args.includes('--keep'),
  });
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

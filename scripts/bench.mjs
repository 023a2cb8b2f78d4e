// `npm run bench`: every speed target of the project, measured side by side with Node's own
// start-up floor (`node -e 0`) in paired, alternating runs on this machine, and reported as ratios.
// Also: triage env vs envinfo (scripts/bench-env.mjs) and the case history at 100,000 cases
// (scripts/bench-cases.mjs), and each start-up device built with and without it
// (scripts/bench-devices.mjs). Needs `npm run build` first.
//
//   node scripts/bench.mjs [--runs 15] [--quick] [--json out.json] [--skip env,cases,devices]
import { spawnSync } from 'node:child_process';
import { cpus, totalmem, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from './bench-corpus.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'triage.js');
const RSS_WRAPPER = join(ROOT, 'scripts', 'max-rss.mjs');

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const quick = args.includes('--quick');
const runs = Number(flag('--runs', quick ? 5 : 15));
const skip = new Set((flag('--skip', '') ?? '').split(',').filter(Boolean));
const jsonOut = flag('--json', undefined);

if (!existsSync(join(ROOT, 'dist', 'bin.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

const home = mkdtempSync(join(tmpdir(), 'triage-bench-home-'));
const env = {
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: join(home, 'config'),
  XDG_DATA_HOME: join(home, 'data'),
  XDG_CACHE_HOME: join(home, 'cache'),
  SOURCE_DATE_EPOCH: '1764201600',
  NO_COLOR: '1',
};
delete env.TRIAGE_PLAYBOOKS;
delete env.TRIAGE_DATABASE_URL;

function timeOnce(argv, input) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, argv, { cwd: home, env, input: input ?? '', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${result.status}: ${result.stderr.slice(0, 500)}`);
  return ms;
}

/** Paired runs: every round runs each command once, order alternating, so drift hits all alike. */
function measure(commands) {
  for (const c of commands) timeOnce(c.argv, c.input); // warm-up (disk cache), not counted
  const samples = commands.map(() => []);
  for (let r = 0; r < runs; r++) {
    const order = commands.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) samples[i].push(timeOnce(commands[i].argv, commands[i].input));
  }
  return commands.map((c, i) => ({ ...c, medianMs: round(median(samples[i])) }));
}

const corpusDir = join(home, 'corpus');
console.error(`Generating 2,000 playbooks in ${corpusDir} ...`);
writeCorpus(corpusDir, 2000);

const runArgs = [
  BIN, 'run', 'upload-or-export-fails', '--no-input', '--format', 'json', '--case-id', 'TRI-BENCH-0001', '--no-history',
  '-a', 'browser=Chrome 131 on macOS', '-a', 'upload-or-export=2', '-a', 'how-big-is-the-export=3', '-a', 'export_format=CSV', '-a', 'row_count=4200',
  '-a', 'rows_expected=4200', '-a', 'rows_received=0', '-a', 'do-filters-explain-the-missing-rows=3',
];
// As agents run it: the case is recorded in the history (a new case id each time).
const recordedRunArgs = runArgs.filter((arg, i) => arg !== '--no-history' && arg !== '--case-id' && runArgs[i - 1] !== '--case-id');

const rows = [
  { name: 'triage --version', argv: [BIN, '--version'], goal: 1.3 },
  { name: 'triage --help', argv: [BIN, '--help'], goal: 1.3 },
  { name: 'run → JSON report (no check commands), --no-history', argv: runArgs, goal: 2 },
  { name: 'run → JSON report, recorded in the history', argv: recordedRunArgs, goal: 2 },
  { name: 'list --json (2,000 playbooks)', argv: [BIN, '--playbooks', corpusDir, 'list', '--json'], goal: 3 },
  { name: 'search (2,000 playbooks)', argv: [BIN, '--playbooks', corpusDir, 'search', 'export', 'download', 'empty'], goal: 3 },
  { name: 'lint (2,000 playbooks, parses all)', argv: [BIN, 'lint', corpusDir], goal: 20 },
];
console.error(`Timing ${rows.length} commands against node -e 0, ${runs} paired runs each ...`);
// The playbook index is built by the first list/search; measure the steady state an agent sees.
const measured = measure([{ name: 'node -e 0 (floor)', argv: ['-e', '0'] }, ...rows]);
const floor = measured[0].medianMs;

// Peak memory of a run with the 2,000 playbooks loaded (maxRSS reported by the process itself).
function maxRssOf(argv) {
  const result = spawnSync(process.execPath, [RSS_WRAPPER, ...argv], { cwd: home, env, encoding: 'utf8' });
  const match = /max-rss-kb=(\d+)/.exec(result.stderr);
  if (!match) throw new Error(`no max-rss reported: ${result.stderr.slice(0, 500)}`);
  return Number(match[1]) / 1024;
}
const rssRun = round(median([0, 1, 2].map(() => maxRssOf([...runArgs.slice(1, 2), ...runArgs.slice(2), '--playbooks', corpusDir]))));

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
const lines = [];
lines.push(`triage benchmarks — ${new Date().toISOString().slice(0, 10)} — ${machine}`);
lines.push(`median of ${runs} paired runs; ratio = median / median of \`node -e 0\` (${floor} ms)`);
lines.push('');
lines.push('| what | median ms | × node floor | goal | met |');
lines.push('| --- | ---: | ---: | ---: | :---: |');
lines.push(`| node -e 0 (floor) | ${floor} | 1.00 | | |`);
const summary = { date: new Date().toISOString(), machine, runs, floorMs: floor, rows: [] };
for (const row of measured.slice(1)) {
  const ratio = round(row.medianMs / floor, 2);
  const met = ratio <= row.goal;
  summary.rows.push({ name: row.name, medianMs: row.medianMs, ratio, goal: row.goal, met });
  lines.push(`| ${row.name} | ${row.medianMs} | ${ratio.toFixed(2)} | ≤ ${row.goal} | ${met ? 'yes' : 'NO'} |`);
}
summary.peakRssMb = rssRun;
lines.push(`| peak memory of run with 2,000 playbooks loaded | ${rssRun} MB | | < 120 MB | ${rssRun < 120 ? 'yes' : 'NO'} |`);
console.log(lines.join('\n'));

if (!skip.has('env')) {
  console.log('');
  const { benchEnv } = await import('./bench-env.mjs');
  summary.env = await benchEnv({ runs, log: (line) => console.log(line) });
}
if (!skip.has('cases')) {
  console.log('');
  const { benchCases } = await import('./bench-cases.mjs');
  const count = quick ? 20_000 : 100_000;
  summary.cases = await benchCases({ count, runs: 5 });
  const c = summary.cases;
  console.log(`case history (${c.backend}, ${c.count} cases): search median ${Math.max(...c.search.map((s) => s.medianMs))} ms (slowest query), stats median ${c.stats.medianMs} ms${c.cli ? `; end to end: cases search ${c.cli.searchMs} ms, cases stats ${c.cli.statsMs} ms` : ''}`);
}
if (!skip.has('devices')) {
  console.log('');
  console.log(`Start-up devices, each built with and without (scripts/bench-devices.mjs, ${Math.max(runs, 15)} pairs):`);
  const { benchDevices } = await import('./bench-devices.mjs');
  summary.devices = benchDevices({ runs: Math.max(runs, 15), log: (line) => console.log(line) });
}
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(summary, null, 2)}\n`);
rmSync(home, { recursive: true, force: true });

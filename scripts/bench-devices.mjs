// Does each start-up device pay its way? Builds triage with and without a device (the
// TRIAGE_BUILD_WITHOUT switch of scripts/build.mjs) into two temporary trees and times the hot
// commands of both in paired, alternating runs. Reports each side's median and the paired ratio
// (without/with, per pair) as median and interquartile range: > 1 means the device saves time.
//
//   node scripts/bench-devices.mjs [--runs 15] [--devices merge,code-cache,help-snapshot]
// (also part of `npm run bench`, unless --skip devices)
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCorpus } from './bench-corpus.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEVICES = ['merge', 'code-cache', 'help-snapshot'];

export function benchDevices({ runs = 15, devices = DEVICES, log = console.log } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'triage-bench-devices-'));
  const corpusDir = join(work, 'corpus');
  writeCorpus(corpusDir, 2000);

  /** A runnable copy of the package whose dist/ is built without `off` (a device name, or '' for none). */
  function tree(name, off) {
    const dir = join(work, name);
    mkdirSync(dir);
    for (const entry of ['bin', 'package.json', 'docs', 'playbooks', 'templates']) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], {
      cwd: ROOT,
      env: { ...process.env, TRIAGE_BUILD_OUTDIR: join(dir, 'dist'), TRIAGE_BUILD_WITHOUT: off },
      encoding: 'utf8',
    });
    if (built.status !== 0) throw new Error(`build without ${off} failed: ${built.stderr}`);
    const home = join(dir, 'home');
    mkdirSync(home);
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache'), XDG_STATE_HOME: join(home, 'state'), SOURCE_DATE_EPOCH: '1764201600', NO_COLOR: '1' };
    delete env.TRIAGE_PLAYBOOKS;
    delete env.TRIAGE_DATABASE_URL;
    return { bin: join(dir, 'bin', 'triage.js'), env, home };
}

const answers = ['-a', 'browser=Chrome 131 on macOS', '-a', 'upload-or-export=2', '-a', 'how-big-is-the-export=3', '-a', 'export_format=CSV', '-a', 'row_count=4200', '-a', 'rows_expected=4200', '-a', 'rows_received=0', '-a', 'do-filters-explain-the-missing-rows=3'];
const commands = [
  { name: '--version', argv: ['--version'] },
  { name: '--help', argv: ['--help'] },
  { name: 'list --json (2,000)', argv: ['--playbooks', corpusDir, 'list', '--json'] },
  { name: 'search (2,000)', argv: ['--playbooks', corpusDir, 'search', 'export', 'download', 'empty'] },
  { name: 'run → JSON, --no-history', argv: ['run', 'upload-or-export-fails', '--no-input', '--format', 'json', '--no-history', ...answers] },
  { name: 'run → JSON, recorded', argv: ['run', 'upload-or-export-fails', '--no-input', '--format', 'json', ...answers] },
];

function timeOnce(t, argv) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [t.bin, ...argv], { cwd: t.home, env: t.env, input: '', encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 400)}`);
  return ms;
}
const quantile = (values, q) => {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
};
const r1 = (n) => Math.round(n * 10) / 10;
const r3 = (n) => Math.round(n * 1000) / 1000;

const withAll = tree('with', '');
const results = [];
for (const device of devices) {
  const off = tree(`without-${device}`, device);
  log(`\n${device}: without/with, ${runs} pairs (> 1: the device saves time)`);
  log('| command | with (median ms) | without | paired ratio median | IQR |');
  log('| --- | ---: | ---: | ---: | --- |');
  for (const c of commands) {
    timeOnce(withAll, c.argv);
    timeOnce(off, c.argv); // warm-up: index and code caches written, disk cache warm
    const a = [];
    const b = [];
    for (let r = 0; r < runs; r++) {
      if (r % 2) {
        b.push(timeOnce(off, c.argv));
        a.push(timeOnce(withAll, c.argv));
      } else {
        a.push(timeOnce(withAll, c.argv));
        b.push(timeOnce(off, c.argv));
      }
    }
    const ratios = a.map((x, i) => b[i] / x);
    const row = { device, command: c.name, withMs: r1(quantile(a, 0.5)), withoutMs: r1(quantile(b, 0.5)), ratio: r3(quantile(ratios, 0.5)), q1: r3(quantile(ratios, 0.25)), q3: r3(quantile(ratios, 0.75)) };
    results.push(row);
    log(`| ${c.name} | ${row.withMs} | ${row.withoutMs} | ${row.ratio.toFixed(3)} | ${row.q1.toFixed(3)}–${row.q3.toFixed(3)} |`);
  }
}
rmSync(work, { recursive: true, force: true });
return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const flag = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  benchDevices({ runs: Number(flag('--runs', 15)), devices: flag('--devices', DEVICES.join(',')).split(',') });
}

// Benchmark: `triage env --json` against `envinfo --system --binaries --browsers --json` on the same
// machine, side by side. Paired runs alternate the commands so load drift hits all of them alike;
// medians and the ratio are printed. `node -e 0` is the floor (Node's own start-up) and
// `triage --version` the CLI's start-up, so what `triage env` itself costs is visible too.
//
// Standalone: node scripts/bench-env.mjs [--runs 15] [--json]
// From scripts/bench.mjs: import { benchEnv } from './bench-env.mjs'; await benchEnv({ runs: 15 })
// Needs `npm run build` first (it runs bin/triage.js) and envinfo from devDependencies (no network).
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeOnce(argv, cwd) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

/**
 * Runs the comparison and returns the numbers (milliseconds). `log` receives the printed table;
 * pass `() => {}` to stay quiet.
 */
export async function benchEnv({ runs = 15, root = ROOT, log = (line) => console.log(line) } = {}) {
  const triageBin = join(root, 'bin', 'triage.js');
  if (!existsSync(join(root, 'dist', 'bin.js'))) throw new Error('dist/ is missing: run `npm run build` first.');
  const envinfoLink = join(root, 'node_modules', '.bin', 'envinfo');
  if (!existsSync(envinfoLink)) throw new Error('envinfo is not installed: run `npm install` (it is a devDependency).');
  const envinfoBin = realpathSync(envinfoLink);

  const commands = [
    { key: 'floor', label: 'node -e 0 (floor)', argv: ['-e', '0'] },
    { key: 'cli', label: "triage --version (the CLI's own start-up)", argv: [triageBin, '--version'] },
    { key: 'triage', label: 'triage env --json', argv: [triageBin, 'env', '--json'] },
    {
      key: 'triageComparable',
      label: "triage env --json --only system,npm,yarn,pnpm,browsers (envinfo's fields)",
      argv: [triageBin, 'env', '--json', '--only', 'system,npm,yarn,pnpm,browsers'],
    },
    { key: 'envinfo', label: 'envinfo --system --binaries --browsers --json', argv: [envinfoBin, '--system', '--binaries', '--browsers', '--json'] },
  ];
  // One warm-up each (disk cache, JIT of the spawner), not counted.
  for (const command of commands) timeOnce(command.argv, root);
  const samples = Object.fromEntries(commands.map((c) => [c.key, []]));
  for (let i = 0; i < runs; i++) {
    // Alternate the order every round so neither side always runs right after the other.
    const order = i % 2 === 0 ? commands : [...commands].reverse();
    for (const command of order) samples[command.key].push(timeOnce(command.argv, root).ms);
  }
  const result = { runs };
  for (const command of commands) result[command.key] = { label: command.label, medianMs: round(median(samples[command.key])), samplesMs: samples[command.key].map(round) };
  result.ratio = round(result.triage.medianMs / result.envinfo.medianMs, 3);
  result.ratioComparable = round(result.triageComparable.medianMs / result.envinfo.medianMs, 3);
  const floor = result.floor.medianMs;
  result.ratioAboveFloor = round((result.triage.medianMs - floor) / (result.envinfo.medianMs - floor), 3);

  const width = Math.max(...commands.map((c) => c.label.length));
  log(`triage env vs envinfo: ${runs} paired runs, medians`);
  for (const command of commands) log(`  ${command.label.padEnd(width)}  ${result[command.key].medianMs.toFixed(1).padStart(7)} ms`);
  result.envOwnMs = round(result.triage.medianMs - result.cli.medianMs);
  log(`  ratio triage/envinfo: ${result.ratio} (all fields), ${result.ratioComparable} (envinfo's fields); above the node floor: ${result.ratioAboveFloor}`);
  log(`  triage env's own work (env --json minus --version): ${result.envOwnMs} ms`);
  log(`  goal: under 0.333 → ${result.ratio < 1 / 3 ? 'met' : 'not met'} (all fields), ${result.ratioComparable < 1 / 3 ? 'met' : 'not met'} (envinfo's fields)`);
  return result;
}

function round(value, digits = 1) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const runsIndex = args.indexOf('--runs');
  const runs = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 15;
  const asJson = args.includes('--json');
  const result = await benchEnv({ runs, log: asJson ? () => {} : undefined });
  if (asJson) console.log(JSON.stringify(result, null, 2));
}

// `npm test`: builds, then runs the type check and the test suite side by side. Arguments go to
// vitest (`npm test -- test/core/redact.test.ts`).
//
// The suite is CPU-bound but not every moment: tests wait on child processes, terminals and
// servers. The type check runs at the lowest priority in those gaps instead of before the suite,
// which on two cores takes about 7 s off the whole; it still fails `npm test` when it fails, and
// its output comes after the suite's.
import { spawn, spawnSync } from 'node:child_process';
import { setPriority } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const typeCheck = startTypeCheck();
const suite = spawn(process.execPath, [join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs'), 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
const suiteDone = exitCode(suite);
// Ctrl-C reaches both children through the terminal; this process only waits for them.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {
  suite.kill('SIGTERM');
  typeCheck.child.kill('SIGTERM');
});

const suiteCode = await suiteDone;
const typeCheckCode = await typeCheck.done;
const typeErrors = typeCheck.output().trim();
if (typeCheckCode !== 0) {
  process.stderr.write(`\n${typeErrors}\n\nThe type check failed (tsc --noEmit, exit ${typeCheckCode}): fix the errors above, or run \`npm run typecheck\` to see them alone.\n`);
}
process.exit(suiteCode !== 0 ? suiteCode : typeCheckCode);

function startTypeCheck() {
  const pretty = process.stderr.isTTY ? ['--pretty'] : [];
  const child = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', ...pretty], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = exitCode(child);
  try {
    setPriority(child.pid, 19);
  } catch {
    // Not allowed here: it then competes with the suite, which only costs time.
  }
  const chunks = [];
  child.stdout.on('data', (chunk) => chunks.push(chunk));
  child.stderr.on('data', (chunk) => chunks.push(chunk));
  return { child, done, output: () => Buffer.concat(chunks).toString('utf8') };
}

/** Resolves once the child has exited and its output is read; call it right after spawning. */
function exitCode(child) {
  return new Promise((resolve) => {
    child.once('error', () => resolve(1));
    child.once('close', (code) => resolve(code ?? 1));
  });
}

/**
 * Once per test run:
 * - One temporary directory for the whole run, removed at the end (or by the next run, when Ctrl-C
 *   stopped this one before it could). Workers and every process the tests start inherit it as
 *   TMPDIR, so each `mkdtemp` of a test (homes, playbook directories, servers' files) lands inside
 *   it and nothing is left behind in the system's temporary directory. It is RAM-backed (/dev/shm)
 *   where that has room: the suite writes about 250 MB of small files and SQLite databases, and a
 *   disk's fsyncs cost it seconds. TRIAGE_TEST_TMPDIR picks another parent.
 * - The cache directory every triage under test shares (test/helpers/cli.ts), so that a spawned
 *   binary finds the code V8 compiled for the program in an earlier test's process instead of
 *   compiling it again, whichever worker ran that test.
 */
import { accessSync, chmodSync, constants, mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    sharedCacheDir: string;
  }
}

const RAM_DIR = '/dev/shm';
const RAM_ROOM_NEEDED = 2 * 1024 ** 3;

function parentDirectory(): string {
  const chosen = process.env.TRIAGE_TEST_TMPDIR;
  if (chosen) return chosen;
  try {
    accessSync(RAM_DIR, constants.W_OK);
    const stats = statfsSync(RAM_DIR);
    if (stats.bavail * stats.bsize >= RAM_ROOM_NEEDED) return RAM_DIR;
  } catch {
    // No /dev/shm (macOS, Windows) or not ours to write.
  }
  return tmpdir();
}

/** `triage-run-<vitest's pid>-<random>`: the pid tells whether the run that made it is still going. */
const PREFIX = 'triage-run-';
const RUN_DIR = new RegExp(`^${PREFIX}(\\d+)-`);

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Directories of earlier runs whose vitest is gone (stopped by Ctrl-C before its teardown). */
function removeAbandonedRuns(parent: string): void {
  for (const name of readdirSync(parent)) {
    const pid = Number(RUN_DIR.exec(name)?.[1]);
    if (pid > 0 && pid !== process.pid && !isRunning(pid)) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

export default function setup(project: TestProject): () => void {
  const parent = parentDirectory();
  removeAbandonedRuns(parent);
  const runDir = mkdtempSync(join(parent, `${PREFIX}${process.pid}-`));
  const remove = (): void => rmSync(runDir, { recursive: true, force: true });
  // Ctrl-C ends vitest without its teardown; it still exits.
  process.once('exit', remove);
  // Like /tmp: some tests run triage as another user (`runuser nobody`), who must reach their files.
  chmodSync(runDir, 0o1777);
  process.env.TMPDIR = runDir;
  project.provide('sharedCacheDir', mkdtempSync(join(runDir, 'triage-test-cache-')));
  return remove;
}

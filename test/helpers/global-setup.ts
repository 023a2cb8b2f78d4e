/**
 * Once per test run:
 * - One temporary directory for the whole run, removed at the end. Workers and every process the
 *   tests start inherit it as TMPDIR, so each `mkdtemp` of a test (homes, playbook directories,
 *   servers' files) lands inside it and nothing is left behind in the system's temporary directory.
 *   It is RAM-backed (/dev/shm) where that has room: the suite writes about 250 MB of small files
 *   and SQLite databases, and a disk's fsyncs cost it seconds. TRIAGE_TEST_TMPDIR picks another parent.
 * - The cache directory every triage under test shares (test/helpers/cli.ts), so that a spawned
 *   binary finds the code V8 compiled for the program in an earlier test's process instead of
 *   compiling it again, whichever worker ran that test.
 */
import { accessSync, chmodSync, constants, mkdtempSync, rmSync, statfsSync } from 'node:fs';
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

export default function setup(project: TestProject): () => void {
  const runDir = mkdtempSync(join(parentDirectory(), 'triage-test-run-'));
  // Like /tmp: some tests run triage as another user (`runuser nobody`), who must reach their files.
  chmodSync(runDir, 0o1777);
  process.env.TMPDIR = runDir;
  project.provide('sharedCacheDir', mkdtempSync(join(runDir, 'triage-test-cache-')));
  return () => rmSync(runDir, { recursive: true, force: true });
}

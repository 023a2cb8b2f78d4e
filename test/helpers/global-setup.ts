/**
 * Once per test run: the cache directory every triage under test shares (test/helpers/cli.ts),
 * so that a spawned binary finds the code V8 compiled for the program in an earlier test's
 * process instead of compiling it again, whichever worker ran that test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    sharedCacheDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'triage-test-cache-'));
  project.provide('sharedCacheDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

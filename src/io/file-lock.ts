/**
 * A lock file beside a file that several triage processes read, change and write back
 * (config.json): `<file>.lock`, created exclusively, holding the owner's pid. Synchronous, because
 * conf is. A lock left by a killed process is taken over once its owner is gone or it is stale.
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { TriageError } from '../core/errors.js';

const STALE_MS = 10_000;
const WAIT_MS = 15_000;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function ownerAlive(lockPath: string): boolean {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return true;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeOverIfAbandoned(lockPath: string): void {
  try {
    if (Date.now() - statSync(lockPath).mtimeMs > STALE_MS || !ownerAlive(lockPath)) unlinkSync(lockPath);
  } catch {
    /* gone already, or taken by another waiter: try again */
  }
}

export function withFileLock<T>(path: string, work: () => T): T {
  const lockPath = `${path}.lock`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch {
    /* the write reports it */
  }
  const deadline = Date.now() + WAIT_MS;
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt++) {
    try {
      fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // No lock possible (read-only directory, missing directory): the write itself reports it.
      if (code !== 'EEXIST') return work();
      if (Date.now() > deadline) {
        throw new TriageError('config/locked', `Another triage has held the lock on ${path} for ${WAIT_MS / 1000} s.`, {
          hint: `If no other triage is running, delete ${lockPath} and run the command again.`,
          file: lockPath,
        });
      }
      if (attempt % 20 === 19) takeOverIfAbandoned(lockPath);
      Atomics.wait(sleeper, 0, 0, 5 + Math.floor(Math.random() * 20));
    }
  }
  try {
    return work();
  } finally {
    closeSync(fd);
    try {
      unlinkSync(lockPath);
    } catch {
      /* already removed */
    }
  }
}

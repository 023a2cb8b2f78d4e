/**
 * A check's command runs in its own process group, and that group ends on every way out of
 * triage: SIGTERM, SIGHUP and Ctrl-C (SIGINT) to `triage check` or `triage run`, and a normal
 * exit after a check that left a background child. (A child that calls `setsid` leaves the
 * group and is out of reach; docs/reliability.md says so.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { triageBinary } from '../helpers/cli.js';
import { makeHome, run, sleep, spawnTriage, tempDir, write } from './helpers.js';

/** Running, not a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitForFile(path: string, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8').trim();
      if (text !== '') return Number(text);
    }
    await sleep(50);
  }
  throw new Error(`${path} never appeared`);
}

async function gone(pids: number[], timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pids.every((pid) => !alive(pid))) return true;
    await sleep(50);
  }
  return false;
}

function workspace(): { home: string; dir: string; pids: string } {
  const home = makeHome();
  const pids = tempDir('triage-pids-');
  const dir = join(home, 'playbooks');
  const playbook = (id: string, script: string) =>
    write(
      join(dir, `${id}.md`),
      ['---', `id: ${id}`, `title: ${id}`, 'version: 1.0.0', '---', '', '## Start', '', '```check', `run: [sh, -c, '${script}']`, 'timeout: 60000', "pass: '#resolved-ok'", "fail: '#resolved-ok'", '```', '', '## Resolved: OK', '', '```reply', 'Fine. Please restart the app.', '```', ''].join('\n'),
    );
  // A leader that waits, with a background child that does not hold triage's pipes.
  playbook('slow', `echo $$ > ${pids}/leader; sleep 60 > /dev/null 2>&1 & echo $! > ${pids}/bg; exec sleep 60`);
  // Succeeds at once, leaving a background child behind.
  playbook('leaves-child', `sleep 60 > /dev/null 2>&1 & echo $! > ${pids}/bg`);
  expect(run(['trust', dir], { home }).code).toBe(0);
  return { home, dir, pids };
}

describe('no command outlives triage', () => {
  for (const [command, signals] of [
    ['check', ['SIGTERM', 'SIGHUP', 'SIGINT']],
    ['run', ['SIGTERM', 'SIGHUP', 'SIGINT']],
  ] as const) {
    for (const signal of signals) {
      it(`${signal} to \`triage ${command}\` ends the running command's process group`, async () => {
        const { home, dir, pids } = workspace();
        const args = command === 'check' ? ['--playbooks', dir, 'check', 'slow'] : ['--playbooks', dir, 'run', 'slow', '--no-input', '--customer', 'x', '--description', 'y'];
        const spawned = spawnTriage(args, { home });
        const leader = await waitForFile(join(pids, 'leader'));
        const bg = await waitForFile(join(pids, 'bg'));
        expect(alive(leader)).toBe(true);
        spawned.child.kill(signal);
        const result = await spawned.done;
        expect(result.code === 0).toBe(false);
        expect(await gone([leader, bg])).toBe(true);
      }, 60_000);
    }
  }

  for (const command of ['check', 'run']) {
    it(`a background child of a successful check ends when \`triage ${command}\` does`, () => {
      const { home, dir, pids } = workspace();
      const args = command === 'check' ? ['--playbooks', dir, 'check', 'leaves-child'] : ['--playbooks', dir, 'run', 'leaves-child', '--no-input', '--customer', 'x', '--description', 'y'];
      const result = triageBinary(args, { home });
      expect(result.code, result.stderr).toBe(0);
      const bg = Number(readFileSync(join(pids, 'bg'), 'utf8'));
      expect(alive(bg)).toBe(false);
    });
  }
});

/**
 * Drives the built binary in a real pseudo-terminal (node-pty), the way an agent uses it: the
 * process sees TTYs, inquirer draws its prompts, keys arrive as bytes. Waits are for screen text
 * with a timeout, never fixed sleeps. stdout can be sent to a file to keep the result apart from
 * the prompts (both would otherwise share the one terminal).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { spawn, type IPty } from 'node-pty';
import { BIN, ROOT, testEnv, triage } from './cli.js';

export const KEY = {
  up: '\u001b[A',
  down: '\u001b[B',
  enter: '\r',
  ctrlC: '\u0003',
  ctrlU: '\u0015',
} as const;

export interface PtyOptions {
  readonly home: string;
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** Redirect the process's stdout to this file (the pty keeps stdin and stderr). */
  readonly stdoutFile?: string;
  readonly cols?: number;
  readonly rows?: number;
  /**
   * The agent name to configure first (`triage config set agent.name`), as a set-up agent has it;
   * false leaves the config alone (the first interactive run then asks for it).
   */
  readonly agent?: string | false;
}

export interface PtyRun {
  /**
   * CPU time (user + system, ms) the process has used so far, read from /proc. Unlike elapsed
   * time it does not grow when other tests load the machine.
   */
  cpuMs(): number;
  /** Everything the terminal received so far, ANSI stripped. */
  text(): string;
  /** Everything the terminal received so far, as bytes were written (escape sequences kept). */
  raw(): string;
  /** A position in text(), for waiting on what comes after it. */
  mark(): number;
  /** Resolves with text() once `pattern` appears after `from` (default: the last mark). */
  waitFor(pattern: string | RegExp, options?: { from?: number; timeoutMs?: number }): Promise<string>;
  /** Sends keys as typed. */
  type(keys: string): void;
  /** Types a line and presses enter, once the prompt `prompt` is on screen. */
  answer(prompt: string | RegExp, line: string): Promise<void>;
  /** In the select list drawn after `prompt`, moves the highlight to `label` and presses enter. */
  choose(prompt: string | RegExp, label: string): Promise<void>;
  /** The exit code, once the process ends. */
  exit(timeoutMs?: number): Promise<number>;
  kill(): void;
}

const POINTER = '❯';

export function spawnTriage(args: readonly string[], options: PtyOptions): PtyRun {
  if (options.agent !== false) {
    const configured = triage(['config', 'set', 'agent.name', options.agent ?? 'Sam Lee'], { home: options.home });
    if (configured.code !== 0) throw new Error(`triage config set failed: ${configured.stderr}`);
  }
  const env = testEnv(options.home, { TERM: 'xterm-256color', ...options.env }, { forTerminal: true });
  // `exec` keeps the exit code and the signal handling of node itself.
  const [file, argv] = options.stdoutFile
    ? ['/bin/sh', ['-c', 'out="$1"; shift; exec "$@" > "$out"', 'sh', options.stdoutFile, process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  const pty: IPty = spawn(file, argv, { name: 'xterm-256color', cols: options.cols ?? 120, rows: options.rows ?? 40, cwd: options.cwd ?? ROOT, env });

  let raw = '';
  let lastMark = 0;
  const listeners = new Set<() => void>();
  pty.onData((data) => {
    raw += data;
    for (const listener of [...listeners]) listener();
  });
  let exitCode: number | undefined;
  const exited = new Promise<number>((resolve) => {
    pty.onExit(({ exitCode: code }) => {
      exitCode = code;
      resolve(code);
      for (const listener of [...listeners]) listener();
    });
  });

  const text = (): string => stripVTControlCharacters(raw).replace(/\r\n/g, '\n');

  const waitFor: PtyRun['waitFor'] = (pattern, opts = {}) => {
    const from = opts.from ?? lastMark;
    const timeoutMs = opts.timeoutMs ?? 8000;
    const found = (): boolean => {
      const since = text().slice(from);
      return typeof pattern === 'string' ? since.includes(pattern) : pattern.test(since);
    };
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (found()) {
          done();
          resolve(text());
        } else if (exitCode !== undefined) {
          done();
          reject(new Error(`triage exited (${exitCode}) before showing ${String(pattern)}. Screen:\n${text().slice(-3000)}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${String(pattern)}. Screen since the mark:\n${text().slice(from).slice(-3000)}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  };

  const run: PtyRun = {
    // With stdout to a file, `exec` replaces the shell: pty.pid is triage's own.
    cpuMs: () => processCpuMs(pty.pid),
    text,
    raw: () => raw,
    mark() {
      lastMark = text().length;
      return lastMark;
    },
    waitFor,
    type(keys) {
      pty.write(keys);
    },
    async answer(prompt, line) {
      await waitFor(prompt);
      run.mark();
      pty.write(`${line}${KEY.enter}`);
      // The prompt is done when inquirer redraws it with its answer (✔ ...).
      await waitFor('✔');
    },
    async choose(prompt, label) {
      const from = lastMark;
      await waitFor(prompt);
      const since = text().slice(from);
      const promptAt = from + (typeof prompt === 'string' ? since.indexOf(prompt) : since.search(prompt));
      const deadline = Date.now() + 8000;
      while (Date.now() < deadline) {
        let { entries, pointer } = lastFrame(text().slice(promptAt));
        if (!entries.includes(label)) {
          // The prompt line can arrive before its list (a frame comes in a few chunks).
          await settle(() => text().length);
          ({ entries, pointer } = lastFrame(text().slice(promptAt)));
        }
        const wanted = entries.indexOf(label);
        if (wanted < 0) throw new Error(`"${label}" is not in the list after ${String(prompt)}: ${JSON.stringify(entries)}`);
        if (wanted === pointer) {
          run.mark();
          pty.write(KEY.enter);
          await waitFor('✔');
          return;
        }
        const before = text().length;
        pty.write(wanted > pointer ? KEY.down : KEY.up);
        await waitFor(POINTER, { from: before, timeoutMs: 3000 });
        // Let the rest of the redraw arrive (inquirer writes a frame in a few chunks).
        await settle(() => text().length);
      }
      throw new Error(`Could not move to "${label}" after ${String(prompt)}. Screen:\n${text().slice(promptAt).slice(-2000)}`);
    },
    exit(timeoutMs = 10_000) {
      return Promise.race([
        exited,
        new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`triage did not exit within ${timeoutMs} ms. Screen:\n${text().slice(-2000)}`)), timeoutMs)),
      ]);
    },
    kill() {
      if (exitCode === undefined) pty.kill();
    },
  };
  return run;
}

let clockTicksPerSecond: number | undefined;

/** CPU time (ms) of a live process: utime + stime, fields 14 and 15 of /proc/<pid>/stat, kept in clock ticks. */
function processCpuMs(pid: number): number {
  clockTicksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const afterName = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return ((Number(afterName[11]) + Number(afterName[12])) * 1000) / clockTicksPerSecond;
}

/**
 * The entries of the select list drawn last in `screen` (each line `❯ label` or `  label`, up to
 * the first other line) and the index of the highlighted one.
 */
export function lastFrame(screen: string): { entries: string[]; pointer: number } {
  const lines = screen.split('\n');
  const pointerLine = lines.map((l) => l.startsWith(`${POINTER} `)).lastIndexOf(true);
  if (pointerLine < 0) return { entries: [], pointer: -1 };
  const isEntry = (line: string): boolean => /^(❯ |  )\S/.test(line) || /^ ─+$/.test(line);
  let first = pointerLine;
  while (first > 0 && isEntry(lines[first - 1]!)) first--;
  let last = pointerLine;
  while (last + 1 < lines.length && isEntry(lines[last + 1]!)) last++;
  const frame = lines.slice(first, last + 1).filter((l) => !/^ ─+$/.test(l));
  return { entries: frame.map((l) => l.slice(2).trim()), pointer: frame.findIndex((l) => l.startsWith(`${POINTER} `)) };
}

/** Resolves once `size()` has stopped changing for a moment (a redraw has finished arriving). */
async function settle(size: () => number, quietMs = 40, maxMs = 1000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = size();
  for (;;) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = size();
    if (now === last || Date.now() > deadline) return;
    last = now;
  }
}

export function readOutput(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Skips the scope, frequency and start questions a bug or escalation asks before its report. */
export async function skipReportQuestions(run: PtyRun): Promise<void> {
  await run.waitFor('Before the report is final (Enter skips a question):');
  await run.answer('? Who is affected?', '');
  await run.answer('? How often does it happen?', '');
  await run.answer('? When did it start?', '');
}

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { detectTerminal, type TerminalOptions, type TerminalStreams } from '../../src/io/terminal.js';

/** Fake streams: a TTY or a pipe on each of stdin, stdout and stderr. */
function streams(tty: { stdin?: boolean; stdout?: boolean; stderr?: boolean; columns?: number }): TerminalStreams {
  const make = (isTTY: boolean | undefined) => Object.assign(new PassThrough(), isTTY ? { isTTY: true, columns: tty.columns ?? 80 } : {});
  return { stdin: make(tty.stdin), stdout: make(tty.stdout), stderr: make(tty.stderr) };
}

const TERMINAL = { stdin: true, stdout: true, stderr: true };
const PIPE = { stdin: false, stdout: false, stderr: false };

function detect(tty: Parameters<typeof streams>[0], env: NodeJS.ProcessEnv = {}, options: Omit<TerminalOptions, 'env'> = {}) {
  return detectTerminal(streams(tty), { ...options, env });
}

describe('detectTerminal: colour', () => {
  it.each([
    // case, streams, env, --color/--no-color, expected colour on stdout, on stderr
    ['terminal', TERMINAL, {}, undefined, true, true],
    ['pipe', PIPE, {}, undefined, false, false],
    ['stdout piped, stderr a terminal', { stdin: true, stdout: false, stderr: true }, {}, undefined, false, true],
    ['terminal, NO_COLOR=1', TERMINAL, { NO_COLOR: '1' }, undefined, false, false],
    ['terminal, NO_COLOR empty (any value counts)', TERMINAL, { NO_COLOR: '' }, undefined, false, false],
    ['terminal, --no-color', TERMINAL, {}, false, false, false],
    ['pipe, FORCE_COLOR=1', PIPE, { FORCE_COLOR: '1' }, undefined, true, true],
    ['pipe, FORCE_COLOR empty', PIPE, { FORCE_COLOR: '' }, undefined, true, true],
    ['terminal, FORCE_COLOR=0 (off, as in Node and chalk)', TERMINAL, { FORCE_COLOR: '0' }, undefined, false, false],
    ['terminal, FORCE_COLOR=false', TERMINAL, { FORCE_COLOR: 'false' }, undefined, false, false],
    ['pipe, --color', PIPE, {}, true, true, true],
    ['pipe, FORCE_COLOR=1 and --no-color (the flag wins)', PIPE, { FORCE_COLOR: '1' }, false, false, false],
    ['terminal, NO_COLOR and FORCE_COLOR (NO_COLOR wins)', TERMINAL, { NO_COLOR: '1', FORCE_COLOR: '1' }, undefined, false, false],
    ['pipe, NO_COLOR and --color (the flag wins)', PIPE, { NO_COLOR: '1' }, true, true, true],
    ['terminal, TERM=dumb', TERMINAL, { TERM: 'dumb' }, undefined, false, false],
    ['terminal, TERM=dumb, FORCE_COLOR=1', TERMINAL, { TERM: 'dumb', FORCE_COLOR: '1' }, undefined, true, true],
    ['terminal, CI=true (colour is about the stream, not CI)', TERMINAL, { CI: 'true' }, undefined, true, true],
    ['pipe, CI=true', PIPE, { CI: 'true' }, undefined, false, false],
  ] as const)('%s', (_, tty, env, color, stdout, stderr) => {
    const caps = detect(tty, env, color === undefined ? {} : { color });
    expect({ stdout: caps.colorStdout, stderr: caps.colorStderr }).toEqual({ stdout, stderr });
  });
});

describe('detectTerminal: prompting and spinners', () => {
  it.each([
    ['terminal', TERMINAL, {}, {}, true, true],
    ['stdin piped', { stdin: false, stdout: true, stderr: true }, {}, {}, false, true],
    ['stderr piped', { stdin: true, stdout: true, stderr: false }, {}, {}, false, false],
    // stdout carries the result: piping it (`triage run x > report.md`) still allows prompts on stderr.
    ['stdout piped', { stdin: true, stdout: false, stderr: true }, {}, {}, true, true],
    ['--no-input', TERMINAL, {}, { noInput: true }, false, true],
    ['CI=true', TERMINAL, { CI: 'true' }, {}, false, false],
    ['CI=1', TERMINAL, { CI: '1' }, {}, false, false],
    ['CI=false', TERMINAL, { CI: 'false' }, {}, true, true],
    ['CI=0', TERMINAL, { CI: '0' }, {}, true, true],
    ['CI empty', TERMINAL, { CI: '' }, {}, true, true],
    ['TERM=dumb (prompts work, a spinner cannot redraw)', TERMINAL, { TERM: 'dumb' }, {}, true, false],
    ['NO_COLOR (no effect on prompts or spinners)', TERMINAL, { NO_COLOR: '1' }, {}, true, true],
    ['pipe', PIPE, {}, {}, false, false],
  ] as const)('%s', (_, tty, env, options, canPrompt, canSpin) => {
    const caps = detect(tty, env, options);
    expect({ canPrompt: caps.canPrompt, canSpin: caps.canSpin }).toEqual({ canPrompt, canSpin });
  });

  it('never spins on a terminal that reports 0 columns (ora divides by the width)', () => {
    expect(detect({ ...TERMINAL, columns: 0 }).canSpin).toBe(false);
  });

  it('reports whether stdout is a terminal, whatever the colour decision', () => {
    expect(detect(TERMINAL, { NO_COLOR: '1' }).stdoutIsTTY).toBe(true);
    expect(detect(PIPE, { FORCE_COLOR: '1' }).stdoutIsTTY).toBe(false);
  });
});

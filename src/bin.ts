/** What bin/triage.js calls: builds the context from the real process and runs the CLI. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliContext } from './cli/context.js';

export async function run(argv: readonly string[]): Promise<number> {
  const distDir = dirname(fileURLToPath(import.meta.url));
  const packageRoot = join(distDir, '..');
  const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  // A closed pipe (`triage list | head -1`) is not an error worth a stack trace.
  // Any other failure to write the result (a full disk, a device error) is said in words, exit 1.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    const why = error.code === 'ENOSPC' ? 'the disk is full (ENOSPC)' : `${error.code ?? error.message}`;
    process.stderr.write(`triage: could not write the output: ${why}.\n  hint: Free some space or write the output elsewhere; a finished case is still in the history (\`triage cases list\`).\n`);
    process.exit(1);
  });
  return runWithContext(argv, {
    streams: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
    env: process.env,
    cwd: process.cwd(),
    packageRoot,
    version,
    interrupts: { whileRunning: exitOnInterrupt },
  });
}

/**
 * The CLI for any streams and environment: the real process above, or a test's own. Everything
 * but triage's own version and help text goes through the output guard (no terminal control
 * sequences from playbooks or pasted text).
 */
export async function runWithContext(argv: readonly string[], ctx: CliContext): Promise<number> {
  const { stdout } = ctx.streams;
  // `triage --version` and `triage --help` alone answer without loading commander: scripts call
  // them to probe the install, and they should cost no more than Node's own start-up.
  // Same output as commander's.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    stdout.write(`${ctx.version}\n`);
    return 0;
  }
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h') && !stdout.isTTY) {
    const { snapshotHelp } = await import('./cli/help-snapshot.js');
    const text = snapshotHelp(join(ctx.packageRoot, 'dist'), ctx.packageRoot, ctx.version);
    if (text !== undefined) {
      stdout.write(text);
      return 0;
    }
  }
  // Loaded here, not imported at the top, so the fast paths above stay free of commander.
  const { main } = await import('./cli/main.js');
  const { guardedStream } = await import('./io/terminal.js');
  const { stdin, stderr } = ctx.streams;
  return (await main(argv, { ...ctx, streams: { stdin, stdout: guardedStream(stdout), stderr: guardedStream(stderr) } })).exitCode;
}

/** Ctrl-C during a run: the session is saved as it goes, so say how to resume and exit 130. */
function exitOnInterrupt(note: () => string): () => void {
  const onSigint = (): void => {
    process.stderr.write(`\n${note()}\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  return () => process.removeListener('SIGINT', onSigint);
}

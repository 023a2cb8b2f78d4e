/** What bin/triage.js calls: builds the context from the real process and runs the CLI. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  // `triage --version` and `triage --help` alone answer without loading commander: scripts call
  // them to probe the install, and they should cost no more than Node's own start-up.
  // Same output as commander's.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h') && !process.stdout.isTTY) {
    const { snapshotHelp } = await import('./cli/help-snapshot.js');
    const text = snapshotHelp(distDir, packageRoot, version);
    if (text !== undefined) {
      process.stdout.write(text);
      return 0;
    }
  }
  // Loaded here, not imported at the top, so the fast paths above stay free of commander.
  const { main } = await import('./cli/main.js');
  const { guardedStream } = await import('./io/terminal.js');
  const result = await main(argv, {
    streams: { stdin: process.stdin, stdout: guardedStream(process.stdout), stderr: guardedStream(process.stderr) },
    env: process.env,
    cwd: process.cwd(),
    packageRoot,
    version,
    exit: { code: 0 },
  });
  return result.exitCode;
}

// Runs the triage CLI in this process and reports its peak resident memory on stderr
// (`max-rss-kb=N`), for the memory row of the benchmark.
import { run } from '../dist/bin.js';

process.on('exit', () => process.stderr.write(`\nmax-rss-kb=${process.resourceUsage().maxRSS}\n`));
process.exitCode = await run(process.argv.slice(2));

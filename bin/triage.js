#!/usr/bin/env -S node --
// `--`: Node 20 reads a script argument named --env-file as its own option (nodejs/node#54232)
// and exits 9 when the file is missing; after `--` it leaves `triage run --env-file x` alone.
// Entry point: runs main() from the build and sets the exit code (never process.exit, so output flushes).
import { run } from '../dist/bin.js';

process.exitCode = await run(process.argv.slice(2));

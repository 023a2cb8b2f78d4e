#!/usr/bin/env node
// Entry point: runs main() from the build and sets the exit code (never process.exit, so output flushes).
import { run } from '../dist/bin.js';

process.exitCode = await run(process.argv.slice(2));

#!/usr/bin/env -S node --
// `--`: Node 20 reads a script argument named --env-file as its own option (nodejs/node#54232)
// and exits 9 when the file is missing; after `--` it leaves `triage run --env-file x` alone.
// Entry point: runs the program from the build and sets the exit code (never process.exit, so
// output flushes). CommonJS (bin/package.json): Node starts it a few milliseconds sooner than
// an ES module, and dist/load.cjs loads the program through V8's code cache.
'use strict';
const { join } = require('node:path');

const { run } = require('../dist/load.cjs').loadProgram(join(__dirname, '..', 'dist'));
run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

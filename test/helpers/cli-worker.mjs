// Runs triage commands inside a worker thread for test/helpers/cli.ts: the built CLI
// (dist/bin.js, as the binary runs it) with its own streams, environment and working directory
// per command, one command at a time. The caller waits on `done` (Atomics) and reads the answer
// from `replies` with receiveMessageOnPort, so `triage()` stays synchronous like spawnSync.
import { Readable, Writable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { root, replies } = workerData;
const { runWithContext } = await import(pathToFileURL(join(root, 'dist', 'bin.js')).href);
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function sink(chunks, columns) {
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return Object.assign(stream, { isTTY: false, columns });
}

parentPort.on('message', async ({ args, env, cwd, input, done }) => {
  const stdout = [];
  const stderr = [];
  // Code that reads process.env directly (library defaults) sees the command's environment.
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, env);
  const stdin = Object.assign(Readable.from(input === '' ? [] : [Buffer.from(input)]), { isTTY: false });
  let code;
  try {
    code = await runWithContext(args, { streams: { stdin, stdout: sink(stdout), stderr: sink(stderr) }, env: process.env, cwd, packageRoot: root, version });
  } catch (error) {
    stderr.push(`test worker: the command threw: ${error?.stack ?? error}\n`);
    code = 70;
  }
  replies.postMessage({ code, stdout: stdout.join(''), stderr: stderr.join('') });
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});

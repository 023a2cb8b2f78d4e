// Loader hooks for module-trace.mjs: records the URL of every ES module loaded (runs on the
// loader thread, so it appends to the trace file directly).
import { appendFileSync } from 'node:fs';

let out;

export function initialize(data) {
  out = data.out;
}

export async function load(url, context, next) {
  appendFileSync(out, `${url}\n`);
  return next(url, context);
}

// `node --import ./module-trace.mjs app.js` with MODULE_TRACE=<file>: writes every module the app
// loads to that file, one per line: ES modules by URL (through loader hooks), CommonJS modules
// (require) and scripts compiled with node:vm (the program's files, loaded by dist/load.cjs)
// by path. Used by test/cli/startup-modules.test.ts to count what start-up loads.
import { appendFileSync, writeFileSync } from 'node:fs';
import { createRequire, register, syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';

const out = process.env.MODULE_TRACE;
if (out) {
  writeFileSync(out, '');
  register('./module-trace-hooks.mjs', import.meta.url, { data: { out } });
  const require = createRequire(import.meta.url);
  const Module = require('node:module');
  const load = Module._load;
  Module._load = function traced(request, parent, isMain) {
    const exports = load.apply(this, arguments);
    try {
      const file = Module._resolveFilename(request, parent, isMain);
      if (file.includes('/') || file.includes('\\')) appendFileSync(out, `${pathToFileURL(file).href}\n`);
    } catch {
      /* a builtin */
    }
    return exports;
  };
  const vm = require('node:vm');
  const Script = vm.Script;
  vm.Script = class TracedScript extends Script {
    constructor(code, options) {
      super(code, options);
      if (options?.filename) appendFileSync(out, `${pathToFileURL(options.filename).href}\n`);
    }
  };
  syncBuiltinESMExports();
}

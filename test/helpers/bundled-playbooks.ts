/** The bundled playbooks, parsed (for ranking tests over the real library). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Playbook } from '../../src/core/model.js';
import { parsePlaybook } from '../../src/core/parse-playbook.js';

export const BUNDLED = resolve(import.meta.dirname, '..', '..', 'playbooks');

export function bundledPlaybooks(): Playbook[] {
  return readdirSync(BUNDLED)
    .filter((name) => name.endsWith('.md') && !name.startsWith('_') && !name.startsWith('.'))
    .map((name) => {
      const path = join(BUNDLED, name);
      const { playbook } = parsePlaybook(readFileSync(path, 'utf8'), { path, dir: BUNDLED });
      if (!playbook) throw new Error(`${name} did not parse`);
      return playbook;
    });
}

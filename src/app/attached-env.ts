/**
 * `--env-file`: an environment the customer captured with `triage env --json` (or pasted text:
 * a User-Agent, an `envinfo` block, key: value lines) attached to the case.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TriageError } from '../core/errors.js';
import { parsePastedEnvironment } from '../core/env-paste.js';

export function loadAttachedEnvironment(path: string, cwd: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new TriageError('env-file/unreadable', `Cannot read the environment file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
      hint: 'The customer creates it with `triage env --json > env.json`.',
    });
  }
  const values = parsePastedEnvironment(text);
  if (Object.keys(values).length === 0) {
    throw new TriageError('env-file/empty', `${path} holds no environment details triage recognises.`, {
      hint: 'Expected `triage env --json` output, `npx envinfo` output, a User-Agent, or key: value lines.',
    });
  }
  return values;
}

/** Settings as stored in config.json, and a reader that does not load conf. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { triagePaths } from './paths.js';

export interface Settings {
  'agent.name'?: string;
  'agent.title'?: string;
  'company.name'?: string;
  signoff?: string;
  format?: 'markdown' | 'text' | 'json';
  /** Absolute playbook directories whose commands may run. */
  trusted?: string[];
}

/**
 * Reads settings without loading conf (and its Ajv, ~130 ms): for commands on the hot path that
 * only need to read. A damaged file is reported once on stderr by the caller and treated as empty.
 */
export function readSettingsFast(env: NodeJS.ProcessEnv = process.env): { settings: Settings; problem?: string } {
  const path = resolve(triagePaths(env).config, 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { settings: {} };
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return { settings: value as Settings };
    throw new Error('not an object');
  } catch (error) {
    return { settings: {}, problem: `The settings file ${path} is damaged (${(error as Error).message}); using defaults. Fix it or run \`triage config list\` to repair it.` };
  }
}

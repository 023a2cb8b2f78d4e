/** Answers and environment given up front: --answer key=value, --answers file|-, --env-file. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { EXIT, TriageError } from '../core/errors.js';
import type { AnswerValue } from '../core/flow-types.js';
import { CHANNELS, MOODS, type Channel, type Mood } from '../core/model.js';
// Answers end up in reports printed on terminals and pasted into trackers: escape sequences and
// control characters in them (a pasted log, a hostile value) are made visible, never kept raw.
import { sanitizeForTerminal } from '../core/terminal-text.js';

export function parseAnswerFlags(flags: readonly string[]): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) {
      throw new TriageError('answer/syntax', `--answer "${flag}" is not key=value.`, {
        hint: 'e.g. --answer browser="Firefox 128" --answer which-format-fails=CSV',
        topic: 'answers',
      });
    }
    answers[sanitizeForTerminal(flag.slice(0, eq).trim())] = sanitizeForTerminal(flag.slice(eq + 1));
  }
  return answers;
}

/** A JSON or YAML map of answers (YAML is a superset of JSON); values are scalars or lists of scalars. */
export function parseAnswersText(text: string, source: string): Record<string, AnswerValue> {
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const line = error.linePos?.[0]?.line;
    throw new TriageError('answers/invalid-file', `${source}${line ? `:${line}` : ''}: not valid JSON or YAML: ${error.message.split('\n')[0]}`, {
      hint: 'The answers file is a map of key: value, e.g. `browser: Firefox 128`.',
      topic: 'answers',
    });
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // e.g. an alias bomb ("Excessive alias count"): a bad file, not a bug in triage.
    throw new TriageError('answers/invalid-file', `${source}: cannot be read as answers: ${(error as Error).message.split('\n')[0]}`, {
      hint: 'The answers file is a map of key: value, e.g. `browser: Firefox 128`; it needs no YAML anchors or aliases.',
      topic: 'answers',
    });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TriageError('answers/not-a-map', `${source}: the answers must be a map of key: value.`, { hint: 'e.g.\n  browser: Firefox 128\n  which-format-fails: CSV', topic: 'answers' });
  }
  const answers: Record<string, AnswerValue> = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (typeof raw === 'string') answers[key] = sanitizeForTerminal(raw);
    else if (typeof raw === 'number' || typeof raw === 'boolean') answers[key] = raw;
    else if (Array.isArray(raw) && raw.every((v) => typeof v === 'string' || typeof v === 'number')) answers[key] = raw.map((v) => sanitizeForTerminal(String(v)));
    else if (raw === null) answers[key] = '';
    else {
      throw new TriageError('answers/invalid-value', `${source}: the answer for "${key}" must be text, a number, yes/no or a list.`, {
        hint: 'Nested maps are not answers; flatten them to key: value.',
        topic: 'answers',
      });
    }
  }
  return answers;
}

export function readAnswersFile(path: string, cwd: string, readStdin: () => string): Record<string, AnswerValue> {
  if (path === '-') return parseAnswersText(readStdin(), '<stdin>');
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (error) {
    throw new TriageError('answers/unreadable', `Cannot read the answers file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
      hint: 'Check the path; use --answers - to read the answers from stdin.',
    });
  }
  return parseAnswersText(text, path);
}

export function parseChannel(value: string | undefined): Channel {
  if (value === undefined) return 'email';
  const v = value.toLowerCase();
  if ((CHANNELS as readonly string[]).includes(v)) return v as Channel;
  throw new TriageError('intake/invalid-channel', `--channel must be one of ${CHANNELS.join(', ')}; got "${value}".`, { exitCode: EXIT.usage });
}

export function parseMood(value: string | undefined): Mood {
  if (value === undefined) return 'calm';
  const v = value.toLowerCase();
  if ((MOODS as readonly string[]).includes(v)) return v as Mood;
  throw new TriageError('intake/invalid-mood', `--mood must be one of ${MOODS.join(', ')}; got "${value}".`, { exitCode: EXIT.usage });
}

export const OUTCOME_KIND_LIST = ['resolved', 'workaround', 'works-as-designed', 'feature-request', 'bug', 'escalate'] as const;

export function parseFailOn(value: string | undefined): Set<string> {
  if (!value) return new Set();
  const kinds = value.split(',').map((k) => k.trim()).filter(Boolean);
  for (const kind of kinds) {
    if (!(OUTCOME_KIND_LIST as readonly string[]).includes(kind)) {
      throw new TriageError('run/invalid-fail-on', `--fail-on: "${kind}" is not an outcome kind.`, { hint: `Outcome kinds: ${OUTCOME_KIND_LIST.join(', ')}.`, topic: 'exit-codes' });
    }
  }
  return new Set(kinds);
}

/** Answers and environment given up front: --answer key=value, --answers file|-, --env-file. */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT, TriageError } from '../core/errors.js';
import type { AnswerValue } from '../core/flow-types.js';
import { CHANNELS, MOODS, OUTCOME_KINDS, type Channel, type Mood } from '../core/model.js';
import { parseSignals, SIGNALS, type Signal } from '../core/signals.js';
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

/** --answers: a file, or `-` for stdin. The YAML parser loads only here (answers-file.ts). */
/** An answers file is a few KB; past this it is not one (`/dev/zero`, a log given by mistake). */
const MAX_ANSWERS_BYTES = 16 * 1024 * 1024;

export async function readAnswersFile(path: string, cwd: string, stdin: () => NodeJS.ReadableStream): Promise<Record<string, AnswerValue>> {
  const { parseAnswersText } = await import('./answers-file.js');
  const { readAllBounded, InputTooLarge } = await import('../io/bounded-read.js');
  const tooLarge = (error: unknown): never => {
    if (!(error instanceof InputTooLarge)) throw error;
    throw new TriageError('answers/too-large', `The answers ${path === '-' ? 'on stdin are' : `file ${path} is`} over ${MAX_ANSWERS_BYTES / (1024 * 1024)} MB, so it is no answers file.`, {
      hint: 'Give a map of key: value, e.g. `browser: Firefox 128`.',
      topic: 'answers',
    });
  };
  // A pipe is read to its end, however slowly it is written (`(sleep 1; cat a.yaml) | triage run … --answers -`).
  if (path === '-') return parseAnswersText(await readAllBounded(stdin(), MAX_ANSWERS_BYTES).catch(tooLarge), '<stdin>');
  const full = resolve(cwd, path);
  let text: string;
  try {
    if (statSync(full).isDirectory()) readFileSync(full); // throws EISDIR, reported below
    text = await readAllBounded(createReadStream(full), MAX_ANSWERS_BYTES).catch(tooLarge);
  } catch (error) {
    if (error instanceof TriageError) throw error;
    throw new TriageError('answers/unreadable', `Cannot read the answers file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
      hint: 'Check the path; use --answers - to read the answers from stdin.',
    });
  }
  return parseAnswersText(text, path);
}

/**
 * The customer signals given up front: `--signal` wins over `signals:` in the answers file, which
 * is taken out of the answers (it is not a playbook key). Undefined when neither gives any.
 */
export function takeSignals(flag: string | undefined, prefill: Record<string, AnswerValue>): Signal[] | undefined {
  const fromFile = Object.hasOwn(prefill, 'signals') ? prefill.signals : undefined;
  delete prefill.signals;
  const raw = flag ?? (fromFile === undefined ? undefined : Array.isArray(fromFile) ? fromFile : String(fromFile));
  if (raw === undefined) return undefined;
  const { signals, unknown } = parseSignals(raw);
  if (unknown.length > 0) {
    throw new TriageError('intake/invalid-signal', `Unknown customer signal${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}.`, {
      exitCode: EXIT.usage,
      hint: `Signals: ${SIGNALS.join(', ')} (comma-separated), or none.`,
      topic: 'answers',
    });
  }
  return signals;
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

export function parseFailOn(value: string | undefined): Set<string> {
  if (!value) return new Set();
  const kinds = value.split(',').map((k) => k.trim()).filter(Boolean);
  for (const kind of kinds) {
    if (!(OUTCOME_KINDS as readonly string[]).includes(kind)) {
      throw new TriageError('run/invalid-fail-on', `--fail-on: "${kind}" is not an outcome kind.`, { hint: `Outcome kinds: ${OUTCOME_KINDS.join(', ')}.`, topic: 'exit-codes' });
    }
  }
  return new Set(kinds);
}

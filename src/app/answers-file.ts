/** The --answers file: a JSON or YAML map. Apart from run-inputs.ts so only a run given one loads YAML. */
import { parseDocument } from 'yaml';
import { TriageError } from '../core/errors.js';
import type { AnswerValue } from '../core/flow-types.js';
// Answers end up in reports printed on terminals and pasted into trackers: escape sequences and
// control characters in them (a pasted log, a hostile value) are made visible, never kept raw.
import { sanitizeForTerminal } from '../core/terminal-text.js';

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
    else if (isActionResult(raw)) {
      // An action's result with its reference: `refund: {status: done, reference: RF-1234}`.
      answers[key] = sanitizeForTerminal(String(raw.status));
      if (raw.reference !== undefined && raw.reference !== null) answers[`${key}.reference`] = sanitizeForTerminal(String(raw.reference));
    } else {
      throw new TriageError('answers/invalid-value', `${source}: the answer for "${key}" must be text, a number, yes/no or a list.`, {
        hint: 'Nested maps are not answers (except an action\'s `{status: done, reference: RF-1234}`); flatten them to key: value.',
        topic: 'answers',
      });
    }
  }
  return answers;
}

function isActionResult(raw: unknown): raw is { status: string; reference?: string | number | null } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const keys = Object.keys(raw);
  const { status, reference } = raw as Record<string, unknown>;
  return (
    typeof status === 'string' &&
    keys.every((k) => k === 'status' || k === 'reference') &&
    (reference === undefined || reference === null || typeof reference === 'string' || typeof reference === 'number')
  );
}

import type { TriageError } from '../core/errors.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { formatDiagnostic } from '../render/diagnostics.js';
import type { Style } from '../render/style.js';

/** `triage: <what>` then `  at file:line`, diagnostics, and `  hint: <what to do>`. */
export function formatError(error: TriageError, options: { style: Style }): string {
  const lines: string[] = [];
  const where = error.file ? `${error.file}${error.line ? `:${error.line}` : ''}: ` : '';
  // Messages quote input and playbook text, which may hold escape sequences: made visible.
  // Some messages already start with their file:line (template errors); don't say it twice.
  const located = where !== '' && error.message.startsWith(where) ? error.message : `${where}${error.message}`;
  lines.push(sanitizeForTerminal(`triage: ${located}`));
  for (const d of error.diagnostics) lines.push(`  ${formatDiagnostic(d, options)}`);
  if (error.hint) lines.push(`  hint: ${sanitizeForTerminal(error.hint)}`);
  if (error.topic) lines.push(`  more: triage help ${error.topic}`);
  return `${lines.join('\n')}\n`;
}

/** Diagnostics as text (`file:line:col  error  message  rule`), JSON and GitHub annotations. */
import { isAbsolute, relative } from 'node:path';
import type { Diagnostic } from '../core/model.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import type { Style } from './style.js';

export function formatDiagnostic(d: Diagnostic, options: { style: Style }): string {
  const { style } = options;
  const sev = d.severity === 'error' ? style.red(d.severity) : style.yellow(d.severity);
  const rule = style.dim(d.rule);
  // Messages quote playbook text (headings, labels), which may hold escape sequences: made visible.
  return `${sanitizeForTerminal(d.file)}:${d.line}:${d.column}  ${sev}  ${sanitizeForTerminal(d.message)}  ${rule}`;
}

export function renderDiagnosticsText(diagnostics: readonly Diagnostic[], options: { style: Style; fileCount: number }): string {
  const lines = diagnostics.map((d) => formatDiagnostic(d, options));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const files = `${options.fileCount} playbook${options.fileCount === 1 ? '' : 's'}`;
  lines.push(
    diagnostics.length === 0
      ? `${files} checked, no problems.`
      : `${files} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * File paths relative to `base` (the working directory, or the repository root for GitHub
 * annotations, which attach to repo-relative paths); files outside `base` keep their absolute path.
 */
export function relativeDiagnostics(diagnostics: readonly Diagnostic[], base: string): Diagnostic[] {
  return diagnostics.map((d) => {
    const rel = relative(base, d.file);
    return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? d : { ...d, file: rel.split('\\').join('/') };
  });
}

export function renderDiagnosticsJson(diagnostics: readonly Diagnostic[]): string {
  return `${JSON.stringify({ schema: 'triage.lint/v1', diagnostics }, null, 2)}\n`;
}

/** GitHub Actions workflow commands; data must escape %, CR and LF, properties also : and ,. */
export function renderDiagnosticsGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const level = d.severity === 'error' ? 'error' : 'warning';
      const props = `file=${escapeProperty(sanitizeForTerminal(d.file))},line=${d.line},col=${d.column},title=${escapeProperty(d.rule)}`;
      return `::${level} ${props}::${escapeData(sanitizeForTerminal(d.message))}\n`;
    })
    .join('');
}

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

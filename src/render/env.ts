/**
 * `triage env` output: JSON (the `triage.env/v1` document), a Markdown table to paste into a
 * ticket, and text (aligned sections on a terminal, `key: value` lines in a pipe). Every format
 * reads back with parsePastedEnvironment (src/core/env-paste.ts).
 */
import type { EnvReport } from '../core/env-report.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import type { Style } from './style.js';

const SECTIONS = [
  ['system', 'System'],
  ['binaries', 'Binaries'],
  ['browsers', 'Browsers'],
  ['probes', 'Playbook probes'],
] as const;

export function renderEnvJson(report: EnvReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Probe values come from the machine (env variables, command output): escape sequences are made visible. */
function sections(report: EnvReport): { title: string; entries: [string, string][] }[] {
  return SECTIONS.map(([key, title]) => ({
    title,
    entries: Object.entries(report[key]).map(([k, v]): [string, string] => [sanitizeForTerminal(k), sanitizeForTerminal(v)]),
  })).filter((s) => s.entries.length > 0);
}

function footnote(report: EnvReport): string {
  const redaction = report.redacted ? 'redacted: home path → ~, hostname → [HOST]' : 'NOT redacted';
  return `Captured ${report.captured_at} by triage ${report.triage} (${redaction}).`;
}

export function renderEnvMarkdown(report: EnvReport): string {
  const escape = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const lines: string[] = ['### Environment', ''];
  for (const section of sections(report)) {
    lines.push(`**${section.title}**`, '', '| key | value |', '| --- | --- |');
    for (const [key, value] of section.entries) lines.push(`| ${escape(key)} | ${escape(value)} |`);
    lines.push('');
  }
  lines.push(`<sub>${footnote(report)}</sub>`, '');
  return lines.join('\n');
}

export interface EnvTextOptions {
  /** Aligned sections with headings (a terminal); otherwise `key: value` lines. */
  readonly tty: boolean;
  readonly style: Style;
}

/** A value that says a probe found nothing or failed, shown dimmed on a terminal. */
function isMissing(value: string): boolean {
  return value === 'not found' || /^(?:timed out after|exited \d+|killed by|could not start|output exceeded)/.test(value);
}

export function renderEnvText(report: EnvReport, options: EnvTextOptions): string {
  const { bold, dim } = options.style;
  const lines: string[] = [];
  const all = sections(report);
  if (!options.tty) {
    for (const section of all) {
      lines.push(`# ${section.title}`);
      for (const [key, value] of section.entries) lines.push(`${key}: ${value}`);
      lines.push('');
    }
    lines.push(`# ${footnote(report)}`);
    return `${lines.join('\n')}\n`;
  }
  const width = Math.max(0, ...all.flatMap((s) => s.entries.map(([key]) => key.length)));
  for (const section of all) {
    lines.push(bold(section.title));
    for (const [key, value] of section.entries) lines.push(`  ${key.padEnd(width)}  ${isMissing(value) ? dim(value) : value}`);
    lines.push('');
  }
  lines.push(dim(footnote(report)));
  return `${lines.join('\n')}\n`;
}

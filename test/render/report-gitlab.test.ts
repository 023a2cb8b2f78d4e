import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { neutralizeQuickActions, renderReportGitlab } from '../../src/render/report-gitlab.js';
import { renderReportMarkdown } from '../../src/render/report-markdown.js';
import { sampleBugCase } from '../helpers/sample-case.js';

/** GitLab runs a description line `/command ...` as a quick action (outside code blocks). */
const QUICK_ACTION = /^\/[a-z_]+(?:\s|$)/im;

/** Lines outside fenced code blocks. */
function linesOutsideFences(markdown: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && opening) fence = opening;
    else if (fence !== undefined && opening && opening[0] === fence[0] && opening.length >= fence.length && line.trim() === opening) fence = undefined;
    else if (fence === undefined) out.push(line);
  }
  return out;
}

describe('renderReportGitlab', () => {
  it('is the GitHub report when no line could be a quick action', () => {
    const report = buildReport(sampleBugCase());
    expect(renderReportGitlab(report)).toBe(renderReportMarkdown(report));
  });

  it('escapes lines that GitLab would run as quick actions, and still renders them as typed', () => {
    const base = buildReport(sampleBugCase());
    const report = { ...base, expected: 'The export works.\n/close\n  /assign @me', actual: '/label ~wontfix', replay: `${base.replay}\n/close` };
    const markdown = renderReportGitlab(report);
    expect(linesOutsideFences(markdown).filter((line) => QUICK_ACTION.test(line.trim()))).toEqual([]);
    // Inside the fenced replay block the line is left alone (GitLab skips code blocks).
    expect(markdown).toContain(`${base.replay}\n/close\n\`\`\``);
    const html = new MarkdownIt({ html: true }).render(markdown);
    expect(html).toContain('/close');
    expect(html).toContain('/label ~wontfix');
    expect(html).not.toContain('\\/');
  });

  it('handles longer and tilde fences', () => {
    expect(neutralizeQuickActions('````\n```\n/close\n```\n````\n/close')).toBe('````\n```\n/close\n```\n````\n\\/close');
    expect(neutralizeQuickActions('~~~\n/close\n~~~\n/close')).toBe('~~~\n/close\n~~~\n\\/close');
  });
});

/**
 * Tracker bodies keep their structure whatever the customer typed: Markdown shows customer text
 * literally (checked with markdown-it), a `|` keeps Jira tables intact (checked with Atlassian's
 * own wiki-markup parser), and a body never exceeds the tracker's limit.
 */
import MarkdownIt from 'markdown-it';
import { WikiMarkupTransformer } from '@atlaskit/editor-wikimarkup-transformer';
import { describe, expect, it } from 'vitest';
import { BODY_LIMITS, fitBodyToLimit } from '../../src/core/handoff.js';
import { buildReport, type Report } from '../../src/core/report.js';
import { renderReportGitlab } from '../../src/render/report-gitlab.js';
import { renderReportJira } from '../../src/render/report-jira.js';
import { renderReportMarkdown } from '../../src/render/report-markdown.js';
import { sampleBugCase } from '../helpers/sample-case.js';

const hostile = '# heading\n*bold* _it_ [link](https://evil.example) `code` <b>html</b> ~~strike~~\n- item\n1. one\n| a | b |\n> quote';

function reportWith(description: string, answer: string): Report {
  const base = buildReport(sampleBugCase());
  return { ...base, description, answers: { ...base.answers, pasted: answer } };
}

interface AdfNode {
  type: string;
  text?: string;
  content?: AdfNode[];
}

function textOf(node: AdfNode): string {
  return node.type === 'text' ? (node.text ?? '') : (node.content ?? []).map(textOf).join('');
}

function tables(node: AdfNode, found: AdfNode[] = []): AdfNode[] {
  if (node.type === 'table') found.push(node);
  for (const child of node.content ?? []) tables(child, found);
  return found;
}

describe('Markdown bodies', () => {
  const md = new MarkdownIt();
  it('show customer text literally: no heading, emphasis, link, list or raw HTML from it', () => {
    const html = md.render(renderReportMarkdown(reportWith(hostile, hostile)));
    expect(html).not.toContain('<h1>heading');
    expect(html).not.toContain('<em>bold');
    expect(html).not.toContain('<strong>');
    expect(html).not.toContain('href="https://evil.example"');
    expect(html).not.toContain('<b>html</b>');
    expect(html).not.toContain('<code>code</code>');
    expect(html).not.toContain('<li>item');
    expect(html).toContain('# heading');
    expect(html).toContain('*bold*');
    // The answers table still has two columns in every row.
    const answersTable = html.split('<h3>Answers</h3>')[1]!.split('</table>')[0]!;
    for (const row of answersTable.match(/<tr>[\s\S]*?<\/tr>/g)!) expect(row.match(/<t[dh]/g)).toHaveLength(2);
    expect(answersTable).toContain('| a | b |');
  });
});

describe('Jira bodies, parsed by Atlassian\'s wiki-markup parser', () => {
  const parser = new WikiMarkupTransformer();
  it('keep every table row at its column count when an answer contains |', () => {
    const body = renderReportJira(reportWith('a | b', 'left | right || both'));
    const doc = parser.parse(body).toJSON() as AdfNode;
    const found = tables(doc);
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const table of found) {
      const widths = new Set((table.content ?? []).map((row) => (row.content ?? []).length));
      expect(widths.size).toBe(1);
    }
    const answers = found.find((t) => (t.content ?? []).some((row) => textOf(row).startsWith('pasted')))!;
    const row = answers.content!.find((r) => textOf(r).startsWith('pasted'))!;
    expect(row.content).toHaveLength(2);
    expect(textOf(row.content![1]!)).toMatch(/left .* right/);
  });
});

describe('body limits', () => {
  const big = `${'0123456789 '.repeat(9_091)}`.slice(0, 100_000);
  const renderers = { github: renderReportMarkdown, gitlab: renderReportGitlab, jira: renderReportJira } as const;
  for (const tracker of ['github', 'gitlab', 'jira'] as const) {
    it(`fit a report with a 100,000-character answer in ${tracker}'s ${BODY_LIMITS[tracker].toLocaleString('en-US')} characters`, () => {
      const report = reportWith('It fails.', big);
      const fitted = fitBodyToLimit(report, renderers[tracker], BODY_LIMITS[tracker], 'CASE.full.md');
      expect(fitted.body.length).toBeLessThanOrEqual(BODY_LIMITS[tracker]);
      if (renderers[tracker](report).length > BODY_LIMITS[tracker]) {
        expect(fitted.shortened.length).toBeGreaterThan(0);
        expect(fitted.body).toContain('the full text is in CASE.full.md');
      } else {
        expect(fitted.shortened).toEqual([]);
        expect(fitted.body).toBe(renderers[tracker](report));
      }
    });
  }
  it('leaves a report that fits as it is', () => {
    const report = buildReport(sampleBugCase());
    const fitted = fitBodyToLimit(report, renderReportJira, BODY_LIMITS.jira, 'x');
    expect(fitted.body).toBe(renderReportJira(report));
    expect(fitted.shortened).toEqual([]);
  });
});

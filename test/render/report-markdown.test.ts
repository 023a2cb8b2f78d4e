import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { buildReport, type Report } from '../../src/core/report.js';
import { code, escapeCell, renderReportMarkdown } from '../../src/render/report-markdown.js';
import { sampleBugCase, sampleResolvedCase } from '../helpers/sample-case.js';

// GitHub renders the HTML we use (<details>, <summary>, <br>) and sanitises the rest.
const markdown = new MarkdownIt({ html: true });
const LEAKS = /undefined|\bnull\b|NaN|\[object Object\]|\{\{|\{%/;

const REPLY = 'Hi Dana,\n\nOur engineers now have a full report of this.\n\nBest regards,\nSam Lee';

function bugReport(): Report {
  return buildReport({ ...sampleBugCase(), reply: REPLY });
}

/** A report with every optional field empty: no name, agent, environment, expectation or reply. */
function minimalReport(): Report {
  const base = sampleResolvedCase();
  return buildReport({
    ...base,
    intake: { customer: { channel: 'chat', mood: 'calm' }, description: '' },
    settings: {},
    view: { ...base.view, env: {}, answers: {} },
  });
}

/** Cells of each body row of the first table after `heading`. */
function tableRows(html: string, heading: string): string[][] {
  const section = html.slice(html.indexOf(heading));
  const body = section.slice(section.indexOf('<tbody>'), section.indexOf('</tbody>'));
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!));
}

describe('renderReportMarkdown', () => {
  it('renders the sample bug report', () => {
    expect(renderReportMarkdown(bugReport())).toMatchSnapshot();
  });

  it('renders a report with every optional field empty', () => {
    const text = renderReportMarkdown(minimalReport());
    expect(text).toMatchSnapshot();
    expect(text).not.toMatch(LEAKS);
    expect(text).toContain('_Nothing was captured._');
    expect(text).toContain('_No description was given._');
    expect(text).not.toContain('Reply to the customer');
  });

  it('is valid GitHub Markdown: tables, a numbered list, a collapsed path and a shell block', () => {
    const html = markdown.render(renderReportMarkdown(bugReport()));
    expect(html).toMatch(/^<h2>PDF export times out \(Firefox 128\.0\)<\/h2>/);
    expect(html.match(/<table>/g)).toHaveLength(3); // summary, environment, path
    expect(tableRows(html, '<h2>')[0]).toEqual(['Case', '<code>TRI-20261127-7F3A</code>']);
    expect(tableRows(html, '<h3>Environment</h3>')).toEqual([
      ['<code>browser</code>', 'Firefox 128.0'],
      ['<code>browser_os</code>', 'Windows 10 or 11'],
      ['<code>app_version</code>', '4.2.1'],
    ]);
    const steps = html.slice(html.indexOf('<h3>Steps to reproduce</h3>'));
    expect(steps).toMatch(/^<h3>Steps to reproduce<\/h3>\n<ol>\n<li>Environment: browser = Firefox 128\.0/);
    expect(steps.slice(0, steps.indexOf('</ol>')).match(/<li>/g)).toHaveLength(3);
    expect(html).toContain('<h3>Expected</h3>\n<p>The PDF downloads within a minute.</p>');
    expect(html).toContain('<h3>Actual</h3>\n<p>The spinner never stops and no file is downloaded.</p>');
    expect(html).toMatch(/<details>\n<summary>Path through the playbook \(2 steps\)<\/summary>\n<table>/);
    expect(tableRows(html, 'Path through the playbook')[0]).toEqual([
      '1',
      'Which format fails?<br><code>which-format-fails</code>',
      'Which format were you exporting when it failed: CSV or PDF?',
      'PDF',
    ]);
    expect(html).toContain('<pre><code class="language-sh">triage run export-fails --no-input --replay-of TRI-20261127-7F3A');
    expect(html).toContain('<pre><code class="language-text">Hi Dana,');
  });

  it('keeps tables intact when values contain pipes, newlines, HTML or backticks', () => {
    const base = sampleBugCase();
    const report = buildReport({
      ...base,
      intake: { ...base.intake, description: 'It says <details> then </details>\nand | pipes' },
      view: {
        ...base.view,
        env: { browser: 'Firefox | ESR\n128.0', app_version: '<b>4.2.1</b>' },
        answers: { 'odd`key': 'a | b' },
        path: [{ ...base.view.path[0]!, said: 'Line one\nLine two | with pipe', answer: '`PDF`' }, base.view.path[1]!],
      },
    });
    const text = renderReportMarkdown(report);
    const html = markdown.render(text);
    expect(tableRows(html, '<h3>Environment</h3>')).toEqual([
      ['<code>browser</code>', 'Firefox | ESR<br>128.0'],
      ['<code>app_version</code>', '&lt;b&gt;4.2.1&lt;/b&gt;'],
    ]);
    expect(tableRows(html, '<h3>Answers</h3>')).toEqual([['<code>odd`key</code>', 'a | b']]);
    const path = tableRows(html, 'Path through the playbook');
    expect(path[0]).toHaveLength(4);
    expect(path[0]![2]).toBe('Line one<br>Line two | with pipe');
    expect(path[0]![3]).toBe('`PDF`'); // customer text shows as typed, never as Markdown
    // The customer's text cannot open or close a <details> of ours.
    expect(html.match(/<details>/g)).toHaveLength(1); // only the path's; this report has no reply
    expect(html).toContain('It says &lt;details&gt; then &lt;/details&gt;');
  });

  it('never prints placeholders, undefined, null or objects', () => {
    for (const report of [bugReport(), minimalReport()]) expect(renderReportMarkdown(report)).not.toMatch(LEAKS);
  });

  it('is deterministic', () => {
    expect(renderReportMarkdown(bugReport())).toBe(renderReportMarkdown(bugReport()));
  });
});

describe('Markdown escaping helpers', () => {
  it('escapes cells and code spans', () => {
    expect(escapeCell('a | b\nc <d>')).toBe('a \\| b<br>c &lt;d&gt;');
    expect(escapeCell('')).toBe(' ');
    expect(code('plain')).toBe('`plain`');
    expect(code('has ` tick')).toBe('``has ` tick``');
    expect(code('`edge`')).toBe('`` `edge` ``');
  });
});

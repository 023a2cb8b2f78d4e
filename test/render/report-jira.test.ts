/**
 * The Jira renderer against Jira's wiki markup rules. No Jira here, so the test carries a small
 * model of how Jira reads a line (what it shows literally, what it takes as markup), written from
 * the notation help and the jira-wiki-markup parser's rules, and checks:
 * - user text comes out literally and never formats (a property over arbitrary strings);
 * - the report's own structure is what Jira expects: h2./h3. headings, ||head|| tables with the
 *   right number of cells, # steps, balanced {quote}/{noformat}/{code} blocks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReport, type Report } from '../../src/core/report.js';
import { escapeJiraText, jiraBlock, jiraCell, jiraMonospace, jiraParagraph, renderReportJira } from '../../src/render/report-jira.js';
import { sampleBugCase, sampleResolvedCase } from '../helpers/sample-case.js';

// ---------------------------------------------------------------------------------------------
// A model of Jira's reading of one line

const ESCAPABLE = new Set([...'{}[]|!*_-+^~?#&\\']);
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
const WORD = /[\p{L}\p{N}]/u;

interface Char {
  readonly ch: string;
  /** Came from an escape or an entity: never markup. */
  readonly literal: boolean;
}

interface Reading {
  /** What Jira shows. */
  readonly text: string;
  /** Markup Jira would apply (empty for plain text). */
  readonly markup: string[];
}

function readJiraLine(line: string, options: { lineStart: boolean; inTable?: boolean }): Reading {
  const markup: string[] = [];
  if (options.lineStart) {
    if (/^\s*h[1-6]\./.test(line)) markup.push('heading');
    if (/^\s*bq\./.test(line)) markup.push('quote');
    if (/^\s*[#*-]+ /.test(line)) markup.push('list');
    if (/^\s*\|/.test(line)) markup.push('table');
    if (/^-{4,}\s*$/.test(line)) markup.push('rule');
  }
  const chars: Char[] = [];
  const input = [...line];
  for (let i = 0; i < input.length; i += 1) {
    const c = input[i]!;
    const next = input[i + 1];
    if (c === '\\') {
      if (next === '\\') {
        markup.push('line break');
        i += 1;
      } else if (next !== undefined && ESCAPABLE.has(next)) {
        chars.push({ ch: next, literal: true });
        i += 1;
      } else {
        chars.push({ ch: c, literal: false });
      }
      continue;
    }
    if (c === '&') {
      const entity = /^&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.exec(input.slice(i, i + 12).join(''));
      if (entity) {
        const name = entity[1]!;
        const decoded = name.startsWith('#x') ? String.fromCodePoint(parseInt(name.slice(2), 16)) : name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : ENTITIES[name];
        if (decoded === undefined) markup.push(`unknown entity ${entity[0]}`);
        else chars.push({ ch: decoded, literal: true });
        i += [...entity[0]].length - 1;
        continue;
      }
    }
    chars.push({ ch: c, literal: false });
  }
  const live = (i: number, set: string): boolean => chars[i] !== undefined && !chars[i]!.literal && set.includes(chars[i]!.ch);
  for (let i = 0; i < chars.length; i += 1) {
    if (live(i, '{}[]!')) markup.push(`macro/link/image ${chars[i]!.ch}`);
    if (live(i, '|')) markup.push(options.inTable ? 'cell separator' : 'pipe');
    if (live(i, '-') && live(i + 1, '-')) markup.push('dash');
    if (live(i, '?') && live(i + 1, '?')) markup.push('citation');
  }
  // Paired delimiters: opens after a non-word character and before a non-space; closes after a
  // non-space and before a non-word character.
  const isWord = (i: number): boolean => chars[i] !== undefined && WORD.test(chars[i]!.ch);
  const isSpace = (i: number): boolean => chars[i] === undefined || /\s/.test(chars[i]!.ch);
  for (const delimiter of '*_-+^~') {
    for (let open = 0; open < chars.length; open += 1) {
      if (!live(open, delimiter) || isWord(open - 1) || isSpace(open + 1)) continue;
      for (let close = open + 2; close < chars.length; close += 1) {
        if (live(close, delimiter) && !isSpace(close - 1) && !isWord(close + 1)) {
          markup.push(`${delimiter}…${delimiter}`);
          break;
        }
      }
    }
  }
  return { text: chars.map((c) => c.ch).join(''), markup };
}

// Arbitrary text, weighted towards Jira's special characters.
const nasty = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...'{}[]|!*_-+^~?#&\\ .:;()h1bq'.split('')) },
      { weight: 1, arbitrary: fc.constantFrom('{code}', '{noformat}', '&amp;', '&#92;', '\\\\', 'h1. ', 'bq. ', '----', '??', '*bold*', '_it_', '-del-', '[x|http://a]', '!a.png!', 'é', '字', '🎉') },
      { weight: 2, arbitrary: fc.string({ maxLength: 4 }) },
    ),
    { maxLength: 20 },
  )
  .map((parts) => parts.join('').replace(/[\r\n]/g, ' '));

describe('escapeJiraText', () => {
  it('shows any line literally and never formats it', () => {
    fc.assert(
      fc.property(nasty, (text) => {
        const reading = readJiraLine(escapeJiraText(text), { lineStart: false, inTable: true });
        expect(reading.markup).toEqual([]);
        expect(reading.text).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves ordinary words and word-internal punctuation readable', () => {
    expect(escapeJiraText('export-fails snake_case a+b 2^10 x~y')).toBe('export-fails snake_case a+b 2^10 x~y');
    expect(escapeJiraText('*bold* _it_ -del- +ins+ ^sup^ ~sub~')).toBe('\\*bold\\* \\_it\\_ \\-del\\- \\+ins\\+ \\^sup\\^ \\~sub\\~');
    expect(escapeJiraText('{code} [link|http://x] a|b !img.png!')).toBe('\\{code\\} \\[link&#124;http://x\\] a&#124;b \\!img.png\\!');
    expect(escapeJiraText('a -- b --- c ??cite??')).toBe('a \\-\\- b \\-\\-\\- c \\?\\?cite\\?\\?');
    expect(escapeJiraText('C:\\Users\\dana and \\\\server\\share and a\\*b')).toBe('C:\\Users\\dana and &#92;\\server\\share and a&#92;\\*b');
    expect(escapeJiraText('Tom &amp; Jerry & co')).toBe('Tom &amp;amp; Jerry & co');
  });
});

describe('jiraParagraph', () => {
  it('keeps every line literal, including lines that would start a heading, list, quote or table', () => {
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 1, maxLength: 5 }), (lines) => {
        const text = lines.join('\n');
        const expected = text
          .trim()
          .split('\n')
          .map((line) => line.trimEnd());
        const out = jiraParagraph(text).split('\n');
        expect(out).toHaveLength(expected.length);
        out.forEach((line, i) => {
          const reading = readJiraLine(line, { lineStart: true });
          expect(reading.markup).toEqual([]);
          expect(reading.text).toBe(expected[i]);
        });
      }),
      { numRuns: 1000 },
    );
    expect(jiraParagraph('h1. Big\nbq. quote\n# one\n* two\n- three\n|| x ||\n----')).toBe(
      '&#104;1. Big\n&#98;q. quote\n&#35; one\n\\* two\n\\- three\n&#124;&#124; x &#124;&#124;\n\\-\\-\\-\\-',
    );
  });
});

describe('cells, monospace and blocks', () => {
  it('a cell is one line with \\\\ line breaks and no live pipe; an empty cell is a space', () => {
    expect(jiraCell('a | b\nsecond line')).toBe('a &#124; b \\\\ second line');
    expect(jiraCell('  ')).toBe(' ');
  });

  it('monospace content cannot close the braces early', () => {
    expect(jiraMonospace('a}}b')).toBe('{{a\\}\\}b}}');
  });

  it('a block is never closed by its own content', () => {
    expect(jiraBlock('echo hi', { code: 'bash' })).toBe('{code:bash}\necho hi\n{code}');
    expect(jiraBlock('echo {code}', { code: 'bash' })).toBe('{noformat}\necho {code}\n{noformat}');
    expect(jiraBlock('Dear Dana,\n\nthanks', 'prose')).toBe('{noformat}\nDear Dana,\n\nthanks\n{noformat}');
    expect(jiraBlock('see {noformat}', 'prose')).toBe('{code:none}\nsee {noformat}\n{code}');
    const both = jiraBlock('{code} and {noformat}', 'prose');
    expect(both.split('\n').slice(1, -1).join('\n')).not.toContain('{noformat}');
    expect(both.startsWith('{noformat}\n') && both.endsWith('\n{noformat}')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// The whole report

interface Block {
  readonly kind: 'heading' | 'table' | 'list' | 'quote' | 'code' | 'noformat' | 'paragraph';
  readonly lines: string[];
  readonly level?: number;
  readonly text?: string;
}

/** Splits rendered markup into Jira blocks, checking that {quote}/{code}/{noformat} are balanced. */
function blocks(markup: string): Block[] {
  const lines = markup.replace(/\n$/, '').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line === '') continue;
    const heading = /^h([1-6])\. (.*)$/.exec(line);
    if (heading) {
      out.push({ kind: 'heading', level: Number(heading[1]), text: readJiraLine(heading[2]!, { lineStart: false }).text, lines: [line] });
      continue;
    }
    const opening = /^\{(quote|code(?::[a-z]+)?|noformat)\}$/.exec(line);
    if (opening) {
      const name = opening[1]!.split(':')[0]!;
      const body: string[] = [];
      i += 1;
      while (i < lines.length && lines[i] !== `{${name}}`) body.push(lines[i++]!);
      if (i >= lines.length) throw new Error(`unclosed {${name}}`);
      out.push({ kind: name as Block['kind'], lines: body });
      continue;
    }
    const kind = line.startsWith('|') ? 'table' : line.startsWith('# ') ? 'list' : 'paragraph';
    const group = [line];
    while (i + 1 < lines.length && lines[i + 1] !== '' && (kind === 'paragraph' ? !/^(h\d\. |\{|\||# )/.test(lines[i + 1]!) : lines[i + 1]!.startsWith(kind === 'table' ? '|' : '# '))) group.push(lines[++i]!);
    out.push({ kind, lines: group });
  }
  return out;
}

/** Cells of a table row: split at live pipes only. */
function cells(row: string): { header: boolean; values: string[] } {
  const header = row.startsWith('||');
  const separator = header ? '||' : '|';
  const inner = row.slice(separator.length, row.length - separator.length);
  const values: string[] = [];
  let current = '';
  for (let i = 0; i < inner.length; i += 1) {
    if (inner[i] === '\\') {
      current += inner.slice(i, i + 2);
      i += 1;
    } else if (inner.startsWith(separator, i)) {
      values.push(current);
      current = '';
      i += separator.length - 1;
    } else current += inner[i];
  }
  values.push(current);
  return { header, values };
}

function hostileReport(): Report {
  const base = buildReport(sampleBugCase());
  return {
    ...base,
    title: 'Export *fails* for {panel} [admin|http://evil] users',
    description: 'h1. Not a heading\n# not a list\n* not a bullet\n|| not || a table ||\nbq. not a quote\n----\n{code}raw{code} and !image.png! and C:\\temp\\\\x',
    expected: 'The _whole_ file -- every row -- is there.',
    actual: 'It stops at 50% ??why??',
    answers: { ...base.answers, 'we|ird': 'a|b\nc', notes: '{noformat}' },
    labels: ['export', 'needs repro'],
  };
}

describe('renderReportJira', () => {
  it('renders the sample bug report', () => {
    expect(renderReportJira(buildReport({ ...sampleBugCase(), reply: 'Hi Dana,\n\nThanks.\n\nBest regards,\nSam Lee' }))).toMatchSnapshot();
  });

  it('has the sections, tables and numbered steps of the Markdown report', () => {
    const report = buildReport({ ...sampleBugCase(), reply: 'Hi Dana,\n\nThanks.' });
    const parsed = blocks(renderReportJira(report));
    expect(parsed.filter((b) => b.kind === 'heading').map((b) => `h${b.level} ${b.text}`)).toEqual([
      'h2 PDF export times out (Firefox 128.0)',
      'h3 Summary',
      'h3 Environment',
      'h3 Steps to reproduce',
      'h3 Expected',
      'h3 Actual',
      ...(Object.keys(report.answers).length > 0 ? ['h3 Answers'] : []),
      `h3 Path through the playbook (${report.path.length} steps)`,
      'h3 Reply to the customer',
      'h3 Replay',
    ]);
    const steps = parsed.find((b) => b.kind === 'list')!;
    expect(steps.lines).toHaveLength(report.steps_to_reproduce.length);
    expect(steps.lines.map((l) => readJiraLine(l.slice(2), { lineStart: false }).text)).toEqual(report.steps_to_reproduce);
    for (const table of parsed.filter((b) => b.kind === 'table')) {
      const [head, ...rows] = table.lines.map(cells);
      expect(head!.header).toBe(true);
      for (const row of rows) {
        expect(row.header).toBe(false);
        expect(row.values).toHaveLength(head!.values.length);
      }
    }
    expect(parsed.find((b) => b.kind === 'noformat')!.lines.join('\n')).toBe('Hi Dana,\n\nThanks.');
    expect(parsed.find((b) => b.kind === 'code')!.lines.join('\n')).toBe(report.replay);
  });

  it('keeps hostile text from customers and playbooks literal everywhere', () => {
    const report = hostileReport();
    const markup = renderReportJira(report);
    const parsed = blocks(markup);
    expect(parsed[0]).toMatchObject({ kind: 'heading', level: 2, text: report.title });
    expect(readJiraLine(parsed[0]!.lines[0]!.slice(4), { lineStart: false }).markup).toEqual([]);

    const quote = parsed.find((b) => b.kind === 'quote')!;
    expect(quote.lines.map((l) => readJiraLine(l, { lineStart: true }))).toEqual(
      report.description.split('\n').map((line) => ({ text: line, markup: [] })),
    );
    // Every table keeps its shape, and cells read back as the values (no live markup).
    for (const table of parsed.filter((b) => b.kind === 'table')) {
      const [head, ...rows] = table.lines.map(cells);
      for (const row of rows) expect(row.values).toHaveLength(head!.values.length);
    }
    const answers = parsed[parsed.findIndex((b) => b.kind === 'heading' && b.text === 'Answers') + 1]!;
    const answerRows = answers.lines.slice(1).map((row) => cells(row).values);
    const weird = answerRows.find((row) => row[0]!.includes('we'))!;
    expect(readJiraLine(weird[0]!.slice(2, -2), { lineStart: false, inTable: true })).toEqual({ text: 'we|ird', markup: [] });
    expect(weird[1]).toBe('a&#124;b \\\\ c');
    // Paragraphs under Expected and Actual read back literally.
    const after = (title: string): Block => parsed[parsed.findIndex((b) => b.kind === 'heading' && b.text === title) + 1]!;
    expect(readJiraLine(after('Expected').lines[0]!, { lineStart: true })).toEqual({ text: report.expected, markup: [] });
    expect(readJiraLine(after('Actual').lines[0]!, { lineStart: true })).toEqual({ text: report.actual, markup: [] });
  });

  it('says so when fields are empty, with no leaks', () => {
    const base = sampleResolvedCase();
    const report = buildReport({ ...base, intake: { customer: { channel: 'chat', mood: 'calm' }, description: '' }, settings: {}, view: { ...base.view, env: {}, answers: {} } });
    const markup = renderReportJira(report);
    expect(markup).toContain('_No description was given._');
    expect(markup).toContain('_Nothing was captured._');
    expect(markup).toContain('|Severity|_not rated_|');
    expect(markup).not.toMatch(/undefined|\bnull\b|NaN|\[object Object\]/);
    expect(markup).not.toContain('Reply to the customer');
  });
});

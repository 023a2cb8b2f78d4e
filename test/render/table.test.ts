import { describe, expect, it } from 'vitest';
import { fitColumns, renderPlainColumns, renderTable } from '../../src/render/table.js';

const HEAD = ['ID', 'TITLE', 'SOURCE'];
const ROWS = [
  ['cannot-log-in', 'Customer cannot log in', 'bundled'],
  ['fix-regressed', '"You said it was fixed": the problem is back and the customer is not amused', 'project'],
];

const visibleWidth = (line: string): number => [...line.replace(/\u001b\[[0-9;]*m/g, '')].length;

describe('off a terminal', () => {
  it('prints plain aligned columns: no box drawing, no ANSI, no trailing spaces', () => {
    const text = renderTable(HEAD, ROWS, { tty: false, columns: 40 });
    const title = (t: string): string => t.padEnd(ROWS[1]![1]!.length);
    expect(text).toBe(
      [
        `ID             ${title('TITLE')}  SOURCE`,
        `cannot-log-in  ${title('Customer cannot log in')}  bundled`,
        `fix-regressed  ${title(ROWS[1]![1]!)}  project`,
        '',
      ].join('\n'),
    );
    expect(text).not.toMatch(/[\u001b│┌─]/);
  });

  it('keeps one row per line when a cell holds a newline or tab', () => {
    expect(renderPlainColumns(['A', 'B'], [['x\ny', 'z\tw']])).toBe('A    B\nx y  z w\n');
  });

  it('aligns by the cells a terminal shows: CJK and emoji are two wide', () => {
    const text = renderPlainColumns(['ID', 'TITLE', 'TAGS'], [['ログイン', 'x', 'a'], ['🔥fire', 'y', 'b'], ['plain', 'z', 'c']]);
    // Every TITLE cell starts in the same terminal column.
    const starts = text.trimEnd().split('\n').map((line) => {
      const cut = line.search(/ {2}[A-Zxyz]/);
      let cells = 0;
      for (const ch of line.slice(0, cut)) cells += /[\u3000-\u9fff]|\p{Extended_Pictographic}/u.test(ch) ? 2 : 1;
      return cells;
    });
    expect(new Set(starts).size, text).toBe(1);
    expect(starts[0]).toBe(8);
  });
});

describe('on a terminal', () => {
  it('draws a box without a rule between rows, and without ANSI colour', () => {
    const text = renderTable(HEAD, ROWS.slice(0, 1), { tty: true });
    expect(text.split('\n')).toHaveLength(6); // top, head, rule, row, bottom, ''
    expect(text).toContain('│ cannot-log-in │');
    expect(text).not.toMatch(/\u001b\[/);
  });

  it.each([60, 80, 120])('fits a %i-column terminal by wrapping the wide columns', (columns) => {
    const lines = renderTable(HEAD, ROWS, { tty: true, columns }).trimEnd().split('\n');
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(columns);
    // Narrow columns are never wrapped.
    expect(lines.some((l) => l.includes('│ fix-regressed │'))).toBe(true);
  });

  it('leaves a table that fits alone', () => {
    expect(renderTable(HEAD, ROWS.slice(0, 1), { tty: true, columns: 200 })).toBe(renderTable(HEAD, ROWS.slice(0, 1), { tty: true }));
  });
});

describe('fitColumns', () => {
  it('returns undefined when the table fits or the width is unknown', () => {
    expect(fitColumns([10, 10], 30)).toBeUndefined();
    expect(fitColumns([10, 100], undefined)).toBeUndefined();
    expect(fitColumns([10, 100], 0)).toBeUndefined();
  });

  it('keeps narrow columns whole and splits the rest of the width among the wide ones', () => {
    // 4 borders; 80 - 4 = 76; the 10 keeps 10; 66 left for two wide columns: 33 each.
    expect(fitColumns([10, 100, 50], 80)).toEqual([10, 33, 33]);
    expect(fitColumns([10, 100, 20], 80)).toEqual([10, 46, 20]);
  });

  it('uses the whole width when it divides unevenly', () => {
    const widths = fitColumns([100, 100, 100], 80)!;
    expect(widths.reduce((a, b) => a + b, 0) + 4).toBe(80);
  });

  it('never squeezes a column below a readable minimum', () => {
    expect(Math.min(...fitColumns([50, 50, 50, 50], 20)!)).toBeGreaterThanOrEqual(8);
  });
});

describe('tables that fit: ids whole, other columns dropped or wrapped first', () => {
  const widest = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));

  it('search at 80 columns keeps every id whole and fits; at 200 shows every column', async () => {
    const { renderSearchText } = await import('../../src/render/playbook-list.js');
    const suggestions = ['data-missing-or-not-syncing', 'email-notifications-missing', 'upload-or-export-fails'].map((id, i) => ({
      id,
      title: `A rather long title for the playbook number ${i} that would not fit`,
      score: 100 - i,
      strength: i === 0 ? ('strong' as const) : ('weak' as const),
      matched: ['export', 'empty', 'csv', 'download', 'spins'],
      cases: [{ id: 'TRI-20261101-0000', sameCustomer: false, outcome: 'resolved: r', startedAt: '2026-11-01', shared: ['a', 'b'] }],
    }));
    const narrow = await renderSearchText(suggestions, { tty: true, columns: 80 });
    expect(widest(narrow)).toBeLessThanOrEqual(80);
    for (const s of suggestions) expect(narrow).toContain(s.id);
    expect(narrow).not.toContain('…');
    const wide = await renderSearchText(suggestions, { tty: true, columns: 200 });
    expect(wide).toContain('PAST CASES');
    expect(wide).toContain('TRI-20261101-0000');
  });

  it('cases list fits 80 columns with the case and playbook ids whole', async () => {
    const { renderCaseList } = await import('../../src/render/cases.js');
    const cases = [1, 2].map((n) => ({
      id: `TRI-20261204-00${n}0`,
      status: 'done' as const,
      playbook: { id: 'data-missing-or-not-syncing', version: '2.0.0', title: 'Data missing' },
      customer: 'Alexandra Montgomery-Smith',
      channel: 'email',
      outcome: { kind: 'workaround' as const, title: 'Export in smaller date ranges and merge the files afterwards' },
      escalated: false,
      startedAt: '2026-12-04T16:25:00.000Z',
      durationMs: 84_000,
    }));
    const text = renderCaseList(cases, 2, { tty: true, columns: 80 });
    expect(widest(text)).toBeLessThanOrEqual(80);
    expect(text).toContain('TRI-20261204-0010');
    expect(text).toContain('data-missing-or-not-syncing');
  });
});

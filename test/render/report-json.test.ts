import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { renderReportJson } from '../../src/render/report-json.js';
import { sampleBugCase } from '../helpers/sample-case.js';

describe('renderReportJson', () => {
  const report = buildReport({ ...sampleBugCase(), reply: 'Hi Dana,\n\nThanks.' });

  it('renders the sample bug report', () => {
    expect(renderReportJson(report)).toMatchSnapshot();
  });

  it('uses 2-space indentation and ends with one newline', () => {
    const text = renderReportJson(report);
    expect(text.startsWith('{\n  "schema": "triage.report/v1",\n  "case": {\n    "id": "TRI-20261127-7F3A"\n  },')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(report);
  });

  it('gives the same bytes whatever order the object was built or stored in', () => {
    const shuffled = Object.fromEntries(
      Object.entries(JSON.parse(JSON.stringify(report)) as Record<string, unknown>)
        .reverse()
        .map(([key, value]) => [key, value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value]),
    );
    // environment and answers keep the (stable) order the builder gave them.
    (shuffled as { environment: unknown }).environment = report.environment;
    expect(renderReportJson(shuffled)).toBe(renderReportJson(report));
  });

  it('puts unknown keys after the known ones, alphabetically', () => {
    const keys = Object.keys(JSON.parse(renderReportJson({ ...report, zeta: 1, alpha: 2 })) as object);
    expect(keys.slice(0, 2)).toEqual(['schema', 'case']);
    expect(keys.slice(-3)).toEqual(['duration_ms', 'alpha', 'zeta']);
  });
});

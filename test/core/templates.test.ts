import { describe, expect, it } from 'vitest';
import { TriageError } from '../../src/core/errors.js';
import { buildTemplateContext } from '../../src/core/template-context.js';
import { checkTemplate, displayValue, renderTemplate } from '../../src/core/templates.js';

const context = {
  customer: { name: 'Dana', mood: 'angry' },
  answers: { rows: 2400, formats: ['CSV', 'PDF'], retried: false, note: '<b>bold</b> & "quoted"' },
  env: { browser: 'Firefox 128.0' },
  case: { id: 'TRI-1' },
};

function renderError(source: string, where = {}): TriageError {
  try {
    renderTemplate(source, context, where);
  } catch (error) {
    expect(error).toBeInstanceOf(TriageError);
    return error as TriageError;
  }
  throw new Error(`expected ${source} to fail`);
}

describe('renderTemplate', () => {
  it('renders variables with or without spaces, conditions and the default filter', () => {
    expect(renderTemplate('Hi {{ customer.name }}, {{answers.rows}} rows in {{env.browser}}', context)).toBe('Hi Dana, 2400 rows in Firefox 128.0');
    expect(renderTemplate('{{ customer.nickname | default: "there" }}', context)).toBe('there');
    expect(renderTemplate('{% if answers.retried %}again{% else %}first time{% endif %}', context)).toBe('first time');
    expect(renderTemplate('{% for f in answers.formats %}[{{ f }}]{% endfor %}', context)).toBe('[CSV][PDF]');
  });

  it('prints nothing for a missing value, never "undefined", "null" or an object', () => {
    expect(renderTemplate('<{{ answers.missing }}|{{ nothing.at.all }}|{{ answers }}|{{ answers | raw }}|{{ customer.none }}>', context)).toBe('<||||>');
    expect(renderTemplate('{{ n }}', { n: null })).toBe('');
  });

  it('prints lists joined with ", " and booleans as yes/no', () => {
    expect(renderTemplate('{{ answers.formats }} / {{ answers.retried }} / {{ "a,b" | split: "," }}', context)).toBe('CSV, PDF / no / a, b');
    expect(displayValue([1, undefined, 'x'])).toBe('1, x');
  });

  it('does not escape HTML: replies and reports are plain text', () => {
    expect(renderTemplate('{{ answers.note }}', context)).toBe('<b>bold</b> & "quoted"');
  });

  it('throws template/error with the playbook line for a syntax error', () => {
    const error = renderError('Line one\n{% if answers.rows %}unclosed', { file: 'export-fails.md', line: 43, what: 'reply block' });
    expect(error.code).toBe('template/error');
    expect(error.file).toBe('export-fails.md');
    expect(error.line).toBeGreaterThanOrEqual(43);
    expect(error.message).toMatch(/^export-fails\.md:\d+: reply block: .*not closed/);
    expect(error.hint).toBeTruthy();
  });

  it('rejects an unknown filter instead of skipping it', () => {
    expect(renderError('{{ customer.name | defualt: "x" }}').message).toContain('unknown filter `defualt`');
  });
});

describe('renderTemplate is safe with hostile templates', () => {
  it('cannot reach constructors or prototypes', () => {
    expect(renderTemplate('[{{ customer.constructor }}][{{ answers.__proto__ }}][{{ answers.constructor.name }}]', context)).toBe('[][][]');
    expect(renderTemplate('{{ x.constructor.constructor }}', { x: {} })).toBe('');
    expect(renderTemplate('{{ s.length }}{{ s.constructor }}', { s: 'abc' })).not.toContain('function');
  });

  it.each([
    ["{% include '/etc/passwd' %}", 'include'],
    ["{% render 'x' %}", 'render'],
    ["{% layout 'x' %}", 'layout'],
    ['{% include answers.note %}', 'include'],
  ])('refuses %s with a clear error and reads no file', (source, tag) => {
    const error = renderError(source);
    expect(error.code).toBe('template/error');
    expect(error.message).toContain(`{% ${tag} %} tag is not available`);
    expect(error.message).not.toContain('root:');
  });

  it('stops a 10^7-iteration loop quickly with a bounded error', () => {
    const started = performance.now();
    const error = renderError('{% for i in (1..10000000) %}x{% endfor %}');
    expect(error.message).toMatch(/limit exceeded/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops nested loops that multiply to millions of iterations', () => {
    const started = performance.now();
    expect(renderError('{% for i in (1..5000) %}{% for j in (1..5000) %}x{% endfor %}{% endfor %}').message).toMatch(/limit exceeded/);
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it('applies the limits per render, not per process', () => {
    for (let i = 0; i < 4; i++) expect(renderTemplate('{% for i in (1..400000) %}{% endfor %}ok', {})).toBe('ok');
  });

  it('does not read the clock', () => {
    expect(renderError('{{ "now" | date: "%Y" }}').message).toContain('"now" is not available');
    expect(renderTemplate('{{ "2026-11-27T14:03:10Z" | date: "%Y-%m-%d %H:%M" }}', {})).toBe('2026-11-27 14:03');
  });
});

describe('checkTemplate', () => {
  it('checks syntax without rendering', () => {
    expect(() => checkTemplate('{{ answers.rows }}')).not.toThrow();
    expect(() => checkTemplate('{% if %}')).toThrow(TriageError);
  });
});

describe('buildTemplateContext', () => {
  const input = {
    caseId: 'TRI-20261127-7F3A',
    intake: { customer: { name: '  Dana Whitfield ', channel: 'chat', mood: 'frustrated' }, description: ' PDF export hangs ' },
    agent: { name: 'Sam Lee', title: '' },
    company: {},
    playbook: { id: 'export-fails', title: 'Report export fails', version: '1.0.0' },
    outcome: { kind: 'bug', title: 'PDF export times out' },
    answers: { rows: 2400, formats: ['CSV', 'PDF'], password: 'hunter22', retried: true },
    env: { browser: 'Firefox 128.0' },
    secretKeys: ['password'],
  } as const;

  it('gives templates the documented variables, secrets already redacted', () => {
    expect(buildTemplateContext(input)).toEqual({
      customer: { name: 'Dana Whitfield', first_name: 'Dana', mood: 'frustrated', channel: 'chat', description: 'PDF export hangs', signals: [] },
      agent: { name: 'Sam Lee' },
      company: {},
      case: { id: 'TRI-20261127-7F3A' },
      playbook: { id: 'export-fails', title: 'Report export fails', version: '1.0.0' },
      outcome: { kind: 'bug', title: 'PDF export times out' },
      answers: { rows: 2400, formats: ['CSV', 'PDF'], password: '[REDACTED]', retried: true },
      env: { browser: 'Firefox 128.0' },
      actions: {},
    });
  });

  it('leaves unknown names out, so default and if both work', () => {
    const context = buildTemplateContext({ ...input, intake: { ...input.intake, customer: { channel: 'email', mood: 'calm' } }, agent: {} });
    expect(renderTemplate('Hi {{ customer.name | default: "there" }}{% if agent.name %}, {{ agent.name }}{% endif %}.', context)).toBe('Hi there.');
    expect(renderTemplate('{{ answers.formats }}; {{ answers.retried }}; {{ answers.password }}', context)).toBe('CSV, PDF; yes; [REDACTED]');
  });
});

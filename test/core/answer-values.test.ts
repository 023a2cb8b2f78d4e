import { describe, expect, it } from 'vitest';
import { allowedAnswers, formatAnswerValue, matchChoice, matchChoiceLink, parseAnswer, parseEnvAnswer } from '../../src/core/answer-values.js';
import { ask, choice, envAsk, envDetect } from '../helpers/playbook-builder.js';

function value(result: ReturnType<typeof parseAnswer>): unknown {
  if (!result.ok) throw new Error(`expected ok, got: ${result.message}`);
  return result.value;
}

function message(result: { ok: boolean; message?: string }): string {
  if (result.ok) throw new Error('expected a failure');
  return result.message ?? '';
}

describe('parseAnswer: text and multiline', () => {
  it('trims single-line text', () => {
    expect(value(parseAnswer(ask('name'), '  Ada  '))).toBe('Ada');
  });

  it('keeps inner lines and indentation of multiline text, dropping surrounding blank lines', () => {
    expect(value(parseAnswer(ask('log', { type: 'multiline' }), '\n\n  at foo()\n  at bar()\n\n'))).toBe('  at foo()\n  at bar()');
  });

  it('turns a YAML number into text', () => {
    expect(value(parseAnswer(ask('order'), 12345))).toBe('12345');
  });

  it('rejects a list for text', () => {
    expect(message(parseAnswer(ask('name'), ['a', 'b']))).toMatch(/list/);
  });

  it('requires a value unless required is false', () => {
    expect(message(parseAnswer(ask('name'), '   '))).toMatch(/required/);
    expect(value(parseAnswer(ask('name', { required: false }), ''))).toBe('');
  });

  it('applies the pattern as written and shows it on failure', () => {
    const orderId = ask('order', { pattern: '^ORD-\\d{4}$' });
    expect(value(parseAnswer(orderId, 'ORD-1234'))).toBe('ORD-1234');
    const failure = message(parseAnswer(orderId, 'ORD-12345'));
    expect(failure).toContain('^ORD-\\d{4}$');
    expect(failure).toContain('ORD-12345');
  });

  it('does not anchor a pattern that is not anchored', () => {
    expect(value(parseAnswer(ask('x', { pattern: '\\d' }), 'abc1def'))).toBe('abc1def');
  });

  it('skips the pattern for an empty optional answer', () => {
    expect(value(parseAnswer(ask('x', { pattern: '^\\d+$', required: false }), ''))).toBe('');
  });

  it('never echoes a secret value', () => {
    const token = ask('token', { pattern: '^tok_', secret: true });
    const failure = message(parseAnswer(token, 'hunter2'));
    expect(failure).toContain('^tok_');
    expect(failure).not.toContain('hunter2');
  });

  it('reports an invalid pattern in the playbook', () => {
    expect(message(parseAnswer(ask('x', { pattern: '(' }), 'a'))).toMatch(/not a valid regular expression/);
  });
});

describe('parseAnswer: number', () => {
  const rows = ask('rows', { type: 'number' });

  it.each([
    ['42', 42],
    [' -3.5 ', -3.5],
    ['1e3', 1000],
    ['100,000', 100000],
    ['.5', 0.5],
  ])('reads %j as %d', (raw, expected) => {
    expect(value(parseAnswer(rows, raw))).toBe(expected);
  });

  it('accepts a number value', () => {
    expect(value(parseAnswer(rows, 7))).toBe(7);
  });

  it.each(['abc', '12abc', '1,00', 'Infinity', 'NaN'])('rejects %j', (raw) => {
    expect(message(parseAnswer(rows, raw))).toMatch(/number/);
  });

  it('rejects booleans and lists', () => {
    expect(parseAnswer(rows, true).ok).toBe(false);
    expect(parseAnswer(rows, ['1']).ok).toBe(false);
  });

  it('applies a pattern to the number as typed', () => {
    const year = ask('year', { type: 'number', pattern: '^\\d{4}$' });
    expect(value(parseAnswer(year, '2024'))).toBe(2024);
    expect(message(parseAnswer(year, '24'))).toContain('^\\d{4}$');
  });
});

describe('parseAnswer: confirm', () => {
  const sure = ask('sure', { type: 'confirm' });

  it.each([
    ['yes', true],
    ['Y', true],
    ['true', true],
    ['1', true],
    ['no', false],
    ['N', false],
    ['FALSE', false],
    ['0', false],
  ])('reads %j as %s', (raw, expected) => {
    expect(value(parseAnswer(sure, raw))).toBe(expected);
  });

  it('accepts booleans', () => {
    expect(value(parseAnswer(sure, false))).toBe(false);
  });

  it('rejects anything else', () => {
    expect(message(parseAnswer(sure, 'maybe'))).toMatch(/yes or no/);
  });
});

describe('parseAnswer: select and multiselect', () => {
  const plan = ask('plan', { type: 'select', choices: ['Free', 'Pro', 'Enterprise'] });
  const features = ask('features', { type: 'multiselect', choices: ['Export', 'Import', 'Sync, two-way'] });

  it('matches a select choice ignoring case, returning it as written', () => {
    expect(value(parseAnswer(plan, 'pro'))).toBe('Pro');
  });

  it('matches a select choice by its 1-based number', () => {
    expect(value(parseAnswer(plan, '3'))).toBe('Enterprise');
    expect(value(parseAnswer(plan, 1))).toBe('Free');
  });

  it('rejects an unknown select choice, listing the choices', () => {
    const failure = message(parseAnswer(plan, 'Gold'));
    expect(failure).toContain('Free, Pro, Enterprise');
    expect(message(parseAnswer(plan, '4'))).toContain('Free, Pro, Enterprise');
  });

  it('reads a comma list for a multiselect, deduplicated, in the order given', () => {
    expect(value(parseAnswer(features, 'import, 1, Import'))).toEqual(['Import', 'Export']);
  });

  it('takes a whole value that is one choice even when it has a comma', () => {
    expect(value(parseAnswer(features, 'sync, two-way'))).toEqual(['Sync, two-way']);
  });

  it('accepts a list value', () => {
    expect(value(parseAnswer(features, ['Export', '2']))).toEqual(['Export', 'Import']);
  });

  it('names the unknown items', () => {
    expect(message(parseAnswer(features, 'Export, Print'))).toContain('"Print"');
  });

  it('an optional empty multiselect is an empty list', () => {
    expect(value(parseAnswer(ask('f', { type: 'multiselect', choices: ['a'], required: false }), ''))).toEqual([]);
    expect(message(parseAnswer(features, ''))).toMatch(/required/);
  });
});

describe('matchChoice and matchChoiceLink', () => {
  it('matches exactly, ignoring case, then by number', () => {
    expect(matchChoice(['A', 'b'], 'a')).toBe('A');
    expect(matchChoice(['A', 'b'], '2')).toBe('b');
    expect(matchChoice(['A', 'b'], '0')).toBeUndefined();
    expect(matchChoice(['A', 'b'], '3')).toBeUndefined();
    expect(matchChoice(['A', 'b'], 'c')).toBeUndefined();
  });

  it('prefers a label that is a number over the position', () => {
    expect(matchChoice(['2', '1'], '1')).toBe('1');
  });

  it('matches choice-list entries by label, number or target', () => {
    const choices = [choice('CSV', '#how-many-rows'), choice('Billing', 'refund-request.md'), choice('Deep', 'other.md#deep-node')];
    expect(matchChoiceLink(choices, 'csv')?.label).toBe('CSV');
    expect(matchChoiceLink(choices, 2)?.label).toBe('Billing');
    expect(matchChoiceLink(choices, 'how-many-rows')?.label).toBe('CSV');
    expect(matchChoiceLink(choices, '#how-many-rows')?.label).toBe('CSV');
    expect(matchChoiceLink(choices, 'refund-request')?.label).toBe('Billing');
    expect(matchChoiceLink(choices, 'refund-request.md')?.label).toBe('Billing');
    expect(matchChoiceLink(choices, 'deep-node')?.label).toBe('Deep');
    expect(matchChoiceLink(choices, 'other.md#deep-node')?.label).toBe('Deep');
    expect(matchChoiceLink(choices, 'nothing')).toBeUndefined();
  });
});

describe('parseEnvAnswer', () => {
  it('trims and checks the pattern', () => {
    const version = envAsk('app_version', 'Version?', { pattern: '^\\d+\\.\\d+(\\.\\d+)?$' });
    expect(parseEnvAnswer(version, ' 4.2.1 ')).toEqual({ ok: true, value: '4.2.1' });
    const failure = message(parseEnvAnswer(version, 'latest'));
    expect(failure).toContain('^\\d+\\.\\d+(\\.\\d+)?$');
    expect(failure).toContain('latest');
  });

  it('requires a value unless the field is optional', () => {
    expect(message(parseEnvAnswer(envAsk('browser', 'Browser?'), ' '))).toMatch(/required/);
    expect(parseEnvAnswer(envAsk('notes', 'Notes?', { required: false }), '')).toEqual({ ok: true, value: '' });
  });

  it('turns scalars into text and rejects lists', () => {
    expect(parseEnvAnswer(envAsk('v', 'V?'), 2.5)).toEqual({ ok: true, value: '2.5' });
    expect(parseEnvAnswer(envAsk('v', 'V?'), ['a']).ok).toBe(false);
  });

  it('accepts any value for a non-ask field', () => {
    expect(parseEnvAnswer(envDetect('os', 'os'), ' linux ')).toEqual({ ok: true, value: 'linux' });
  });
});

describe('formatAnswerValue and allowedAnswers', () => {
  it('formats values for display', () => {
    expect(formatAnswerValue(['a', 'b'])).toBe('a, b');
    expect(formatAnswerValue(true)).toBe('yes');
    expect(formatAnswerValue(false)).toBe('no');
    expect(formatAnswerValue(3)).toBe('3');
  });

  it('lists what an ask allows', () => {
    expect(allowedAnswers(ask('p', { type: 'select', choices: ['x', 'y'] }))).toEqual(['x', 'y']);
    expect(allowedAnswers(ask('c', { type: 'confirm' }))).toEqual(['yes', 'no']);
    expect(allowedAnswers(ask('t'))).toBeUndefined();
  });
});

describe('parseAnswer: confirm words are its own', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('refuses %s as a yes/no answer', (word) => {
    const result = parseAnswer(ask('ok', { type: 'confirm' }), word);
    expect(result.ok).toBe(false);
  });
});

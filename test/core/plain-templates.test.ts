/**
 * Text with no `{` skips Liquid: rendering, checking and analysing it must give what
 * Liquid gives. A `{{ "" }}` in front sends the same text through Liquid for comparison.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeTemplate } from '../../src/core/template-variables.js';
import { checkTemplate, renderTemplate } from '../../src/core/templates.js';

const plainText = fc.array(fc.oneof(fc.constantFrom('a', ' ', '\n', '\t', '}', '%', '-', '|', '"', "'", 'é', '\r', '}}', '%}'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), { maxLength: 40 }).map((parts) => parts.join('')).filter((s) => !s.includes('{'));

describe('plain-text templates', () => {
  it('render as Liquid renders them', () => {
    fc.assert(
      fc.property(plainText, (text) => {
        expect(renderTemplate(text, {})).toBe(renderTemplate(`{{ "" }}${text}`, {}));
      }),
      { numRuns: 500 },
    );
  });

  it('check and analyse as Liquid does: valid, no variables', () => {
    fc.assert(
      fc.property(plainText, (text) => {
        expect(() => checkTemplate(text)).not.toThrow();
        expect(analyzeTemplate(text)).toEqual({ ok: true, variables: [] });
        expect(analyzeTemplate(`{{ "" }}${text}`)).toEqual({ ok: true, variables: [] });
      }),
      { numRuns: 300 },
    );
  });

  it('analyses a repeated template once, with the same result', () => {
    const template = 'Hi {{ customer.first_name }}, {{ answers.rows | default: 0 }} rows';
    const first = analyzeTemplate(template);
    expect(analyzeTemplate(template)).toBe(first);
    expect(first.ok && first.variables.map((v) => v.text)).toEqual(['customer.first_name', 'answers.rows']);
  });
});

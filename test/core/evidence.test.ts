/** Evidence first: facts in what the customer said, offered as defaults, and contradictions named. */
import { describe, expect, it } from 'vitest';
import { contradiction, evidenceFrom, mergeEvidence, suggestedAnswer, suggestedChoice } from '../../src/core/evidence.js';

describe('facts in a description', () => {
  it('status codes with context or well known; not other numbers', () => {
    expect(evidenceFrom('our sync gets 429 too many requests since 9am').statusCode?.value).toBe('429');
    expect(evidenceFrom('we get error 418 on every call').statusCode?.value).toBe('418');
    expect(evidenceFrom('ordered 450 items, arrived 2024-05-03').statusCode).toBeUndefined();
    expect(evidenceFrom('it costs 499 now').statusCode).toBeUndefined();
  });

  it('browser with version, error text, start time, numbers with units', () => {
    const e = evidenceFrom('Since yesterday Firefox 128 shows "Session expired" when I export 450,000 rows');
    expect(e.browser?.value).toBe('Firefox 128');
    expect(e.errorText?.value).toBe('Session expired');
    expect(e.started?.value).toBe('yesterday');
    expect(e.numbers).toContainEqual({ value: '450000', unit: 'row', from: 'the description' });
    expect(evidenceFrom('the payment is rejected with error: do not honor, twice').errorText?.value).toBe('do not honor');
  });
});

describe('offered as the default of the question that asks for it', () => {
  const e = evidenceFrom('Since this morning our integration gets 401 unauthorized in Chrome 126; about 5000 requests per minute');
  it('by what the question asks', () => {
    expect(suggestedAnswer({ key: 'status_code', prompt: 'HTTP status code' }, e)?.value).toBe('401');
    expect(suggestedAnswer({ key: 'browser', prompt: 'Browser and version' }, e)?.value).toBe('Chrome 126');
    expect(suggestedAnswer({ key: 'started', prompt: 'When it started' }, e)?.value).toBe('this morning');
    expect(suggestedAnswer({ key: 'rate', prompt: 'Requests per minute at peak', type: 'number' }, e)?.value).toBe('5000');
    expect(suggestedAnswer({ key: 'item_count', prompt: 'Approximate number of items', type: 'number' }, e)).toBeUndefined();
    expect(suggestedAnswer({ key: 'region', prompt: "Customer's country or region" }, e)).toBeUndefined();
    expect(suggestedAnswer({ key: 'ok', prompt: 'Did it work?', type: 'confirm' }, e)).toBeUndefined();
  });
  it('a choice whose label names the code or the browser', () => {
    expect(suggestedChoice(['401 Unauthorized', '403 Forbidden', '429 Too Many Requests'], e)?.label).toBe('401 Unauthorized');
    expect(suggestedChoice(['Firefox', 'Chrome or Edge', 'Safari'], evidenceFrom('blank page in chrome'))?.label).toBe('Chrome or Edge');
    expect(suggestedChoice(['Yes', 'No'], e)).toBeUndefined();
  });
});

describe('contradictions', () => {
  it('another status code or browser than said before, and where it was said', () => {
    const said = evidenceFrom('getting 429s from the API');
    expect(contradiction('401 Unauthorized', said)).toBe('The description says 429, but this answer says 401.');
    expect(contradiction('429 Too Many Requests', said)).toBeUndefined();
    const later = mergeEvidence(said, evidenceFrom('Safari 17', 'Browser and version'));
    expect(contradiction('Chrome 126 on Windows', later)).toBe('The answer to “Browser and version” was Safari 17, but this answer says Chrome 126.');
    expect(contradiction('Safari 18', later)).toBeUndefined();
  });
});

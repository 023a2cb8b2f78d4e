import { describe, expect, it } from 'vitest';
import { detectCaseFacts } from '../../src/core/case-facts.js';

describe('detectCaseFacts', () => {
  it('finds when it started, how often and who is affected in the customer\'s words', () => {
    expect(detectCaseFacts('Exports fail since yesterday, every time, for my whole team')).toEqual({
      started: 'since yesterday',
      frequency: 'every time',
      scope: 'my whole team',
    });
    expect(detectCaseFacts('About 5% of requests return 502 for the last 3 hours')).toEqual({ started: 'for the last 3 hours', frequency: '5% of requests' });
    expect(detectCaseFacts('It started after the update and only me has it')).toEqual({ started: 'started after the update', scope: 'only me' });
  });
  it('finds nothing in a description that says none of it', () => {
    expect(detectCaseFacts('The PDF export spins.')).toEqual({});
  });
});

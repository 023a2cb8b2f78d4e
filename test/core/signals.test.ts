import { describe, expect, it } from 'vitest';
import { detectSignals, parseSignals, type Signal } from '../../src/core/signals.js';

const signalsOf = (text: string): Signal[] => detectSignals(text).map((d) => d.signal);

describe('detectSignals: repeat contact', () => {
  it.each([
    "This is the THIRD time I'm writing about this, fix it or I'm cancelling",
    'Second time I have asked about this invoice.',
    "I've emailed you three times and nothing happens.",
    'I already reported this last week.',
    "It's still not fixed.",
    "The export still doesn't work after your last reply.",
    'Nobody got back to me after my call on Monday.',
    'I never heard back from your team.',
    'You said it was fixed in the last update!',
    'I was told someone would call me yesterday.',
    'Following up on ticket #4411.',
    'How many times do I have to explain this?',
    'As I said before, the card is valid.',
    'I contacted support twice already.',
  ])('%s', (text) => {
    expect(signalsOf(text)).toContain('repeat-contact');
  });

  it.each([
    "This is the first time I'm writing to you; the export fails on PDF.",
    'The second time I export the file it works.',
    'I tried three times to upload the file.',
    'The app crashes when I open it.',
    'Still, I would like to know why the price changed.',
  ])('not: %s', (text) => {
    expect(signalsOf(text)).not.toContain('repeat-contact');
  });
});

describe('detectSignals: deadline', () => {
  it.each([
    'I have a presentation in an hour and the export is broken',
    'My board meeting is at 3pm and I need these figures.',
    'I need the invoice by Friday.',
    'Please fix this before my demo.',
    'This is urgent.',
    'We need it ASAP.',
    'I need this today for our audit.',
    'The report is due tomorrow.',
    'Payroll runs tomorrow morning and nobody can log in.',
    'In 20 minutes I have a client call and the dashboard is blank.',
    "If it isn't fixed today I'm cancelling.",
  ])('%s', (text) => {
    expect(signalsOf(text)).toContain('deadline');
  });

  it.each([
    "No rush, but the export has been slow for an hour.",
    'It has been down for an hour.',
    'It happens every day around 3pm.',
    'On Friday the sync stopped working.',
    'Whenever you get a chance: the logo is blurry.',
    'I was charged twice.',
  ])('not: %s', (text) => {
    expect(signalsOf(text)).not.toContain('deadline');
  });
});

describe('detectSignals: cancel threat', () => {
  it.each([
    "Fix it or I'm cancelling.",
    'Sort this out or we will leave.',
    "I'm going to cancel my subscription.",
    'We are thinking about switching to a competitor.',
    "I'll take my business elsewhere.",
    'I want to cancel my account.',
    'This is your last chance.',
    "If it isn't fixed today I'm cancelling.",
    "Honestly, we're leaving!",
  ])('%s', (text) => {
    expect(signalsOf(text)).toContain('cancel-threat');
  });

  it.each([
    'How do I cancel an order?',
    'I want to cancel the back-order for the blue chair.',
    "I don't want to cancel, I just want it fixed.",
    'The upload was cancelled halfway.',
    'Please cancel the payment I made by mistake.',
  ])('not: %s', (text) => {
    expect(signalsOf(text)).not.toContain('cancel-threat');
  });
});

describe('detectSignals: business impact', () => {
  it.each([
    "My whole team can't work.",
    'Our entire office is locked out.',
    'Nobody in our team can log in since this morning.',
    "Our customers can't pay at checkout.",
    '40 users are affected.',
    "We're losing sales every hour this is down.",
    "Production is down.",
    "We can't take orders.",
    'This is blocking our release.',
  ])('%s', (text) => {
    expect(signalsOf(text)).toContain('business-impact');
  });

  it.each([
    "It's just me, my colleague can log in fine.",
    'I forgot my password.',
    'The team page loads slowly.',
  ])('not: %s', (text) => {
    expect(signalsOf(text)).not.toContain('business-impact');
  });
});

describe('detectSignals: the whole description', () => {
  it('finds several signals in order, each with the customer\'s words', () => {
    expect(detectSignals("This is the THIRD time I'm writing about this, fix it or I'm cancelling. My whole team can't export anything before Friday.")).toEqual([
      { signal: 'repeat-contact', evidence: "THIRD time I'm writing" },
      { signal: 'deadline', evidence: 'before Friday' },
      { signal: 'cancel-threat', evidence: "or I'm cancelling" },
      { signal: 'business-impact', evidence: 'My whole team' },
    ]);
  });

  it('finds nothing in a calm first contact', () => {
    expect(detectSignals('Hi, the PDF export shows a spinner that never finishes. Could you help?')).toEqual([]);
    expect(detectSignals('')).toEqual([]);
  });
});

describe('parseSignals', () => {
  it('reads a comma list or a list, aliases and none; reports unknown names', () => {
    expect(parseSignals('deadline, repeat-contact')).toEqual({ signals: ['repeat-contact', 'deadline'], unknown: [] });
    expect(parseSignals(['cancel_threat', 'impact', 'urgent'])).toEqual({ signals: ['deadline', 'cancel-threat', 'business-impact'], unknown: [] });
    expect(parseSignals('none')).toEqual({ signals: [], unknown: [] });
    expect(parseSignals('deadlin')).toEqual({ signals: [], unknown: ['deadlin'] });
  });
});

/**
 * Scope, frequency and when it started: what a bug report needs and the customer often says in
 * passing ("since yesterday", "every time", "my whole team"). Pure: finds candidates in the
 * description for the agent to confirm; nothing here decides on its own.
 */
export const CASE_FACT_KEYS = ['scope', 'frequency', 'started'] as const;
export type CaseFactKey = (typeof CASE_FACT_KEYS)[number];
export type CaseFacts = Partial<Record<CaseFactKey, string>>;

export const CASE_FACT_PROMPTS: Readonly<Record<CaseFactKey, string>> = {
  scope: 'Who is affected? (only this customer, some users, everyone)',
  frequency: 'How often does it happen? (every time, sometimes, once)',
  started: 'When did it start?',
};

const PATTERNS: Readonly<Record<CaseFactKey, readonly RegExp[]>> = {
  started: [
    /\b(since (?:yesterday|today|this morning|last (?:night|week|month|update|release)|the (?:last )?update|(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d{1,2}(?::\d\d)?\s?(?:am|pm)?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}))\b/i,
    /\b(started (?:yesterday|today|this morning|last (?:night|week)|after the (?:update|upgrade)|\d+ (?:minutes?|hours?|days?|weeks?) ago))\b/i,
    /\b(for (?:the (?:last|past) )?\d+ (?:minutes?|hours?|days?|weeks?))\b/i,
  ],
  frequency: [
    /\b(every (?:time|single time|day|morning|request)|always|each time|intermittent(?:ly)?|sometimes|occasionally|once|twice|randomly|on and off)\b/i,
    /\b(\d+(?:\.\d+)?\s?% of (?:requests|calls|the time|uploads|exports|users))\b/i,
    /\b(\d+ (?:times|out of \d+))\b/i,
  ],
  scope: [
    /\b((?:my|our|the) (?:whole|entire) (?:team|company|office|org(?:anization)?)|(?:all|everyone (?:in|on)) (?:my|our) (?:team|users|colleagues)|everyone|all (?:of )?(?:our|my) users|nobody (?:here|in the team) can)\b/i,
    /\b(only (?:me|my account|for me|on my (?:laptop|phone|computer))|just me)\b/i,
  ],
};

/** Candidates from the customer's own words, for the agent to confirm. */
export function detectCaseFacts(description: string): CaseFacts {
  const facts: CaseFacts = {};
  for (const key of CASE_FACT_KEYS) {
    for (const pattern of PATTERNS[key]) {
      const match = pattern.exec(description);
      if (match?.[1]) {
        facts[key] = match[1];
        break;
      }
    }
  }
  return facts;
}

/**
 * Customer signals: what the customer says about their situation that should change how the reply
 * reads, found in their own words. Four kinds:
 *
 * - `repeat-contact`: they have written or called about this before ("third time I'm writing",
 *   "still not fixed", "nobody got back to me").
 * - `deadline`: something is due soon ("I have a presentation in an hour", "by Friday", "ASAP").
 * - `cancel-threat`: they may leave ("fix it or I'm cancelling", "switching to another provider").
 * - `business-impact`: others are affected ("my whole team can't work", "we're losing sales").
 *
 * A phrase table of regular expressions, each with an example, checked against the description;
 * a few negative phrases ("first time I'm writing", "no rush") win over a match in the same
 * sentence. Detection only suggests: the agent confirms the signals in the intake.
 */

export const SIGNALS = ['repeat-contact', 'deadline', 'cancel-threat', 'business-impact'] as const;
export type Signal = (typeof SIGNALS)[number];

/** How a signal reads to an agent: `repeat contact`. */
export const SIGNAL_LABELS: Readonly<Record<Signal, string>> = {
  'repeat-contact': 'Repeat contact',
  deadline: 'Deadline or urgency',
  'cancel-threat': 'Threat to cancel',
  'business-impact': 'Business impact',
};

export interface DetectedSignal {
  readonly signal: Signal;
  /** The customer's words that show it, as written. */
  readonly evidence: string;
}

const NUMBER = String.raw`(?:\d+|a|an|one|two|three|four|five|six|ten|fifteen|twenty|thirty|forty-five|few|couple\s+of)`;
const ORDINAL = String.raw`(?:second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th|\d+th|umpteenth|n-?th|several|multiple|many|how\s+many)`;
const CONTACT_VERB = String.raw`(?:writ(?:e|ing)|written|wrote|contact(?:ed|ing)?|email(?:ed|ing)?|e-mail(?:ed|ing)?|call(?:ed|ing)?|messag(?:ed|ing)|reach(?:ed|ing)\s+out|ask(?:ed|ing)|report(?:ed|ing)|rais(?:ed|ing)|chat(?:ted|ting)|open(?:ed|ing)\s+a\s+ticket|explain(?:ed|ing)|tell(?:ing)?|told)`;
const WEEKDAY = String.raw`(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri)`;
const EVENT = String.raw`(?:presentation|meeting|demo|pitch|board\s+meeting|client\s+call|call\s+with|launch|go-live|deadline|audit|exam|interview|flight|webinar|conference|event|workshop|payroll|month[- ]end|year[- ]end|filing|submission|release|training)`;

/** Each pattern is tried case-insensitively; the comment is the kind of phrase it is for. */
const TABLE: Readonly<Record<Signal, readonly RegExp[]>> = {
  'repeat-contact': [
    // "This is the THIRD time I'm writing", "second time I've asked"
    new RegExp(String.raw`\b${ORDINAL}\s+(?:time|email|message|call|ticket|request|attempt)s?\b[^.!?\n]{0,40}?\b${CONTACT_VERB}`),
    // "I've written three times", "I have called you twice", "contacted support several times"
    new RegExp(String.raw`\b${CONTACT_VERB}\b[^.!?\n]{0,30}?\b(?:twice|three\s+times|four\s+times|${NUMBER}\s+times|several\s+times|multiple\s+times|many\s+times|again\s+and\s+again|over\s+and\s+over|before|already|last\s+week|yesterday|last\s+month)\b`),
    // "I already reported this", "I've already told you"
    new RegExp(String.raw`\b(?:i|we)\s*(?:['’]ve|\s+have)?\s+already\s+${CONTACT_VERB}`),
    // "still not fixed", "still broken", "still hasn't been resolved", "still waiting"
    /\bstill\s+(?:not|isn['’]t|is\s+not|hasn['’]t|has\s+not|haven['’]t|have\s+not|doesn['’]t|does\s+not|don['’]t|can['’]t|cannot|broken|waiting|no\s+(?:reply|answer|response|fix|word|update)|the\s+same\s+problem|happening|failing)\b/,
    // "nobody got back to me", "no one has replied", "never heard back"
    /\b(?:nobody|no\s+one|no-one)\s+(?:has\s+|ever\s+)?(?:got|gotten|came|come|replied|responded|answered|called|wrote|written|get)\b|\bnever\s+(?:heard\s+back|got\s+(?:a\s+)?(?:reply|response|answer|call\s+back|callback))\b|\bno\s+(?:reply|response|answer)\s+(?:yet|since|for)\b/,
    // "you said it was fixed", "I was told it would be sorted"
    /\b(?:you|they|your\s+(?:colleague|agent|support|team))\s+(?:said|told\s+me|promised)\b[^.!?\n]{0,40}\b(?:fixed|sorted|resolved|solved|call|get\s+back|email|refund)/,
    /\bi\s+was\s+(?:told|promised)\b/,
    // "my previous ticket", "my last email", "following up on", "as I said before"
    /\b(?:my|our)\s+(?:previous|last|earlier|other|original)\s+(?:ticket|email|message|request|case|chat|call)s?\b|\bfollow(?:ing)?[- ]up\s+on\b|\bas\s+i\s+(?:said|mentioned|explained)\s+(?:before|earlier|already|last\s+time)\b/,
    // "how many times do I have to…", "for the umpteenth time", "again!!"
    /\bhow\s+many\s+(?:more\s+)?times\b|\bfor\s+the\s+(?:umpteenth|hundredth|nth|third|fourth|fifth)\s+time\b/,
    // "ticket #4411", "case number 123" (a reference to an earlier contact)
    /\b(?:ticket|case|reference|ref)\s*(?:#|no\.?|number)\s*\w+/,
  ],
  deadline: [
    // "I have a presentation in an hour", "meeting at 3pm", "demo tomorrow"
    new RegExp(String.raw`\b${EVENT}\b[^.!?\n]{0,40}?\b(?:in\s+(?:${NUMBER}|half\s+an?)\s+(?:minutes?|mins?|hours?|hrs?)|at\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)?|(?:this|tomorrow)\s+(?:morning|afternoon|evening)|today|tonight|tomorrow|on\s+${WEEKDAY}|next\s+week|soon|starts?|begins?)\b`),
    new RegExp(String.raw`\b(?:in\s+(?:${NUMBER}|half\s+an?)\s+(?:minutes?|mins?|hours?|hrs?)|tomorrow|today|tonight)\b[^.!?\n]{0,20}?\b(?:i|we)\s+(?:have|am\s+giving|are\s+giving|present|need)\b[^.!?\n]{0,30}?\b${EVENT}`),
    // "by Friday", "by end of day", "by tomorrow morning", "before 5pm"
    new RegExp(String.raw`\b(?:by|before|until|no\s+later\s+than)\s+(?:this\s+|next\s+|the\s+)?(?:${WEEKDAY}|today|tonight|tomorrow|noon|midday|midnight|(?:the\s+)?end\s+of\s+(?:the\s+)?(?:day|week|month|business)|eod|cob|eow|\d{1,2}(?::\d{2})?\s*(?:am|pm)|the\s+\d{1,2}(?:st|nd|rd|th))\b`),
    // "before my meeting", "before the demo"
    new RegExp(String.raw`\bbefore\s+(?:my|the|our|this|a)\s+${EVENT}`),
    // "deadline", "urgent", "ASAP", "time-sensitive", "right now", "need it today"
    /\bdeadlines?\b|\burgent(?:ly)?\b|\basap\b|\ba\.s\.a\.p\b|\bas\s+soon\s+as\s+possible\b|\btime[- ]sensitive\b|\bemergency\b|\bimmediately\b/,
    /\bneed\s+(?:it|this|them|the\s+\w+|to\s+\w+(?:\s+\w+)?)\s+(?:today|tonight|now|right\s+away|by|before|this\s+(?:morning|afternoon|evening))\b/,
    /\bdue\s+(?:today|tomorrow|tonight|by|on|in|this|at)\b/,
    /\b(?:running\s+out\s+of\s+time|out\s+of\s+time|last\s+minute|against\s+the\s+clock)\b/,
    // "if it isn't fixed today", "sorted by tonight", "working again this morning"
    /\b(?:fixed|sorted(?:\s+out)?|resolved|working(?:\s+again)?|done)\s+(?:by\s+)?(?:today|tonight|tomorrow|this\s+(?:morning|afternoon|evening))\b/,
  ],
  'cancel-threat': [
    // "fix it or I'm cancelling", "or I will cancel", "or we leave"
    /\bor\s+(?:else\s+)?(?:i|we)\s*(?:['’]m|['’]re|['’]ll|\s+am|\s+are|\s+will|\s+shall)?\s*(?:going\s+to\s+|gonna\s+)?(?:cancel(?:l?ing)?|leav(?:e|ing)|switch(?:ing)?|quit(?:ting)?|clos(?:e|ing)|go(?:ing)?\s+elsewhere|tak(?:e|ing)\s+(?:my|our)\s+business|walk(?:ing)?\s+away|unsubscrib(?:e|ing)|demand(?:ing)?\s+a\s+refund|dispute|chargeback)/,
    // "I'm cancelling", "we are leaving", "I'll cancel my subscription", "ready to switch"
    /\b(?:i|we)\s*(?:['’]m|['’]re|['’]ll|\s+am|\s+are|\s+will|\s+want\s+to|\s+would\s+like\s+to|\s+have\s+decided\s+to|\s+intend\s+to)\s+(?:(?:going|about|ready|planning|thinking\s+about|considering)\s+(?:to\s+)?)?(?:cancel(?:l?ing)?|leav(?:e|ing)|switch(?:ing)?|quit(?:ting)?|clos(?:e|ing)|mov(?:e|ing))\s+(?:my|our|the|this)?\s*(?:subscription|account|plan|membership|contract|service|business|provider|to\s+(?:a\s+|another\s+|your\s+)?(?:competitor|provider|service|vendor|tool|app))\b/,
    /\b(?:thinking|thinking\s+about|considering|ready|about|planning|going)\s+(?:to\s+)?(?:cancel(?:l?ing)?|leav(?:e|ing)|switch(?:ing)?)\b/,
    // A bare "I'm cancelling." / "…, we're leaving" that ends its clause
    /\b(?:i|we)\s*(?:['’]m|['’]re|['’]ll|\s+am|\s+are|\s+will)\s+(?:cancel(?:l?ing)?|leav(?:e|ing)|quit(?:ting)?)\s*(?:[.!?,;]|$)/,
    /\b(?:switch(?:ing)?|mov(?:e|ing)|go(?:ing)?)\s+to\s+(?:a\s+)?(?:competitor|another\s+(?:provider|service|company|vendor|tool|app))\b|\btake\s+(?:my|our)\s+business\s+elsewhere\b|\bdone\s+with\s+(?:you|your\s+(?:company|service|product))\b|\blast\s+chance\b|\bcancel(?:l?ing)?\s+(?:my|our)\s+(?:subscription|account|plan|membership|contract)\b|\bchargeback\b/,
  ],
  'business-impact': [
    // "my whole team can't work", "our entire company", "the whole office"
    /\b(?:my|our|the)\s+(?:whole|entire)\s+(?:team|company|office|department|staff|organi[sz]ation|org|business|shop|store|school|class|practice|clinic|firm|agency)\b/,
    /\b(?:whole|entire|all\s+of\s+(?:my|our|the))\s+(?:team|company|office|department|staff|organi[sz]ation|employees|users|customers|clients)\b/,
    // "nobody in my team can log in", "none of our staff can…"
    /\b(?:nobody|no\s+one|no-one|none\s+of\s+(?:us|them|our\s+\w+|my\s+\w+))\b[^.!?\n]{0,30}\b(?:can|could|is\s+able|are\s+able)\b/,
    // "our customers can't pay", "staff are unable to work", "20 users are affected"
    /\b(?:our|my)\s+(?:customers|clients|users|staff|employees|team|colleagues|students|patients|drivers|agents|members)\s+(?:can['’]?t|cannot|are\s+unable|aren['’]t\s+able|can\s+not|are\s+(?:stuck|blocked|affected|complaining|waiting)|have\s+been\s+(?:stuck|blocked))\b/,
    /\b(?:\d{2,}|dozens\s+of|hundreds\s+of|thousands\s+of|all\s+(?:our|my))\s+(?:users|employees|people|customers|clients|staff|seats|accounts|orders|students|members)\b/,
    // "we're losing sales", "this is costing us money", "production is down", "can't take orders"
    /\blos(?:e|ing|t)\s+(?:money|sales|revenue|orders|customers|clients|business|bookings|deals)\b|\bcost(?:ing|s)?\s+(?:us|me|my\s+business|our\s+business)\b|\b(?:production|prod|our\s+(?:site|store|shop|website|checkout|system))\s+(?:is|are|went|has\s+gone)\s+down\b/,
    /\b(?:can['’]?t|cannot|unable\s+to)\s+(?:take|process|accept|ship|fulfil+)\s+(?:orders|payments|bookings|customers)\b|\b(?:can['’]?t|cannot|unable\s+to)\s+(?:invoice|bill|pay\s+(?:my|our)\s+(?:staff|employees|team)|run\s+payroll)\b/,
    /\bblocking\s+(?:my|our|the)\s+(?:team|release|launch|work|business|company)\b|\b(?:our|my)\s+business\s+(?:is|has|can['’]?t|depends)\b/,
  ],
};

/** Phrases that undo a match in their sentence: "first time I'm writing", "no rush". */
const NEGATIVE: Readonly<Partial<Record<Signal, readonly RegExp[]>>> = {
  'repeat-contact': [/\b(?:first|1st)\s+time\b/, /\bnever\s+(?:contacted|written|called|reached\s+out)\b/],
  deadline: [/\bno\s+(?:rush|hurry)\b|\bnot\s+(?:urgent|in\s+a\s+hurry|time[- ]sensitive)\b|\bwhenever\s+you\s+(?:can|get\s+a\s+chance|have\s+(?:a\s+)?(?:moment|time))\b|\bin\s+your\s+own\s+time\b/],
  'cancel-threat': [
    /\b(?:don['’]t|do\s+not|won['’]t|will\s+not|not)\s+(?:want\s+to\s+)?(?:cancel|leave|switch)\b/,
    /\bhow\s+(?:do|can)\s+i\s+cancel\b|\bcancel(?:l?ing|led)?\s+(?:an?|the|my|this)\s+(?:order|item|back-?order|booking|payment|invoice|transfer|export|upload|request)\b/,
  ],
  'business-impact': [/\b(?:just|only)\s+(?:me|my\s+account|one\s+user)\b/],
};

/** Sentences of the description, each with its offset (a signal's evidence stays in its sentence). */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+|\n+/).filter((s) => s.trim() !== '');
}

/**
 * The signals in a customer's description, in SIGNALS order, each with the words that show it.
 * Pure and deterministic; case-insensitive; curly quotes read as straight ones.
 */
export function detectSignals(description: string): DetectedSignal[] {
  const text = description.replace(/[‘’]/g, "'").slice(0, 20_000);
  const found = new Map<Signal, string>();
  for (const sentence of sentences(text)) {
    const lower = sentence.toLowerCase();
    for (const signal of SIGNALS) {
      if (found.has(signal)) continue;
      if ((NEGATIVE[signal] ?? []).some((pattern) => pattern.test(lower))) continue;
      for (const pattern of TABLE[signal]) {
        const match = new RegExp(pattern.source, 'i').exec(sentence);
        if (match) {
          found.set(signal, match[0].replace(/\s+/g, ' ').trim());
          break;
        }
      }
    }
  }
  return SIGNALS.filter((s) => found.has(s)).map((signal) => ({ signal, evidence: found.get(signal) as string }));
}

/**
 * Signals from a flag or an answers file: `repeat-contact,deadline` (also spaces, `_` for `-`, a
 * list), `none` for none. Unknown names are returned in `unknown`.
 */
export function parseSignals(raw: string | readonly unknown[]): { signals: Signal[]; unknown: string[] } {
  const items = (typeof raw === 'string' ? raw.split(/[,\s]+/) : raw.map((item) => String(item))).map((item) => item.trim().toLowerCase().replace(/_/g, '-')).filter((item) => item !== '');
  const signals: Signal[] = [];
  const unknown: string[] = [];
  for (const item of items) {
    if (item === 'none') continue;
    const signal = (SIGNALS as readonly string[]).includes(item) ? (item as Signal) : SIGNAL_ALIASES[item];
    if (signal === undefined) unknown.push(item);
    else if (!signals.includes(signal)) signals.push(signal);
  }
  return { signals: SIGNALS.filter((s) => signals.includes(s)), unknown };
}

const SIGNAL_ALIASES: Readonly<Record<string, Signal>> = {
  repeat: 'repeat-contact',
  'repeat-contact': 'repeat-contact',
  urgent: 'deadline',
  urgency: 'deadline',
  cancel: 'cancel-threat',
  churn: 'cancel-threat',
  impact: 'business-impact',
  business: 'business-impact',
};

/**
 * What a reply states as fact: the claim detector, confirmed `{% if actions.x.done %}` ranges,
 * promised links, timelines and repeated phrases; and the lint rules built on them.
 */
import { describe, expect, it } from 'vitest';
import type { Playbook } from '../../src/core/model.js';
import { parsePlaybook } from '../../src/core/parse-playbook.js';
import {
  confirmedRanges,
  conflictingTimelines,
  findClaims,
  findRepeatedPhrase,
  findTimelines,
  findUnsuppliedLinks,
  proseOf,
} from '../../src/core/reply-claims.js';
import { replyCraftRules } from '../../src/core/reply-craft.js';
import { validatePlaybook } from '../../src/core/validate.js';

const claimsIn = (text: string) => findClaims(text).map((c) => `${c.kind}: ${c.text}`);

describe('findClaims', () => {
  it.each([
    ["I've refunded INV-20931 in full.", "action: I've refunded"],
    ['I have sent you a replacement.', 'action: I have sent'],
    ["I’ve lifted that block on your address.", "action: I’ve lifted"],
    ["I've restored the project from the trash.", "action: I've restored"],
    ["I've applied a 20% credit.", "action: I've applied"],
    ["I've reactivated your account.", "action: I've reactivated"],
    ["I've also applied the discount.", "action: I've also applied"],
    ["I've gone ahead and cancelled the order.", "action: I've gone ahead and cancelled"],
    ['I refunded the duplicate a moment ago.', 'action: I refunded'],
    ['I just sent the reset link.', 'action: I just sent'],
    ["We've refunded the second charge.", "action: We've refunded"],
    ["I've signed you out of every session.", "action: I've signed"],
    ["I've logged you out everywhere.", "action: I've logged"],
    ["I've turned the renewal off.", "action: I've turned"],
    ["I've passed your feedback on to the product team.", "handover: I've passed"],
    ["I've also logged it with our engineers.", "handover: I've also logged"],
    ["I've asked our billing team to look at it.", "handover: I've asked"],
    ["I've let our engineers know.", "handover: I've let"],
    ["I've opened a ticket with the carrier.", "handover: I've opened"],
    ["I've reported it under case TRI-1.", "handover: I've reported"],
  ])('finds %j', (text, expected) => {
    expect(claimsIn(text)).toEqual([expected]);
  });

  it.each([
    "I'll refund the duplicate today.",
    'I will send you the article.',
    "I've checked your account and the payment is pending.",
    "I've looked into it.",
    'Once I have refunded it, you will get an email.',
    "If we've sent it to the wrong address, tell me.",
    "I haven't refunded it yet.",
    'We emailed every customer about the new price in March.',
    'I set up exports every Monday.',
    "I've asked you a lot of questions, thank you.",
    'The refund was processed by your bank.',
    "You've already sent us the screenshot.",
  ])('finds no claim in %j', (text) => {
    expect(claimsIn(text)).toEqual([]);
  });

  it('finds each claim of a sentence with two', () => {
    expect(claimsIn("I've cancelled the back-order and I've refunded it.")).toEqual(["action: I've cancelled", "action: I've refunded"]);
  });
});

describe('confirmedRanges and proseOf', () => {
  it('marks the body of if actions.<key>.done (and .status == "done") up to else/elsif/endif', () => {
    const template = 'A {% if actions.refund.done %}B{% else %}C{% endif %} D {% if actions.send.status == "done" %}E{% endif %}';
    const ranges = confirmedRanges(template);
    expect(ranges.map((r) => [template.slice(r.start, r.end), r.action])).toEqual([
      ['B', 'refund'],
      ['E', 'send'],
    ]);
  });

  it('does not count negated, failed or either-or conditions', () => {
    for (const condition of ['actions.refund.failed', 'actions.refund.done == false', 'actions.refund.done or answers.x', 'actions.refund.status != "done"']) {
      expect(confirmedRanges(`{% if ${condition} %}X{% endif %}`)).toEqual([]);
    }
    expect(confirmedRanges('{% unless actions.refund.done %}X{% endunless %}')).toEqual([]);
  });

  it('keeps positions: a claim found in the prose sits at the same index of the template', () => {
    const template = "Hi {{ customer.name }}. {% if actions.r.done %}I've refunded it.{% endif %}";
    const prose = proseOf(template);
    expect(prose).toHaveLength(template.length);
    const [claim] = findClaims(prose);
    expect(template.slice(claim!.start, claim!.end)).toBe("I've refunded");
  });
});

describe('findUnsuppliedLinks', () => {
  it('flags an article, guide or status page with no URL or value in its sentence or the next', () => {
    expect(findUnsuppliedLinks("I've sent you the help article on exports.").map((l) => l.text)).toEqual(['help article']);
    expect(findUnsuppliedLinks('Updates are on our status page.').map((l) => l.text)).toEqual(['status page']);
    expect(findUnsuppliedLinks('Here is the link to the guide.').map((l) => l.text)).toEqual(['Here is the link', 'the guide']);
  });

  it('accepts a URL, a Markdown link or a template value, and links the product sends itself', () => {
    expect(findUnsuppliedLinks('Updates are on our status page: https://status.example.com')).toEqual([]);
    expect(findUnsuppliedLinks('Here is the guide.\nhttps://help.example.com/exports')).toEqual([]);
    // A value elsewhere in the reply (a name) does not supply the link.
    expect(findUnsuppliedLinks('Thanks, {{ customer.first_name }}.\n\nOur status page has updates.').map((l) => l.text)).toEqual(['status page']);
    expect(findUnsuppliedLinks('The [help article](https://help.example.com/exports) has the steps.')).toEqual([]);
    expect(findUnsuppliedLinks('Our help article has the steps: {{ answers.article_url }}')).toEqual([]);
    expect(findUnsuppliedLinks('Open the newest email and click the link within an hour.')).toEqual([]);
    expect(findUnsuppliedLinks('Use the reset link in the email we sent.')).toEqual([]);
  });
});

describe('timelines', () => {
  it('finds promises with a duration or a day, not facts about the world', () => {
    expect(findTimelines("We'll be in touch within one business day.").map((t) => [t.text, t.value])).toEqual([['within one business day', '1440 business']]);
    expect(findTimelines('You will hear from us today.').map((t) => t.value)).toEqual(['today']);
    expect(findTimelines('Refunds usually show within 5–10 business days.')).toEqual([]);
  });

  it('reports two different ones, not the same one twice', () => {
    const clash = conflictingTimelines("After a 24-hour wait we'll restore access within 24 hours. We'll be in touch within one business day.");
    expect(clash?.map((t) => t.text)).toEqual(['within 24 hours', 'within one business day']);
    expect(conflictingTimelines("We'll update you within 2 hours. If nothing changes, we'll still write within two hours.")).toBeUndefined();
  });
});

describe('findRepeatedPhrase', () => {
  it('finds a stock phrase said twice, and any four words said twice', () => {
    expect(findRepeatedPhrase('Thanks for bearing with us. While you are bearing with this, try the app.')?.second.text).toBe('bearing with');
    expect(findRepeatedPhrase('so you won’t have to explain it all again. Our team has it all, so you won’t have to explain it all again.')?.second.text).toBe('explain it all again');
    expect(findRepeatedPhrase('Your case reference is TRI-1. Keep your case reference is TRI-1 handy.')?.second.text).toBe('your case reference is')
  });

  it('leaves ordinary small words alone', () => {
    expect(findRepeatedPhrase('If you can, try it in a private window. If you can, send a screenshot too.')).toBeUndefined();
    expect(findRepeatedPhrase('The refund goes back to the card you paid with.')).toBeUndefined();
  });
});

describe('lint: reply/unconfirmed-claim and friends', () => {
  function lint(body: string): string[] {
    const source = `---\nid: t\ntitle: T\nversion: 1.0.0\n---\n${body}`;
    const { playbook, diagnostics } = parsePlaybook(source, { path: '/pb/t.md', dir: '/pb' });
    expect(diagnostics).toEqual([]);
    return validatePlaybook(playbook as Playbook, { rules: replyCraftRules(), regexSafety: false })
      .filter((d) => /^reply\/(unconfirmed-claim|promised-link|outcome-title|two-timelines|repeated-phrase)$/.test(d.rule))
      .map((d) => `${d.line} ${d.severity} ${d.rule}`);
  }

  const refundFlow = (outcomeReply: string, via = '#refund') => `
## Start

- [Refund](${via})
- [Other](#resolved-other)

## Refund

\`\`\`action
key: refund
do: Refund the payment.
done: '#resolved-refunded'
failed: '#escalate-blocked'
\`\`\`

## Resolved: Refunded

\`\`\`reply
${outcomeReply}
\`\`\`

## Resolved: Other

\`\`\`reply
Thanks, that settles it. Open Settings → Billing to see the invoice.
\`\`\`

## Escalate: Blocked

\`\`\`reply
Our billing team will refund it and email you.
\`\`\`
`;

  it('accepts a claim when every path to the outcome passed through the action\'s done result', () => {
    expect(lint(refundFlow("I've refunded the payment; it shows in 5–10 business days."))).toEqual([]);
  });

  it('flags it (an error, at the line) when some path skips the action', () => {
    const body = refundFlow("I've refunded the payment; it shows in 5–10 business days.", '#resolved-refunded');
    expect(lint(body)).toEqual(['24 error reply/unconfirmed-claim']);
  });

  it('accepts the claim inside {% if actions.<key>.done %}, and flags it in the else branch', () => {
    const body = refundFlow("{% if actions.refund.done %}I've refunded it.{% else %}I've refunded nothing.{% endif %}", '#resolved-refunded');
    expect(lint(body)).toEqual(['24 error reply/unconfirmed-claim']);
    expect(lint(refundFlow("{% if actions.refund.done %}I've refunded it.{% endif %}", '#resolved-refunded'))).toEqual([]);
  });

  it('accepts "I\'ve passed it on" where a report goes, not on a resolved outcome without one', () => {
    const body = `
## Start

- [A](#bug-broken)
- [B](#resolved-fine)

## Bug: Broken

\`\`\`report
actual: It breaks.
\`\`\`

\`\`\`reply
I've reported it to our engineers with the steps to reproduce it.
\`\`\`

## Resolved: Fine

\`\`\`reply
Open Settings → Export and try again. I've also passed your feedback to the product team.
\`\`\`
`;
    expect(lint(body)).toEqual(['25 error reply/unconfirmed-claim']);
  });

  it('flags a promised link, outcome.title, two timelines and a repeated phrase', () => {
    const body = `
## Start

- [A](#bug-export-times-out)

## Bug: Export times out

\`\`\`report
actual: It times out.
\`\`\`

\`\`\`reply
This is a fault on our side ({{ outcome.title }}).
Our status page has the details.
We'll fix it within 2 days, and we'll update you within one business day.
Thanks for bearing with us, and for bearing with the wait.
\`\`\`
`;
    expect(lint(body)).toEqual([
      '18 warning reply/outcome-title',
      '19 error reply/promised-link',
      '20 warning reply/two-timelines',
      '21 warning reply/repeated-phrase',
    ]);
  });
});

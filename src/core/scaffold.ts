/**
 * The playbook `triage new <id>` writes: a small but complete decision tree that lints clean and
 * shows every part of the format by example (front matter, env fields, a script, an ask block,
 * a choice list, an agent action, each common outcome, a reply block and a report block).
 */
/** A knowledge-gap case a playbook is started from (`triage new --from-case`). */
export interface CaseSeed {
  readonly caseId: string;
  readonly description: string;
  /** The agent's notes: what was asked, what was tried. */
  readonly asked?: string;
  readonly tried?: string;
}

/** The seed's nodes, placed before the scaffold's first: the case's notes, for the author to turn into questions. */
const SEED_NODES = ['what-did-the-customer-ask', 'what-was-tried-before'] as const;

/** One line of notes, safe inside a Markdown paragraph (no fences, headings or links to nowhere). */
function noteLine(text: string | undefined): string {
  const line = (text ?? '').replace(/\s+/g, ' ').replace(/`{3,}|~{3,}/g, '').replace(/[[\]]/g, '').trim();
  return line === '' ? '(no notes)' : line;
}

function seedNodes(seed: CaseSeed): string {
  return `## What did the customer ask?

From case ${seed.caseId}, where no playbook fitted. The customer wrote:
"${noteLine(seed.description)}". The agent asked, and was told: ${noteLine(seed.asked)}

> Could you tell me a bit more about what you were trying to do when this happened?

- [Continue](#what-was-tried-before)

## What was tried before?

In case ${seed.caseId} the agent checked or tried: ${noteLine(seed.tried)}
Turn each of these into a question or a check.

> Let me check a couple of things on our side.

- [Continue](#does-it-happen-every-time)

`;
}

export function scaffoldPlaybook(id: string, title?: string, seed?: CaseSeed): string {
  const text = scaffoldText(id, title);
  if (!seed) return text;
  const symptom = seed.description.replace(/\s+/g, ' ').trim();
  return text
    .replace('symptoms:\n  - it does not work\n  - something is broken\n', `symptoms:\n  - ${JSON.stringify(symptom)}\n`)
    .replace('## Does it happen every time?', `${seedNodes(seed)}## Does it happen every time?`);
}

function scaffoldText(id: string, title?: string): string {
  // A title is one line (docs/playbook-format.md); a pasted newline would break the front matter.
  const given = title?.replace(/\s+/g, ' ').trim();
  const heading = given || id.split('-').map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w)).join(' ');
  return `---
id: ${id}
title: ${yamlString(heading)}
version: 1.0.0
summary: One sentence that tells an agent when to use this playbook.
tags: [example]
# Phrases customers actually say; \`triage search\` matches descriptions against them.
symptoms:
  - it does not work
  - something is broken
severity: medium
env:
  # Asked of the customer. A pasted User-Agent is split into browser, OS and device.
  - key: browser
    ask: Which browser and version? (paste the User-Agent if they have it)
    parse: user-agent
  # Captured on this machine without asking.
  - key: os
    detect: os
---

# ${heading}

Introduction for the agent: when to use this playbook and what to have ready.
Paragraphs like this one are guidance; blockquotes are what you say to the customer.

## Does it happen every time?

Start with scope: one customer or everyone, always or sometimes.

> Does this happen every time you try, or only sometimes?

\`\`\`ask
key: error_text
prompt: The exact error message, if there is one
required: false
\`\`\`

- [Every time](#does-a-private-window-help)
- [Only sometimes](#workaround-retry-later)

## Does a private window help?

Test one thing at a time, so you know which one fixed it.

> Could you try the same thing in a private (incognito) window?

- [Yes, it works there](#resolved-a-browser-extension-was-interfering)
- [No, same problem](#sign-them-out-everywhere)

## Sign them out everywhere

Something the agent does, then confirms: Done, Couldn't do it (or Not needed, when the block
gives a \`not-needed\` target). The run moves on by the result, and the reply may say it was
done only on paths that passed through "Done".

\`\`\`action
key: reset_sessions
do: Sign the customer out of every session (Admin → Users → Sessions → Sign out everywhere).
reference: Note from the admin log, if there is one
done: '#does-it-work-after-signing-in-again'
failed: '#bug-fails-every-time'
\`\`\`

## Does it work after signing in again?

> I've signed you out everywhere. Could you sign in again and try once more?

- [Yes, it works now](#resolved-a-stale-session)
- [No, same problem](#bug-fails-every-time)

## Resolved: A stale session

\`\`\`reply
I signed you out of every session, which cleared an old sign-in that was
getting in the way. If it ever comes back, signing out and in again fixes it.
\`\`\`

## Resolved: A browser extension was interfering

\`\`\`reply
Good news: since it works in a private window, one of your browser extensions
is getting in the way. Turning extensions off one by one will show which one.
\`\`\`

## Workaround: Retry later

\`\`\`reply
This looks like a temporary hiccup. Trying again in a few minutes usually
works.
\`\`\`

## Bug: Fails every time

\`\`\`report
title: "{{ playbook.title }} fails every time ({{ env.browser }})"
expected: It works.
actual: "It fails every time, also in a private window. Error: {{ answers.error_text | default: 'none shown' }}"
severity: medium
component: example
labels: [example]
\`\`\`

\`\`\`reply
It fails every time, even in a private window, so the fault is on our side,
not in your browser or your setup.
\`\`\`
`;
}

function yamlString(s: string): string {
  return /^[\w][\w .,()/-]*$/.test(s) ? s : JSON.stringify(s);
}

/**
 * The playbook tests `triage new` writes next to the scaffold: one case per outcome, so
 * `triage test` passes with full coverage until the author changes the tree (then the failing
 * case says what to update).
 */
export function scaffoldPlaybookTests(id: string, seed?: CaseSeed): string {
  const text = scaffoldTestsText(id);
  return seed ? text.replace(/^    answers:\n/gm, `    answers:\n${SEED_NODES.map((node) => `      ${node}: Continue\n`).join('')}`) : text;
}

function scaffoldTestsText(id: string): string {
  return `# Tests for ${id}.md: \`triage test\` runs each case without prompting and checks where it ends.
# Keys are the same as \`triage run --answer\`: env keys, ask keys, action keys (→ done, failed,
# not-needed) and choice node ids (→ label).
playbook: ${id}
cases:
  - name: a private window fixes it
    intake: { customer: Dana, mood: frustrated, channel: chat }
    answers:
      browser: Firefox 128
      does-it-happen-every-time: Every time
      does-a-private-window-help: Yes, it works there
    outcome: resolved-a-browser-extension-was-interfering
    reply_contains: ["private window"]

  - name: signing out everywhere fixes it
    answers:
      browser: Firefox 128
      does-it-happen-every-time: Every time
      does-a-private-window-help: No, same problem
      reset_sessions: done
      does-it-work-after-signing-in-again: Yes, it works now
    outcome: resolved-a-stale-session
    reply_contains: ["signed you out"]

  - name: only sometimes
    answers:
      browser: Firefox 128
      does-it-happen-every-time: Only sometimes
    outcome: workaround-retry-later

  - name: fails every time, even in a private window
    answers:
      browser: Firefox 128
      error_text: Error 500 on save
      does-it-happen-every-time: Every time
      does-a-private-window-help: No, same problem
      reset_sessions: failed
    outcome: bug-fails-every-time
    report_contains: ["Error 500 on save"]
`;
}

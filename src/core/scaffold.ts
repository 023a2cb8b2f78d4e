/**
 * The playbook `triage new <id>` writes: a small but complete decision tree that lints clean and
 * shows every part of the format by example (front matter, env fields, a script, an ask block,
 * a choice list, each common outcome, a reply block and a report block).
 */
export function scaffoldPlaybook(id: string, title?: string): string {
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
- [No, same problem](#bug-fails-every-time)

## Resolved: A browser extension was interfering

\`\`\`reply
Good news: since it works in a private window, one of your browser extensions
is getting in the way. Turning extensions off one by one will show which one.
\`\`\`

## Workaround: Retry later

\`\`\`reply
This looks like a temporary hiccup. Trying again in a few minutes usually
works; if it keeps happening, reply to this message and we will dig deeper.
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
I have passed this to our engineers with the steps to reproduce it and the
details of your setup. Your case reference is {{ case.id }}.
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
export function scaffoldPlaybookTests(id: string): string {
  return `# Tests for ${id}.md: \`triage test\` runs each case without prompting and checks where it ends.
# Keys are the same as \`triage run --answer\`: env keys, ask keys, and choice node ids (→ label).
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
    outcome: bug-fails-every-time
    report_contains: ["Error 500 on save"]
`;
}

// Generates a corpus of realistic, valid playbooks for benchmarks and scale tests: each one a
// small decision tree (6 nodes, 3 outcome kinds) with distinct titles, symptoms and tags, so
// search has real work to do. Deterministic for a given count and seed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const AREAS = ['login', 'billing', 'export', 'upload', 'sync', 'search', 'email', 'invoice', 'checkout', 'profile', 'mobile', 'api', 'report', 'calendar', 'chat', 'import', 'webhook', 'sso', 'printing', 'dashboard'];
const PROBLEMS = ['fails', 'is slow', 'shows an error', 'is blank', 'times out', 'loses data', 'is missing', 'duplicates items', 'crashes', 'looks wrong'];
const WORDS = ['button', 'page', 'screen', 'file', 'list', 'widget', 'setting', 'filter', 'form', 'table', 'chart', 'link', 'menu', 'popup', 'banner'];

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function playbookSource(i, random = rng(i + 1)) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const area = AREAS[i % AREAS.length];
  const problem = PROBLEMS[Math.floor(i / AREAS.length) % PROBLEMS.length];
  const word = pick(WORDS);
  const id = `gen-${area}-${String(i).padStart(5, '0')}`;
  const title = `${area[0].toUpperCase()}${area.slice(1)} ${word} ${problem} (${i})`;
  return {
    id,
    text: `---
id: ${id}
title: "${title}"
version: 1.${i % 7}.0
summary: When the ${area} ${word} ${problem} for a customer.
tags: [${area}, ${word}, generated]
symptoms:
  - the ${area} ${word} ${problem}
  - my ${word} ${problem} again
  - ${area} broken since the update
severity: medium
env:
  - key: browser
    ask: Which browser and version?
    parse: user-agent
---

# ${title}

Generated playbook number ${i} for benchmarks.

## Does it happen every time?

> Does the ${area} ${word} ${problem} every time, or only sometimes?

- [Every time](#private-window)
- [Only sometimes](#workaround-retry-later)

## Private window

> Could you try it in a private window?

\`\`\`ask
key: detail
prompt: What exactly do they see?
required: false
\`\`\`

- [Works there](#resolved-extension-interfered)
- [Still broken](#everyone-or-just-them)

## Everyone or just them?

> Is it only you, or your whole team?

- [Only them](#bug-${area}-${word}-${problem.replace(/ /g, '-')})
- [Whole team](#bug-${area}-${word}-${problem.replace(/ /g, '-')})

## Resolved: Extension interfered

\`\`\`reply
Since it works in a private window, a browser extension is getting in the way.
Turning extensions off one at a time shows which one.
\`\`\`

## Workaround: Retry later

\`\`\`reply
Trying again in a few minutes usually works; reply here if it keeps happening.
\`\`\`

## Bug: ${area} ${word} ${problem}

\`\`\`report
title: "${title} in {{ env.browser }}"
expected: The ${area} ${word} works.
actual: "It ${problem}. {{ answers.detail | default: '' }}"
component: ${area}
labels: [${area}]
\`\`\`

\`\`\`reply
Our engineers have the full details and steps to reproduce it, as case {{ case.id }}.
\`\`\`
`,
  };
}

export function writeCorpus(dir, count) {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const { id, text } = playbookSource(i);
    writeFileSync(join(dir, `${id}.md`), text);
  }
  return dir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = 'bench-corpus', count = '2000'] = process.argv.slice(2);
  writeCorpus(dir, Number(count));
  console.log(`wrote ${count} playbooks to ${dir}`);
}

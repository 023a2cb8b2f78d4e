import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintPlaybooks, type LintResult } from '../../src/app/lint.js';
import type { Playbook } from '../../src/core/model.js';
import { parsePlaybook } from '../../src/core/parse-playbook.js';
import {
  countReplyWords,
  DEFAULT_AVOID_PHRASES,
  DEFAULT_REPLY_CRAFT,
  REPLY_CRAFT_RULE_IDS,
  replyCraftConfig,
  replyCraftRules,
  type ReplyCraftConfig,
} from '../../src/core/reply-craft.js';
import { scaffoldPlaybook } from '../../src/core/scaffold.js';
import { validatePlaybook } from '../../src/core/validate.js';
import { isolatedEnv } from '../helpers/cli.js';

const DIR = resolve(import.meta.dirname, '..', 'fixtures', 'playbook-tests', 'reply-craft');
const BUNDLED = resolve(import.meta.dirname, '..', '..', 'playbooks');

function fixture(name: string, dir = DIR): Playbook {
  const path = join(dir, name);
  const { playbook, diagnostics } = parsePlaybook(readFileSync(path, 'utf8'), { path, dir });
  expect(diagnostics).toEqual([]);
  return playbook as Playbook;
}

/** `file:line rule` of the reply-craft warnings only. */
function craft(name: string, config: ReplyCraftConfig = DEFAULT_REPLY_CRAFT): string[] {
  const playbook = fixture(name);
  return validatePlaybook(playbook, { rules: replyCraftRules(config), regexSafety: false })
    .filter((d) => (REPLY_CRAFT_RULE_IDS as readonly string[]).includes(d.rule))
    .map((d) => {
      // A reply that states what nobody did, or points to a link it lacks, is an error; the rest warn.
      expect(d.severity).toBe(d.rule === 'reply/unconfirmed-claim' || d.rule === 'reply/promised-link' ? 'error' : 'warning');
      return `${d.file.slice(DIR.length + 1)}:${d.line} ${d.rule}`;
    });
}

function messages(name: string, rule: string): string[] {
  return validatePlaybook(fixture(name), { rules: replyCraftRules(), regexSafety: false })
    .filter((d) => d.rule === rule)
    .map((d) => d.message);
}

describe('reply-craft rules', () => {
  it('a well-written playbook has no warnings', () => {
    expect(craft('clean.md')).toEqual([]);
  });

  it('reply/missing and report/missing', () => {
    expect(craft('missing-blocks.md')).toEqual([
      'missing-blocks.md:13 reply/missing',
      'missing-blocks.md:17 report/missing',
      'missing-blocks.md:23 reply/missing',
      'missing-blocks.md:23 report/missing',
    ]);
  });

  it('reply/no-next-step: a how-to reply that only explains (a wrapped bug reply is fine: the wrapper says what happens next)', () => {
    expect(craft('no-next-step.md')).toEqual(['no-next-step.md:14 reply/no-next-step']);
  });

  it('reply/no-acknowledgement for a `reply full` that skips it', () => {
    expect(craft('no-acknowledgement.md')).toEqual(['no-acknowledgement.md:13 reply/no-acknowledgement']);
    expect(messages('no-acknowledgement.md', 'reply/no-acknowledgement')[0]).toContain('`reply full`');
  });

  it('reply/blames-customer, at the line of each phrase, across a line break', () => {
    expect(craft('blames-customer.md')).toEqual(['blames-customer.md:14 reply/blames-customer', 'blames-customer.md:15 reply/blames-customer']);
    expect(messages('blames-customer.md', 'reply/blames-customer')).toEqual([
      expect.stringContaining('says "You should have"'),
      expect.stringContaining(`says "you didn't read"`),
    ]);
  });

  it('reply/avoid-phrase: one warning per spot, the longer phrase winning', () => {
    expect(craft('avoid-phrase.md')).toEqual([
      'avoid-phrase.md:14 reply/avoid-phrase',
      'avoid-phrase.md:14 reply/avoid-phrase',
      'avoid-phrase.md:15 reply/avoid-phrase',
    ]);
    expect(messages('avoid-phrase.md', 'reply/avoid-phrase').map((m) => /uses "([^"]+)"/.exec(m)?.[1])).toEqual(['As I already said', 'per our policy', 'calm down']);
  });

  it('reply/avoid-phrase follows the configured list', () => {
    expect(craft('avoid-phrase.md', { ...DEFAULT_REPLY_CRAFT, avoid: [] })).toEqual([]);
    expect(craft('clean.md', { ...DEFAULT_REPLY_CRAFT, avoid: ['top bar'] })).toEqual(['clean.md:18 reply/avoid-phrase']);
  });

  it('reply/too-long-for-chat, with a configurable limit', () => {
    expect(craft('too-long-for-chat.md')).toEqual(['too-long-for-chat.md:13 reply/too-long-for-chat']);
    expect(messages('too-long-for-chat.md', 'reply/too-long-for-chat')[0]).toContain('has 173 words');
    expect(craft('too-long-for-chat.md', { ...DEFAULT_REPLY_CRAFT, chatWords: 200 })).toEqual([]);
  });

  it('the bundled playbooks follow the craft', () => {
    const files = ['refund-request.md', 'charged-twice.md', 'promised-callback-missed.md', 'cannot-log-in.md'];
    for (const file of files) {
      const diagnostics = validatePlaybook(fixture(file, BUNDLED), { rules: replyCraftRules(), regexSafety: false });
      expect(diagnostics.filter((d) => d.rule.startsWith('reply/') || d.rule.startsWith('report/'))).toEqual([]);
    }
  });
});

describe('reply/no-next-step accepts the usual ways of moving the customer on', () => {
  const withReply = (reply: string): string[] => {
    const source = `---\nid: t\ntitle: T\nversion: 1.0.0\n---\n\n## Start\n\n- [A](#resolved-done)\n\n## Resolved: Done\n\n\`\`\`reply\n${reply}\n\`\`\`\n`;
    const { playbook } = parsePlaybook(source, { path: '/pb/t.md', dir: '/pb' });
    return validatePlaybook(playbook as Playbook, { rules: replyCraftRules(), regexSafety: false }).map((d) => d.rule);
  };

  it.each([
    'The export follows your filters.\n\n1. Clear the filter.\n2. Export again.',
    'The export follows your filters. Clear the filter and export again.',
    'The export follows your filters. Turning the filter off shows every row.',
    'The export follows your filters. You can change them in Settings → Reports.',
    "The export follows your filters. If it ever looks short again, the filter is the first place to look.",
    'The export follows your filters. Would you like me to set up a saved export without them?',
  ])('%s', (reply) => {
    expect(withReply(reply)).toEqual([]);
  });

  it('counts what the agent did as a way on, and asks that it be confirmed', () => {
    // "I've cleared" moves the customer on, but nothing in this playbook confirms it was done.
    expect(withReply("The export follows your filters. I've cleared the filter on your saved report.")).toEqual(['reply/unconfirmed-claim']);
  });

  it('but not a reply that only explains', () => {
    expect(withReply('The export follows the filters on screen; that is how exports work.')).toEqual(['reply/no-next-step']);
  });

  it('the playbook `triage new` scaffolds follows the craft', () => {
    const { playbook } = parsePlaybook(scaffoldPlaybook('login-loop'), { path: '/pb/login-loop.md', dir: '/pb' });
    expect(validatePlaybook(playbook as Playbook, { rules: replyCraftRules(), regexSafety: false })).toEqual([]);
  });
});

describe('countReplyWords', () => {
  it('counts the longest branch of a condition, a value as one word, comments as nothing', () => {
    expect(countReplyWords('Hello {{ customer.name }}, thanks.')).toBe(3);
    expect(countReplyWords('A b. {% if x %}one two three{% elsif y %}one{% else %}one two{% endif %} end')).toBe(6);
    expect(countReplyWords('{% comment %}not counted at all{% endcomment %}Two words')).toBe(2);
    expect(countReplyWords("{% case a %}{% when 1 %}x y{% when 2 %}x y z w{% endcase %} don't")).toBe(5);
  });
});

describe('replyCraftConfig (settings)', () => {
  it('uses the defaults without settings', () => {
    expect(replyCraftConfig({})).toEqual({ config: { avoid: DEFAULT_AVOID_PHRASES, chatWords: 120 }, problems: [] });
  });

  it('reads lint.avoid as a comma list and lint.chatWords as a number or numeric text', () => {
    expect(replyCraftConfig({ 'lint.avoid': ' policy, no way ,', 'lint.chatWords': '80' }).config).toEqual({ avoid: ['policy', 'no way'], chatWords: 80 });
    expect(replyCraftConfig({ 'lint.avoid': '', 'lint.chatWords': 200 }).config).toEqual({ avoid: [], chatWords: 200 });
  });

  it('falls back to the defaults on bad values and says so', () => {
    const { config, problems } = replyCraftConfig({ 'lint.avoid': 3, 'lint.chatWords': 'lots' });
    expect(config).toEqual(DEFAULT_REPLY_CRAFT);
    expect(problems).toEqual([expect.stringContaining('lint.avoid'), expect.stringContaining('lint.chatWords')]);
  });
});

describe('lint applies the craft rules with the settings', () => {
  function lintWithSettings(settings: Record<string, unknown>): LintResult {
    const home = mkdtempSync(join(tmpdir(), 'triage-craft-'));
    const config = join(home, 'config');
    mkdirSync(config, { recursive: true });
    writeFileSync(join(config, 'config.json'), JSON.stringify(settings));
    const env = { ...isolatedEnv(home), TRIAGE_CONFIG_DIR: config };
    return lintPlaybooks({ packageRoot: home, cwd: DIR, env, flagDirs: [] }, [join(DIR, 'clean.md'), join(DIR, 'too-long-for-chat.md')]);
  }

  it('defaults', () => {
    const result = lintWithSettings({});
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['reply/too-long-for-chat']);
    expect(result.notices).toEqual([]);
  });

  it('lint.chatWords and lint.avoid from the settings file', () => {
    const result = lintWithSettings({ 'lint.chatWords': 500, 'lint.avoid': 'top bar' });
    expect(result.diagnostics.map((d) => `${d.file.slice(DIR.length + 1)}:${d.line} ${d.rule}`)).toEqual(['clean.md:18 reply/avoid-phrase']);
  });

  it('a bad setting is a notice, not a failure', () => {
    const result = lintWithSettings({ 'lint.chatWords': 'many' });
    expect(result.notices).toEqual([expect.stringContaining('lint.chatWords must be a positive whole number')]);
    expect(result.errorCount).toBe(0);
  });
});

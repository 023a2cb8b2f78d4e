import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TriageError } from '../../src/core/errors.js';
import { CHANNELS, MOODS, OUTCOME_KINDS, type Channel, type Mood, type OutcomeKind } from '../../src/core/model.js';
import { choosePhrase, parsePhraseBank, stableHash, type PhraseBank } from '../../src/core/phrases.js';
import { composeReply, unwrapParagraphs } from '../../src/core/reply.js';
import { caseTemplateContext, type ReportSettings } from '../../src/core/report.js';
import { firstName } from '../../src/core/template-context.js';
import { bundledTemplatesDir, loadPhraseBank, phraseBankPath } from '../../src/io/phrase-bank.js';
import { sampleBugCase, sampleResolvedCase } from '../helpers/sample-case.js';

let phrases: PhraseBank;
beforeAll(async () => {
  phrases = await loadPhraseBank(bundledTemplatesDir());
});

interface Options {
  readonly channel?: Channel;
  readonly mood?: Mood;
  readonly name?: string;
  readonly settings?: ReportSettings;
  readonly caseId?: string;
  readonly resolved?: boolean;
  readonly kind?: OutcomeKind;
}

/** The reply for the sample case (the PDF bug, or the resolved CSV case) in a given situation. */
function reply(options: Options = {}): string {
  const base = options.resolved ? sampleResolvedCase() : sampleBugCase();
  const channel = options.channel ?? 'email';
  const mood = options.mood ?? 'calm';
  const input = {
    ...base,
    caseId: options.caseId ?? base.caseId,
    intake: { ...base.intake, customer: { name: 'name' in options ? options.name : 'Dana Whitfield', channel, mood } },
    settings: options.settings ?? base.settings,
  };
  const node = input.outcomeNode;
  return composeReply({
    kind: options.kind ?? node.outcome!.kind,
    block: node.reply,
    context: caseTemplateContext(input),
    channel,
    mood,
    phrases,
    signoff: input.settings.signoff,
  });
}

const LEAKS = /undefined|null|NaN|\[object Object\]|\{\{|\}\}|\{%|%\}/;
const paragraphs = (text: string): string[] => text.split('\n\n');

describe('composeReply', () => {
  it('writes an email for an angry customer who hit a bug', () => {
    expect(reply({ mood: 'angry' })).toMatchSnapshot();
  });

  it('writes a chat reply for a calm customer whose problem is resolved', () => {
    expect(reply({ channel: 'chat', resolved: true })).toMatchSnapshot();
  });

  it('writes a phone script for a confused customer', () => {
    expect(reply({ channel: 'phone', mood: 'confused', resolved: true })).toMatchSnapshot();
  });

  it('apologises and takes ownership for an angry customer, and keeps it light for a calm one', () => {
    const angry = reply({ mood: 'angry' });
    const calm = reply({ mood: 'calm' });
    expect(angry).not.toBe(calm);
    expect(paragraphs(angry)[1]).toMatch(/sorry/i);
    expect(paragraphs(angry)[1]).toMatch(/fault on our side|problem on our side/);
    // The outcome's title is written for engineers: it never reaches the customer.
    expect(angry).not.toContain('PDF export times out');
    expect(calm).not.toContain('PDF export times out');
    expect(paragraphs(calm)[1]).not.toMatch(/truly sorry|isn't acceptable/i);

    const calmHowTo = reply({ mood: 'calm', resolved: true });
    expect(paragraphs(calmHowTo)[1]).not.toMatch(/sorry/i);
    expect(paragraphs(reply({ mood: 'angry', resolved: true }))[1]).toMatch(/sorry/i);
    // No stock "patience" line: the apology is said once, in the acknowledgement.
    expect(angry).not.toMatch(/patience/i);
  });

  it('reassures a confused customer in plain words', () => {
    const text = reply({ mood: 'confused' });
    expect(paragraphs(text)[1]).toMatch(/^You haven't done anything wrong\. .*plain terms/);
  });

  it('keeps chat shorter than email: inline greeting, no signature block', () => {
    const email = reply({ mood: 'angry' });
    const chat = reply({ mood: 'angry', channel: 'chat' });
    expect(chat.length).toBeLessThan(email.length * 0.75);
    expect(paragraphs(chat).length).toBeLessThan(paragraphs(email).length);
    expect(chat).not.toMatch(/^Hi Dana,$/m);
    expect(chat).toMatch(/^Hi Dana\. I'm (really )?sorry/);
    expect(chat).not.toContain('Sam Lee');
    expect(chat).not.toContain('Support Engineer');
    expect(email.split('\n').slice(-4)).toEqual([expect.stringMatching(/^(Best|Kind) regards,$/), 'Sam Lee', 'Support Engineer', 'Acme Analytics']);
  });

  it('reads as a spoken script on the phone: no signature, a spoken goodbye', () => {
    const phone = reply({ channel: 'phone', mood: 'calm' });
    // True whether the customer called in or the agent is calling back.
    expect(phone).toMatch(/^Dana, thanks for your time\./);
    expect(phone).not.toMatch(/holding|thanks for calling/i);
    expect(phone).toContain('Thanks again for choosing Acme Analytics');
    expect(phone).not.toContain('Sam Lee');
  });

  it('greets by first name, but not "Hi Dr.,"', () => {
    expect(reply({ name: 'Dr. Priya Raman' }).split('\n')[0]).toMatch(/^(Hi|Hello) Dr\. Priya Raman,$/);
    expect(firstName('Dana Whitfield')).toBe('Dana');
    expect(firstName('Whitfield, Dana')).toBe('Whitfield, Dana');
  });

  it('greets gracefully without a name', () => {
    expect(reply({ name: undefined }).startsWith('Hello,\n\n')).toBe(true);
    expect(reply({ name: '  ', channel: 'chat' })).toMatch(/^Hi there! /);
  });

  it('signs off gracefully without settings, and uses the sign-off setting when given', () => {
    expect(reply({ settings: {} }).split('\n').slice(-1)[0]).toBe('The support team');
    expect(reply({ settings: { companyName: 'Acme' } }).split('\n').slice(-1)[0]).toBe('The Acme support team');
    const custom = reply({ settings: { agentName: 'Sam', signoff: 'Cheers,' } });
    expect(custom.split('\n').slice(-2)).toEqual(['Cheers,', 'Sam']);
  });

  it('sets a realistic expectation for what happens next', () => {
    const bug = reply();
    expect(bug).toMatch(/reported this to our engineering team with full details/);
    expect(bug).toMatch(/case TRI-20261127-7F3A/);
    expect(bug).toMatch(/within two business days/);
    const escalated = reply({ kind: 'escalate' });
    expect(escalated).toMatch(/They'll have everything you've told me/);
    expect(escalated).toMatch(/TRI-20261127-7F3A/);
    const feature = reply({ kind: 'feature-request' });
    expect(feature).toMatch(/product team/);
    expect(feature).toMatch(/can't promise if or when/);
    expect(feature).not.toMatch(/within|business day/);
  });

  it('asks a follow-up question', () => {
    for (const channel of CHANNELS) expect(reply({ channel, resolved: true })).toMatch(/\?/);
  });

  it('gives the same case the same reply, and varies the wording between cases', () => {
    expect(reply({ mood: 'angry' })).toBe(reply({ mood: 'angry' }));
    const variants = new Set(Array.from({ length: 12 }, (_, i) => reply({ mood: 'angry', caseId: `TRI-20261127-${1000 + i}` })));
    expect(variants.size).toBeGreaterThan(1);
  });

  it('reflows the wrapped reply block into paragraphs', () => {
    expect(reply({ resolved: true })).toContain(
      'The export only includes rows that match the filters on screen. Clearing the filter in the top bar and exporting again gives you all 2400 rows.',
    );
  });

  it('returns just the rendered block for `reply full`', () => {
    const input = sampleBugCase();
    const text = composeReply({
      kind: 'bug',
      block: { template: 'Dear {{ customer.name | default: "customer" }},\nCase {{ case.id }}.\n\n— Acme\n', full: true, line: 66 },
      context: caseTemplateContext(input),
      channel: 'email',
      mood: 'angry',
      phrases,
    });
    expect(text).toBe('Dear Dana Whitfield,\nCase TRI-20261127-7F3A.\n\n— Acme');
  });

  it('still wraps when the outcome has no reply block', () => {
    const input = sampleBugCase();
    const text = composeReply({ kind: 'workaround', context: caseTemplateContext(input), channel: 'email', mood: 'calm', phrases });
    expect(paragraphs(text)[0]).toBe('Hi Dana,');
    expect(text).not.toMatch(LEAKS);
  });

  it('shows secret answers as [REDACTED] in the block', () => {
    const input = sampleBugCase({ view: { ...sampleBugCase().view, answers: { token: 'sk_live_abcdef123456' }, secretKeys: ['token'] } });
    const text = composeReply({
      kind: 'bug',
      block: { template: 'Your token {{ answers.token }} was not stored.', full: false },
      context: caseTemplateContext(input),
      channel: 'email',
      mood: 'calm',
      phrases,
    });
    expect(text).toContain('Your token [REDACTED] was not stored.');
    expect(text).not.toContain('sk_live');
  });

  it('reports a broken reply block at its playbook line', () => {
    const input = sampleBugCase();
    const run = () =>
      composeReply({
        kind: 'bug',
        block: { template: 'Fine line\n{% if answers.x %}never closed', full: false, line: 66 },
        context: caseTemplateContext(input),
        channel: 'email',
        mood: 'calm',
        phrases,
        file: 'export-fails.md',
      });
    expect(run).toThrow(TriageError);
    expect(run).toThrow(/^export-fails\.md:6[78]: reply block: /);
  });

  it('never leaks a placeholder, "undefined" or an empty part in any situation', () => {
    let count = 0;
    for (const channel of CHANNELS)
      for (const mood of MOODS)
        for (const kind of OUTCOME_KINDS)
          for (const name of ['Dana Whitfield', undefined])
            for (const settings of [{}, { agentName: 'Sam Lee', companyName: 'Acme' }]) {
              const text = reply({ channel, mood, kind, name, settings });
              expect(text, `${channel} ${mood} ${kind} ${name}`).not.toMatch(LEAKS);
              expect(text).not.toMatch(/\n{3,}|^\s|\s$| {2,}|\(\)/);
              expect(text).toContain('Our engineers now have a full report of this');
              count++;
            }
    expect(count).toBe(CHANNELS.length * MOODS.length * OUTCOME_KINDS.length * 4);
  });
});

describe('unwrapParagraphs', () => {
  it('joins wrapped lines but keeps lists, blank lines and hard breaks', () => {
    const text = 'Please try this:\n1. Open Settings\n   and choose Export.\n2. Pick PDF.\n\nThanks for\nyour patience.  \nSam\\\nAcme';
    expect(unwrapParagraphs(text)).toBe('Please try this:\n1. Open Settings and choose Export.\n2. Pick PDF.\n\nThanks for your patience.\nSam\nAcme');
  });
});

describe('phrase bank', () => {
  const valid = [
    'version: 1',
    'greeting:',
    "  - when: { named: true }",
    "    say: 'Hi {{ customer.first_name }},'",
    '  - say: Hi there,',
    'acknowledgement:',
    '  - say: Thanks.',
    'next_steps:',
    "  - say: ''",
    'follow_up:',
    '  - say: [Did that help?, Does that work?]',
    'closing:',
    '  - say: Best,',
    '',
  ].join('\n');

  function bankError(source: string): TriageError {
    try {
      parsePhraseBank(source, 'team.yaml');
    } catch (error) {
      expect(error).toBeInstanceOf(TriageError);
      return error as TriageError;
    }
    throw new Error('expected the bank to be rejected');
  }

  it('accepts a minimal bank and picks phrases by the first matching rule', () => {
    const bank = parsePhraseBank(valid, 'team.yaml');
    const situation = { mood: 'calm', outcome: 'bug', channel: 'email', named: true } as const;
    expect(choosePhrase(bank, 'greeting', situation, 'TRI-1')).toBe('Hi {{ customer.first_name }},');
    expect(choosePhrase(bank, 'greeting', { ...situation, named: false }, 'TRI-1')).toBe('Hi there,');
    expect(['Did that help?', 'Does that work?']).toContain(choosePhrase(bank, 'follow_up', situation, 'TRI-1'));
  });

  it('hashes stably', () => {
    expect(stableHash('TRI-20261127-7F3A/greeting')).toBe(stableHash('TRI-20261127-7F3A/greeting'));
    expect(stableHash('')).toBe(0x811c9dc5);
  });

  it('reports YAML syntax errors with the line', () => {
    const error = bankError(valid.replace('  - say: Thanks.', '  - say: [Thanks.'));
    expect(error.code).toBe('phrases/invalid');
    expect(error.message).toMatch(/^team\.yaml:\d+: not valid YAML/);
    expect(error.line).toBeGreaterThanOrEqual(7);
  });

  it('reports a wrong value with the line of the offending key', () => {
    const error = bankError(valid.replace('{ named: true }', '{ named: true, mood: grumpy }'));
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^team\.yaml:3: line 3: greeting\.0\.when\.mood must be one of calm, confused, frustrated, angry/);
  });

  it('reports a missing part, an unknown part and an unknown condition', () => {
    expect(bankError(valid.replace(/closing:\n {2}- say: Best,\n/, '')).message).toMatch(/closing is missing/);
    expect(bankError(`${valid}signature: Sam\n`).message).toMatch(/signature unknown part/);
    expect(bankError(valid.replace('{ named: true }', '{ weather: sunny }')).message).toMatch(/unknown condition weather/);
  });

  it('requires a fallback rule at the end of each part', () => {
    const error = bankError(valid.replace('  - say: Best,', '  - when: { channel: chat }\n    say: Best,'));
    expect(error.message).toMatch(/closing the last rule must have no `when`/);
    expect(error.line).toBe(13);
  });

  it('checks the Liquid in every phrase, at its line', () => {
    const error = bankError(valid.replace('Hi there,', "'Hi {% if customer.name %}there,'"));
    expect(error.code).toBe('template/error');
    expect(error.file).toBe('team.yaml');
    expect(error.line).toBe(5);
  });

  it('loads from a templates directory, with a clear error when the file is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'triage-phrases-'));
    await expect(loadPhraseBank(dir)).rejects.toMatchObject({ code: 'phrases/unreadable', message: expect.stringContaining('No phrase bank at') });
    mkdirSync(join(dir, 'phrases'));
    writeFileSync(phraseBankPath(dir), valid);
    await expect(loadPhraseBank(dir)).resolves.toHaveProperty('version', 1);
  });

  it('ships a bank whose comments document every part it uses', async () => {
    const source = await readFile(phraseBankPath(bundledTemplatesDir()), 'utf8');
    for (const part of ['greeting', 'acknowledgement', 'next_steps', 'follow_up', 'closing']) expect(source).toContain(`#   ${part}`);
  });
});

import { it } from 'vitest';
import { loadPhraseBank, bundledTemplatesDir } from '../../src/io/phrase-bank.js';
import { composeReply } from '../../src/core/reply.js';
import { buildTemplateContext } from '../../src/core/template-context.js';
it('explore', async () => {
  const bank = await loadPhraseBank(bundledTemplatesDir());
  for (const [channel, mood, kind, name] of [['email','angry','bug','Dana Whitfield'],['email','calm','resolved','Dana Whitfield'],['chat','angry','bug','Dana Whitfield'],['chat','calm','resolved',undefined],['phone','confused','works-as-designed','Dana'],['email','calm','feature-request',undefined]] as const) {
    const context = buildTemplateContext({ caseId: 'TRI-20261127-7F3A', intake: { customer: { name, channel, mood }, description: 'PDF export spins forever' }, agent: { name: 'Sam Lee', title: 'Support Engineer' }, company: { name: 'Acme' }, playbook: { id: 'export-fails', title: 'Report export fails', version: '1.0.0' }, outcome: { kind, title: 'PDF export times out' }, answers: {}, env: { browser: 'Firefox 128.0' }, secretKeys: [] });
    console.log(`----- ${channel} ${mood} ${kind}\n` + composeReply({ kind, block: { template: 'Our engineers now have a full report of this, with the steps to reproduce\nit. Case {{case.id}} tracks it.', full: false, line: 40 }, context, channel, mood, phrases: bank }));
  }
});

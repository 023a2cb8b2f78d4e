/**
 * The phrase bank cached as JSON: a run reads it without the YAML parser. It must be
 * the bank the file says, whatever happened to the file or to the cache since.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledTemplatesDir, loadPhraseBank, phraseBankPath } from '../../src/io/phrase-bank.js';

const root = mkdtempSync(join(tmpdir(), 'triage-phrases-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('phrase bank cache', () => {
  it('is the bank the file says, first and second time, and after the file changes', async () => {
    const templates = join(root, 'templates');
    cpSync(bundledTemplatesDir(), templates, { recursive: true });
    const cacheDir = join(root, 'cache');
    const parsed = await loadPhraseBank(templates);
    expect(isDeepStrictEqual(await loadPhraseBank(templates, 'en', { cacheDir }), parsed)).toBe(true);
    expect(readdirSync(join(cacheDir, 'phrases'))).toHaveLength(1);
    expect(isDeepStrictEqual(await loadPhraseBank(templates, 'en', { cacheDir }), parsed)).toBe(true);

    const file = phraseBankPath(templates);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^(closing:\n(?:.*\n)*?\s+say:\s*)(.*)$/m, '$1"Changed closing line."'));
    const changed = await loadPhraseBank(templates);
    expect(isDeepStrictEqual(changed, parsed)).toBe(false);
    expect(isDeepStrictEqual(await loadPhraseBank(templates, 'en', { cacheDir }), changed)).toBe(true);
  });

  it('ignores a damaged entry, and never caches a bank with errors', async () => {
    const templates = join(root, 'templates-2');
    cpSync(bundledTemplatesDir(), templates, { recursive: true });
    const cacheDir = join(root, 'cache-2');
    const parsed = await loadPhraseBank(templates, 'en', { cacheDir });
    for (const name of readdirSync(join(cacheDir, 'phrases'))) writeFileSync(join(cacheDir, 'phrases', name), '{"version":');
    expect(isDeepStrictEqual(await loadPhraseBank(templates, 'en', { cacheDir }), parsed)).toBe(true);

    writeFileSync(phraseBankPath(templates), 'version: 1\ngreeting: []\n');
    await expect(loadPhraseBank(templates, 'en', { cacheDir })).rejects.toThrow(/phrase|greeting/i);
    await expect(loadPhraseBank(templates, 'en', { cacheDir })).rejects.toThrow(/phrase|greeting/i);
  });
});

/**
 * Reads a phrase bank (templates/phrases/<locale>.yaml). The only I/O for replies; shape checks
 * and phrase choice are in src/core/phrases.ts.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentHash } from '../core/content-hash.js';
import { TriageError } from '../core/errors.js';
import type { PhraseBank } from '../core/phrases.js';
import { CACHE_BUILD_ID, pruneCacheDirectory, readCacheFile, writeCacheFile } from './cache-files.js';

/** The phrase file inside a templates directory. */
export function phraseBankPath(dir: string, locale = 'en'): string {
  return join(dir, 'phrases', `${locale}.yaml`);
}

/**
 * The templates/ directory shipped with the package. Found by walking up from this module, since
 * it sits at a different depth in src/ (tests) and in the dist/ bundle.
 */
export function bundledTemplatesDir(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (let i = 0; i < 6; i++) {
    if (existsSync(phraseBankPath(join(dir, 'templates')))) return join(dir, 'templates');
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new TriageError('phrases/missing', 'The bundled templates/ directory was not found next to the triage installation.', {
    hint: 'Reinstall triage; the package ships templates/phrases/en.yaml.',
  });
}

export interface PhraseBankOptions {
  /**
   * triage's cache directory: a bank that parsed and validated is kept there as JSON, keyed by a
   * hash of its text, so a run reads it without loading the YAML parser.
   */
  readonly cacheDir?: string;
}

/** Loads and validates `<dir>/phrases/<locale>.yaml`; errors name the file and line. */
export async function loadPhraseBank(dir: string, locale = 'en', options: PhraseBankOptions = {}): Promise<PhraseBank> {
  const file = resolve(phraseBankPath(dir, locale));
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new TriageError('phrases/unreadable', missing ? `No phrase bank at ${file}.` : `Cannot read the phrase bank ${file}: ${(error as Error).message}`, {
      hint: missing ? `Create it (copy ${phraseBankPath(bundledTemplatesDirSafe() ?? 'templates')}) or point triage at a templates directory that has one.` : undefined,
      file,
      cause: error,
    });
  }
  const cachePath = options.cacheDir === undefined ? undefined : join(options.cacheDir, 'phrases', `${contentHash(`${CACHE_BUILD_ID}\0${file}\0${source}`)}.json`);
  const cached = cachePath === undefined ? undefined : readCacheFile(cachePath);
  if (cached !== undefined) {
    try {
      return JSON.parse(cached) as PhraseBank;
    } catch {
      /* damaged: parse the bank again */
    }
  }
  const { parsePhraseBank } = await import('../core/phrases.js');
  const bank = parsePhraseBank(source, file);
  if (cachePath !== undefined) {
    writeCacheFile(cachePath, JSON.stringify(bank));
    pruneCacheDirectory(dirname(cachePath), 20);
  }
  return bank;
}


function bundledTemplatesDirSafe(): string | undefined {
  try {
    return bundledTemplatesDir();
  } catch {
    return undefined;
  }
}

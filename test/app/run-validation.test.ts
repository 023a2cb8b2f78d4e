/**
 * `run` judges a playbook from its neighbourhood only: the playbooks linking into it,
 * those with its id, its link targets, files named like those ids. For random libraries (ids
 * that differ from file names, duplicates across and within directories, links by name, by path,
 * to missing files and outside the directories, variables defined only by a linking parent) the
 * errors are exactly those of validating the whole library, as `run` did before.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { findIndexedPlaybook, openWorkspace } from '../../src/app/indexed-workspace.js';
import { runBlockingErrors } from '../../src/app/run-validation.js';
import { loadWorkspace, type WorkspaceInput } from '../../src/app/workspace.js';
import type { Diagnostic } from '../../src/core/model.js';
import { validateLibrary, validatePlaybook } from '../../src/core/validate.js';
import { ROOT } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'triage-run-validation-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const NAMES = ['alpha', 'beta', 'gamma', 'delta'] as const;
const KEYS = ['browser', 'plan', 'region'] as const;

interface FileSpec {
  readonly dir: 'a' | 'b' | 'a/sub';
  readonly name: string;
  readonly id: string;
  readonly envKey?: string;
  readonly askKey?: string;
  readonly uses: readonly string[];
  readonly links: readonly string[];
  readonly broken: boolean;
}

const link = fc.oneof(
  fc.constantFrom(...NAMES).map((n) => `${n}.md`),
  fc.constantFrom(...NAMES).map((n) => `${n}.md#start`),
  fc.constantFrom(...NAMES).map((n) => `../b/${n}.md`),
  fc.constantFrom(...NAMES).map((n) => `sub/${n}.md`),
  fc.constant('missing.md'),
  fc.constant('../../outside.md'),
  fc.constantFrom(...NAMES).map((n) => `${n}.md#nowhere`),
);

const fileSpec: fc.Arbitrary<FileSpec> = fc.record({
  dir: fc.constantFrom('a' as const, 'b' as const, 'a/sub' as const),
  name: fc.constantFrom(...NAMES),
  id: fc.constantFrom(...NAMES),
  envKey: fc.option(fc.constantFrom(...KEYS), { nil: undefined }),
  askKey: fc.option(fc.constantFrom(...KEYS), { nil: undefined }),
  uses: fc.subarray(KEYS.flatMap((k) => [`env.${k}`, `answers.${k}`])),
  links: fc.array(link, { maxLength: 3 }),
  broken: fc.boolean().map((b) => b && Math.random() < 0.3),
});

function source(spec: FileSpec): string {
  const env = spec.envKey ? `env:\n  - key: ${spec.envKey}\n    ask: Which ${spec.envKey}?\n` : '';
  const ask = spec.askKey ? `\n\`\`\`ask\nkey: ${spec.askKey}\nprompt: Which ${spec.askKey}?\n\`\`\`\n` : '';
  const choices = ['- [Done](#resolved-done)', ...spec.links.map((l, i) => `- [Go ${i}](${l})`)].join('\n');
  const reply = spec.uses.map((u) => `{{ ${u} }}`).join(' ');
  const start = spec.broken ? '## Start\n\n- [Loop](#start)\n- [Loop again](#start)\n' : `## Start\n${ask}\n${choices}\n`;
  return `---\nid: ${spec.id}\ntitle: ${spec.id} in ${spec.dir}\nversion: 1.0.0\n${env}---\n\n${start}\n## Resolved: Done\n\n\`\`\`reply\nThanks. ${reply}\n\`\`\`\n`;
}

/** What `run` computed before: every playbook parsed and the whole library validated. */
function wholeLibraryErrors(input: WorkspaceInput, id: string): Diagnostic[] | 'not runnable' {
  const loaded = loadWorkspace(input);
  const playbook = loaded.effective.find((p) => p.id === id);
  if (!playbook) return 'not runnable';
  return [
    ...loaded.diagnostics.filter((d) => d.file === playbook.path),
    ...validatePlaybook(playbook, { regexSafety: false }),
    ...validateLibrary(loaded.parsed, { dirs: loaded.directories.map((d) => d.path) }).filter((d) => d.file === playbook.path),
  ].filter((d) => d.severity === 'error');
}

const sorted = (diagnostics: readonly Diagnostic[]): string[] => diagnostics.map((d) => JSON.stringify(d)).sort();

let library = 0;

describe('run-time validation from the neighbourhood', () => {
  it('finds exactly the errors of validating the whole library, for every playbook', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fileSpec, { minLength: 1, maxLength: 7 }), async (specs) => {
        const base = join(root, `lib-${library++}`);
        for (const dir of ['a', 'b', 'a/sub']) mkdirSync(join(base, dir), { recursive: true });
        const written = new Set<string>();
        for (const spec of specs) {
          const path = join(base, spec.dir, `${spec.name}.md`);
          if (written.has(path)) continue;
          written.add(path);
          writeFileSync(path, source(spec));
        }
        const input: WorkspaceInput = {
          packageRoot: join(base, 'no-bundled'),
          cwd: base,
          env: { TRIAGE_CONFIG_DIR: join(base, 'config'), TRIAGE_CACHE_DIR: join(base, 'cache') },
          flagDirs: ['a', 'b', 'a/sub'],
          version: 'test',
        };
        for (const id of NAMES) {
          const expected = wholeLibraryErrors(input, id);
          if (expected === 'not runnable') continue;
          // Twice: the second time the rule errors come from the cache.
          for (let pass = 0; pass < 2; pass++) {
            const ws = await openWorkspace(input);
            const playbook = await findIndexedPlaybook(ws, id);
            expect(sorted(await runBlockingErrors(ws, playbook)), `${id} in ${JSON.stringify(specs)}`).toEqual(sorted(expected));
          }
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('agrees for every bundled playbook', async () => {
    const input: WorkspaceInput = { packageRoot: ROOT, cwd: root, env: { TRIAGE_CONFIG_DIR: join(root, 'config'), TRIAGE_CACHE_DIR: join(root, 'bundled-cache') }, flagDirs: [], version: 'test' };
    const ws = await openWorkspace(input);
    for (const { id } of ws.effective) {
      const playbook = await findIndexedPlaybook(ws, id);
      expect(sorted(await runBlockingErrors(ws, playbook)), id).toEqual(sorted(wholeLibraryErrors(input, id) as Diagnostic[]));
    }
  });
});

/**
 * The parser and the validator are total: whatever text a playbook file holds, they return a
 * model and/or diagnostics, never throw, and every diagnostic says where (file, line, column) and
 * which rule. Generated playbooks lint clean, which also proves the generator the other
 * properties rely on.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic, Playbook } from '../../src/core/model.js';
import { parsePlaybook } from '../../src/core/parse-playbook.js';
import { validateLibrary, validatePlaybook } from '../../src/core/validate.js';
import { BUNDLED_DIR, bundledSources, generatedPlaybook, markdownish, mutated, parseAll, runs } from './generators.js';

const DIR = '/lib/playbooks';
const FILE = `${DIR}/fuzzed.md`;
const RULE = /^[a-z]+(-[a-z]+)*\/[a-z]+(-[a-z]+)*$/;

function lineCount(source: string): number {
  return source.replace(/\r\n?/g, '\n').split('\n').length;
}

/** What is wrong with a diagnostic's shape, if anything. */
function malformed(d: Diagnostic, lines: number, file: string): string | undefined {
  if (d.file !== file) return `file is not ${file}`;
  if (!(Number.isInteger(d.line) && d.line >= 1 && d.line <= lines + 1)) return `line ${d.line} of ${lines}`;
  if (!(Number.isInteger(d.column) && d.column >= 1)) return `column ${d.column}`;
  if (d.severity !== 'error' && d.severity !== 'warning') return `severity ${String(d.severity)}`;
  if (!RULE.test(d.rule)) return `rule ${d.rule}`;
  if (!(typeof d.message === 'string' && d.message.trim().length > 0)) return 'an empty message';
  if (/\bundefined\b|\[object Object\]/.test(d.message)) return 'a message showing undefined or [object Object]';
  return undefined;
}

// One expect per source, not per field: fast-check calls this thousands of times.
function expectWellFormed(diagnostics: readonly Diagnostic[], source: string, file = FILE): void {
  const lines = lineCount(source);
  const problems = diagnostics.flatMap((d) => {
    const problem = malformed(d, lines, file);
    return problem === undefined ? [] : [`${problem}: ${JSON.stringify(d)}`];
  });
  expect(problems).toEqual([]);
}

/** Parse, validate alone and as a library (with the bundled playbooks), as lint does. */
function lintText(source: string, others: readonly Playbook[] = []): Diagnostic[] {
  const parsed = parsePlaybook(source, { path: FILE, dir: DIR });
  const partial = parsed.playbook ? undefined : parsePlaybook(source, { path: FILE, dir: DIR }, { partial: true }).playbook;
  const diagnostics = [...parsed.diagnostics];
  const model = parsed.playbook ?? partial;
  // The regex analyser takes up to seconds on some patterns; it has its own limit and tests.
  if (model) diagnostics.push(...validatePlaybook(model, { regexSafety: false }));
  const library = [...others, ...(parsed.playbook ? [parsed.playbook] : [])];
  diagnostics.push(...validateLibrary(library, { dirs: [DIR, BUNDLED_DIR] }).filter((d) => d.file === FILE));
  return diagnostics;
}

describe('parser and validator never throw', () => {
  const bundled = bundledSources();
  const bundledModels = parseAll(bundled, BUNDLED_DIR);

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (source) => {
        expectWellFormed(lintText(source), source);
      }),
      runs(1000),
    );
  });

  it('on text made of playbook fragments', () => {
    fc.assert(
      fc.property(fc.constantFrom('', '---\nid: x\ntitle: X\nversion: 1.0.0\n---\n'), markdownish, (head, body) => {
        const source = head + body;
        expectWellFormed(lintText(source), source);
      }),
      runs(1000),
    );
  });

  it('on mutated bundled playbooks', () => {
    fc.assert(
      fc.property(fc.constantFrom(...bundled).chain((f) => mutated(f.source)), (source) => {
        expectWellFormed(lintText(source, bundledModels), source);
      }),
      runs(400),
    );
  });

  it('on mutated generated playbooks', () => {
    fc.assert(
      fc.property(generatedPlaybook.chain((g) => mutated(g.source)), (source) => {
        expectWellFormed(lintText(source), source);
      }),
      runs(400),
    );
  });

  it('on non-string input (a caller bug) it reports instead of throwing', () => {
    const result = parsePlaybook(undefined as unknown as string, { path: FILE, dir: DIR });
    expect(result.playbook).toBeUndefined();
    expectWellFormed(result.diagnostics, '');
  });
});

describe('generated playbooks', () => {
  it('lint without errors (so the flow properties start from valid playbooks)', () => {
    fc.assert(
      fc.property(generatedPlaybook, (g) => {
        const diagnostics = lintText(g.source).filter((d) => d.severity === 'error');
        expect(diagnostics, g.source).toEqual([]);
      }),
      runs(250),
    );
  });
});

describe('validator on very large playbooks', () => {
  it('a 20,000-node loop with no exit is one diagnostic, not a stack overflow', () => {
    const n = 20_000;
    const parts = ['---\nid: big-loop\ntitle: Big loop\nversion: 1.0.0\n---\n'];
    for (let i = 0; i < n; i++) parts.push(`## Node ${i}\n\n- [Next](#node-${(i + 1) % n})\n`);
    const source = parts.join('\n');
    const diagnostics = lintText(source);
    expectWellFormed(diagnostics, source);
    expect(diagnostics.filter((d) => d.rule === 'flow/cycle-no-exit')).toHaveLength(1);
    expect(diagnostics.filter((d) => d.rule === 'parse/internal-error')).toEqual([]);
  });
});

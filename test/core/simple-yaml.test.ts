/**
 * The fast YAML path (simple-yaml.ts) must be invisible: whenever it answers, the value, the
 * absence of problems and every position are what the yaml library gives; when unsure it must
 * decline. Checked on generated documents full of near misses, and on every YAML section of the
 * bundled playbooks and test fixtures.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readYaml, readYamlWithLibrary, splitFrontMatter, type YamlPath } from '../../src/core/front-matter.js';
import { readSimpleYaml } from '../../src/core/simple-yaml.js';
import { ROOT } from '../helpers/cli.js';

// Values playbooks use, then near misses the fast path must decline (or get exactly right).
const PLAIN = ['abc', 'two words', '1.0.0', '1.0', '12', '012', '0o14', '0x1F', '+3', '.5', '1e3', '1.', '.inf', '.nan', 'true', 'False', 'NULL', 'null', '~', 'yes', 'on'];
const PLAIN_ODD = [
  '-.Inf', '-1', 'a: b', 'a:b', 'x #c', 'x#c', 'https://x.y/z?a=1', 'R&D', '50%', "it's", 'ends:', '- x', '-x', '[x]', '{a: 1}', '&a', '*a', '!t x', '|', '>',
  '@x', '`x`', 'a, b', 'a [b] {c}', '#c', 'x  ', '1_000', 'Foo::Bar', '? q', ':x', 'café ☕', '{{ answers.x }}', "'", '"',
];
const QUOTED = ["'it''s'", '"tab\\t and \\n"', "''", '""', '"a # b"', '"a\\/b"', "'a'  ", "'a' # c", '"a \\" b"'];
const QUOTED_ODD = ['"esc \\x41"', '"unterminated', '"a"x', "'multi", '"\\u00e9"'];
const FLOW = ['[]', '[ ]', '[a, b]', "[a, 'b c']", '[a,b]', '[a] # c', '[ a , b ]', '[1, 2.5, true, ~]', '["x", y]'];
const FLOW_ODD = ['[a, , b]', '[a, b,]', '[a, [b]]', '[a #c]', '[a: b]', '[a', '[{x}]'];

const scalarText = fc.oneof(
  { arbitrary: fc.constantFrom(...PLAIN, ...QUOTED, ...FLOW), weight: 8 },
  { arbitrary: fc.constantFrom(...PLAIN_ODD, ...QUOTED_ODD, ...FLOW_ODD), weight: 2 },
  { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
);
const key = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z][a-z0-9_-]{0,7}$/), weight: 9 },
  { arbitrary: fc.constantFrom('id', 'title', 'env', 'true', 'null', 'A_b', '1x', '__proto__', 'x y'), weight: 1 },
);
const pad = fc.constantFrom('', '', '', '', '', '', ' ', '  ', ' # note');

/** A document as lines, built from pieces playbooks use and pieces they do not. */
const piece = fc.oneof(
  { arbitrary: fc.tuple(key, scalarText, pad).map(([k, v, p]) => [`${k}: ${v}${p}`]), weight: 6 },
  { arbitrary: fc.tuple(key, pad).map(([k, p]) => [`${k}:${p}`]), weight: 2 },
  {
    arbitrary: fc.tuple(key, fc.constantFrom(0, 2, 4), fc.array(scalarText, { minLength: 1, maxLength: 3 })).map(([k, indent, items]) => [`${k}:`, ...items.map((i) => `${' '.repeat(indent)}- ${i}`)]),
    weight: 3,
  },
  {
    arbitrary: fc
      .tuple(key, fc.constantFrom(2, 4), fc.array(fc.array(fc.tuple(key, scalarText), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 2 }), fc.constantFrom(2, 3))
      .map(([k, indent, maps, gap]) => [
        `${k}:`,
        ...maps.flatMap((pairs) => pairs.map(([pk, pv], i) => `${' '.repeat(i === 0 ? indent : indent + gap)}${i === 0 ? `-${' '.repeat(gap - 1)}` : ''}${pk}: ${pv}`)),
      ]),
    weight: 3,
  },
  { arbitrary: fc.tuple(key, fc.array(fc.tuple(key, scalarText), { minLength: 1, maxLength: 3 })).map(([k, pairs]) => [`${k}:`, ...pairs.map(([pk, pv]) => `  ${pk}: ${pv}`)]), weight: 2 },
  { arbitrary: fc.constantFrom(['# a comment'], [''], ['   '], ['  # indented comment']), weight: 2 },
  { arbitrary: fc.constantFrom(['---'], ['...'], ['\tkey: tab'], ['  stray: indent'], ['- top item']), weight: 1 },
);

/** A document as lines, built from pieces playbooks use and pieces they do not. */
const document = fc.array(piece, { minLength: 1, maxLength: 5 }).map((parts) => parts.flat().join('\n'));

function paths(value: unknown, prefix: YamlPath = []): YamlPath[] {
  const own: YamlPath[] = [prefix, [...prefix, 'missing'], [...prefix, 99]];
  if (Array.isArray(value)) return [...own, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (typeof value === 'object' && value !== null) return [...own, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return own;
}

/** When the fast path answers, it answers exactly as the library. Returns whether it answered. */
function expectSame(source: string, line = 1): boolean {
  if (!readSimpleYaml(source)) return false;
  const fast = readYaml(source, line);
  const slow = readYamlWithLibrary(source, line);
  expect(slow.problems, source).toEqual([]);
  expect(isDeepStrictEqual(fast.value, slow.value), `${source}\n${JSON.stringify(fast.value)}\n${JSON.stringify(slow.value)}`).toBe(true);
  for (const path of paths(slow.value)) {
    for (const which of ['key', 'value'] as const) expect(fast.positionOf(path, which), `${source}\n${JSON.stringify(path)} ${which}`).toEqual(slow.positionOf(path, which));
  }
  return true;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? markdownFiles(path) : name.endsWith('.md') ? [path] : [];
  });
}

describe('the fast YAML path', () => {
  it('answers like the yaml library on generated documents, or not at all', () => {
    let answered = 0;
    fc.assert(
      fc.property(document, fc.integer({ min: 1, max: 40 }), (source, line) => {
        if (expectSame(source, line)) answered += 1;
      }),
      { numRuns: 3000 },
    );
    // Most generated documents contain a near miss, but the fast path must still be exercised.
    expect(answered).toBeGreaterThan(600);
  });

  it('answers for, and agrees on, every front matter and YAML block of the bundled playbooks and fixtures', () => {
    const files = [...markdownFiles(join(ROOT, 'playbooks')), ...markdownFiles(join(ROOT, 'test', 'fixtures'))];
    let sections = 0;
    let answered = 0;
    for (const file of files) {
      const split = splitFrontMatter(readFileSync(file, 'utf8'));
      const blocks = [...split.body.matchAll(/^```(?:ask|check|report)[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
      for (const source of [...(split.frontMatter === undefined ? [] : [split.frontMatter]), ...blocks]) {
        sections += 1;
        if (expectSame(source)) answered += 1;
      }
    }
    expect(sections).toBeGreaterThan(100);
    expect(answered / sections).toBeGreaterThan(0.8);
  });

  it('declines what it does not read: block scalars, anchors, flow maps, tabs, duplicate keys', () => {
    for (const source of ['a: |\n  text\n', 'a: &x 1\nb: *x\n', 'a: {b: 1}\n', 'a:\tb\n', 'a: 1\na: 2\n', 'a: "multi\n  line"\n', 'a: b\n  c\n', '- item\n', 'a:\n  - b\n    c\n']) {
      expect(readSimpleYaml(source), source).toBeUndefined();
    }
  });
});

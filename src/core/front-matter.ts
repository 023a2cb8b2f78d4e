/**
 * Splitting a playbook into front matter and body, and reading YAML (front matter and fenced
 * blocks) with positions that point into the playbook file. Never gray-matter: it `eval`s
 * `---js` front matter. Pure: text in, data out.
 */
import { LineCounter, isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { readSimpleYaml, simplePositionOf } from './simple-yaml.js';

export interface SplitSource {
  /** The source with a leading BOM removed and CRLF/CR line endings turned into LF. */
  readonly text: string;
  /** The YAML between the `---` lines, when the file opens with one and it is closed. */
  readonly frontMatter?: string;
  /** 1-based line (in the file) of the first YAML line. */
  readonly frontMatterLine: number;
  /** The Markdown after the front matter (the whole text when there is none). */
  readonly body: string;
  /** 1-based line (in the file) of the body's first line. */
  readonly bodyLine: number;
  /** Why there is no front matter. */
  readonly problem?: 'missing' | 'not-at-top' | 'unclosed';
}

const OPENING = /^---[ \t]*$/;
const CLOSING = /^(?:---|\.\.\.)[ \t]*$/;

export function normalizeSource(source: string): string {
  const withoutBom = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  return withoutBom.includes('\r') ? withoutBom.replace(/\r\n?/g, '\n') : withoutBom;
}

export function splitFrontMatter(source: string): SplitSource {
  const text = normalizeSource(source);
  const firstBreak = text.indexOf('\n');
  const firstLine = firstBreak === -1 ? text : text.slice(0, firstBreak);
  if (!OPENING.test(firstLine)) {
    const problem = text.trimStart().startsWith('---') ? 'not-at-top' : 'missing';
    return { text, frontMatterLine: 1, body: text, bodyLine: 1, problem };
  }
  let lineStart = firstBreak + 1;
  let line = 2;
  while (firstBreak !== -1 && lineStart <= text.length) {
    const end = text.indexOf('\n', lineStart);
    const current = end === -1 ? text.slice(lineStart) : text.slice(lineStart, end);
    if (CLOSING.test(current)) {
      return {
        text,
        frontMatter: text.slice(firstBreak + 1, lineStart),
        frontMatterLine: 2,
        body: end === -1 ? '' : text.slice(end + 1),
        bodyLine: line + 1,
      };
    }
    if (end === -1) break;
    lineStart = end + 1;
    line += 1;
  }
  return { text, frontMatterLine: 2, body: text, bodyLine: 1, problem: 'unclosed' };
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface YamlProblem extends Position {
  readonly message: string;
}

export type YamlPath = readonly (string | number)[];

export interface YamlSection {
  /** The plain JavaScript value (undefined when the YAML could not be read). */
  readonly value: unknown;
  readonly problems: readonly YamlProblem[];
  /** Where the value (or, with `'key'`, the key) at `path` starts; the section start when not found. */
  positionOf(path: YamlPath, which?: 'key' | 'value'): Position;
  /** The source line (1-based in the file) where `path`'s value starts, as written. */
  readonly start: Position;
}

/**
 * Parses YAML whose first line is line `line` of the file. Positions in the result are 1-based
 * file positions. Errors become problems; this never throws. Plain YAML (nearly every playbook's)
 * takes a fast path with the same result (simple-yaml.ts); anything else goes to the yaml library.
 */
export function readYaml(source: string, line: number): YamlSection {
  const simple = readSimpleYaml(source);
  if (!simple) return readYamlWithLibrary(source, line);
  const start: Position = { line, column: 1 };
  return {
    value: simple.value,
    problems: [],
    positionOf: (path, which = 'value') => {
      const at = simplePositionOf(simple.root, path, which);
      return { line: line + at.line - 1, column: at.column };
    },
    start,
  };
}

/** readYaml with the yaml library only (the reference the fast path is tested against). */
export function readYamlWithLibrary(source: string, line: number): YamlSection {
  const lineCounter = new LineCounter();
  const start: Position = { line, column: 1 };
  let doc: Document.Parsed;
  try {
    doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (error) {
    return { value: undefined, problems: [{ ...start, message: errorMessage(error) }], positionOf: () => start, start };
  }
  const toFile = (offset: number): Position => {
    const pos = lineCounter.linePos(offset);
    return { line: line + pos.line - 1, column: pos.col };
  };
  // One problem per line: the first error on a line usually explains the rest.
  const problems: YamlProblem[] = [];
  for (const e of doc.errors) {
    const at = toFile(e.pos[0]);
    if (!problems.some((p) => p.line === at.line)) problems.push({ ...at, message: firstLine(e.message) });
  }
  let value: unknown;
  if (problems.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 50 });
    } catch (error) {
      problems.push({ ...start, message: errorMessage(error) });
    }
  }
  const positionOf = (path: YamlPath, which: 'key' | 'value' = 'value'): Position => {
    const found = findNode(doc.contents, path, which);
    return found?.range ? toFile(found.range[0]) : start;
  };
  return { value, problems, positionOf, start };
}

function findNode(root: unknown, path: YamlPath, which: 'key' | 'value'): Node | undefined {
  let current: unknown = root;
  let keyNode: Node | undefined;
  for (const segment of path) {
    keyNode = undefined;
    if (isMap(current)) {
      const pair = current.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return isNode(current) ? current : undefined;
      keyNode = isNode(pair.key) ? pair.key : undefined;
      current = pair.value ?? pair.key;
    } else if (isSeq(current) && typeof segment === 'number') {
      const item = current.items[segment];
      if (item === undefined) return current;
      current = item;
    } else {
      return isNode(current) ? current : undefined;
    }
  }
  if (which === 'key' && keyNode) return keyNode;
  return isNode(current) ? current : undefined;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}

function errorMessage(error: unknown): string {
  return firstLine(error instanceof Error ? error.message : String(error));
}

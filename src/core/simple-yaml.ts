/**
 * A fast reader for the plain YAML that playbooks are written in (front matter and ask, check and
 * report blocks): block maps of `key: value`, block lists of scalars or of small maps (`env`
 * entries), one-line `[a, b]` lists, and plain, 'single'- or "double"-quoted one-line scalars,
 * with comments. Linting 2,000 playbooks spent a third of its time in the yaml library.
 *
 * It answers only when it is sure: anything else (block scalars, anchors, tags, flow maps, tabs,
 * multi-line scalars, unusual escapes, duplicate keys, odd indentation...) returns undefined, and
 * readYaml uses the yaml library. Scalars resolve through the yaml library's own core schema, and
 * positions follow its node ranges, so the result is the same either way;
 * test/core/simple-yaml.test.ts compares both on generated documents.
 */
import { Document, isScalar, type Schema } from 'yaml';

export interface SimplePosition {
  /** 1-based, within the YAML text. */
  readonly line: number;
  readonly column: number;
}

export type SimpleNode =
  | { readonly kind: 'map'; readonly at: SimplePosition; readonly entries: readonly { readonly key: string; readonly keyAt: SimplePosition; readonly value: SimpleNode }[] }
  | { readonly kind: 'seq'; readonly at: SimplePosition; readonly items: readonly SimpleNode[] }
  | { readonly kind: 'scalar'; readonly at: SimplePosition; readonly value: unknown };

export interface SimpleYaml {
  readonly value: unknown;
  readonly root: SimpleNode;
}

/** Thrown inside the reader when the text is outside its subset. */
class Unsupported extends Error {}

interface Line {
  /** 1-based line number. */
  readonly number: number;
  readonly indent: number;
  /** The line without its indentation (trailing spaces kept: they can move a node). */
  readonly text: string;
}

const KEY_LINE = /^([A-Za-z][A-Za-z0-9_-]*):(?: +|$)/;
const RESERVED_KEYS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '__proto__']);
/** Characters a plain scalar may not start with (YAML indicators), and `-`, `?`, `:` always. */
const NOT_PLAIN_FIRST = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

let schema: Schema | undefined;
let schemaOptions: unknown;

export function readSimpleYaml(source: string): SimpleYaml | undefined {
  if (/[\t\r\uFEFF]/.test(source)) return undefined;
  const lines: Line[] = [];
  source.split('\n').forEach((raw, index) => {
    const text = raw.trimStart();
    if (text === '' || text.startsWith('#')) return;
    lines.push({ number: index + 1, indent: raw.length - text.length, text });
  });
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
  try {
    const reader = new Reader(lines);
    const root = reader.map(0);
    if (!reader.done()) return undefined;
    return { value: toValue(root), root };
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** Where a path leads, as readYaml's findNode does over the yaml library's nodes. */
export function simplePositionOf(root: SimpleNode, path: readonly (string | number)[], which: 'key' | 'value'): SimplePosition {
  let current = root;
  let keyAt: SimplePosition | undefined;
  for (const segment of path) {
    keyAt = undefined;
    if (current.kind === 'map') {
      const entry = current.entries.find((e) => e.key === String(segment));
      if (!entry) return current.at;
      keyAt = entry.keyAt;
      current = entry.value;
    } else if (current.kind === 'seq' && typeof segment === 'number') {
      const item = current.items[segment];
      if (item === undefined) return current.at;
      current = item;
    } else {
      return current.at;
    }
  }
  return which === 'key' && keyAt ? keyAt : current.at;
}

function toValue(node: SimpleNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(toValue);
  const map: Record<string, unknown> = {};
  for (const entry of node.entries) map[entry.key] = toValue(entry.value);
  return map;
}

class Reader {
  private index = 0;
  constructor(private readonly lines: readonly Line[]) {}

  done(): boolean {
    return this.index >= this.lines.length;
  }

  private peek(): Line | undefined {
    return this.lines[this.index];
  }

  /** A block map whose keys start at column `indent` (0-based). */
  map(indent: number): SimpleNode {
    const entries: { key: string; keyAt: SimplePosition; value: SimpleNode }[] = [];
    let at: SimplePosition | undefined;
    for (let line = this.peek(); line && line.indent >= indent; line = this.peek()) {
      if (line.indent !== indent) throw new Unsupported();
      const match = KEY_LINE.exec(line.text);
      if (!match) throw new Unsupported();
      this.index += 1;
      const key = match[1]!;
      if (RESERVED_KEYS.has(key) || entries.some((e) => e.key === key)) throw new Unsupported();
      const keyAt = { line: line.number, column: indent + 1 };
      at ??= keyAt;
      const rest = line.text.slice(match[0].length);
      const column = indent + match[0].length + 1;
      entries.push({ key, keyAt, value: rest === '' ? this.nested(line, indent) : inlineValue(rest, line.number, column) });
    }
    if (!at) throw new Unsupported();
    return { kind: 'map', at, entries };
  }

  /** The value of `key:` with nothing after it: a block below it, or null. */
  private nested(keyLine: Line, indent: number): SimpleNode {
    // Nothing at all after the colon (not even spaces): the null's position is right after it.
    const afterColon = { line: keyLine.number, column: indent + keyLine.text.indexOf(':') + 2 };
    if (keyLine.text.length !== keyLine.text.indexOf(':') + 1) throw new Unsupported();
    const next = this.peek();
    if (next && next.indent > indent) return next.text.startsWith('-') ? this.seq(next.indent) : this.map(next.indent);
    if (next && next.indent === indent && isItem(next.text)) return this.seq(indent);
    return { kind: 'scalar', at: afterColon, value: resolvePlain('') };
  }

  /** A block sequence whose dashes are at column `indent`. */
  private seq(indent: number): SimpleNode {
    const items: SimpleNode[] = [];
    let at: SimplePosition | undefined;
    for (let line = this.peek(); line && line.indent === indent && isItem(line.text); line = this.peek()) {
      this.index += 1;
      at ??= { line: line.number, column: indent + 1 };
      const content = line.text.slice(1).trimStart();
      if (content === '') throw new Unsupported();
      const column = indent + line.text.length - content.length + 1;
      const key = KEY_LINE.exec(content);
      items.push(key ? this.itemMap({ number: line.number, indent: column - 1, text: content }, indent) : inlineValue(content, line.number, column));
    }
    const after = this.peek();
    if (!at || (after && after.indent > indent)) throw new Unsupported();
    return { kind: 'seq', at, items };
  }

  /** `- key: value` and the pairs under it (dash at `dashIndent`), each a scalar or a one-line list. */
  private itemMap(first: Line, dashIndent: number): SimpleNode {
    const entries: { key: string; keyAt: SimplePosition; value: SimpleNode }[] = [];
    const add = (line: Line): void => {
      const match = KEY_LINE.exec(line.text);
      if (!match) throw new Unsupported();
      const key = match[1]!;
      const rest = line.text.slice(match[0].length);
      if (rest === '' || RESERVED_KEYS.has(key) || entries.some((e) => e.key === key)) throw new Unsupported();
      entries.push({ key, keyAt: { line: line.number, column: line.indent + 1 }, value: inlineValue(rest, line.number, line.indent + match[0].length + 1) });
    };
    add(first);
    for (let line = this.peek(); line && line.indent > dashIndent; line = this.peek()) {
      if (line.indent !== first.indent) throw new Unsupported();
      this.index += 1;
      add(line);
    }
    return { kind: 'map', at: { line: first.number, column: first.indent + 1 }, entries };
  }
}

function isItem(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** A value written on the key's (or dash's) line, starting at 1-based `column`. */
function inlineValue(text: string, line: number, column: number): SimpleNode {
  const at = { line, column };
  const first = text[0];
  if (first === '"' || first === "'") {
    const { value, end } = quoted(text, 0);
    expectOnlyComment(text.slice(end));
    return { kind: 'scalar', at, value };
  }
  if (first === '[') return flowSeq(text, line, column);
  return { kind: 'scalar', at, value: resolvePlain(plain(text, false)) };
}

/** A plain scalar up to a comment; `inFlow` also stops it at `,` and `]`. */
function plain(text: string, inFlow: boolean): string {
  if (text === '' || NOT_PLAIN_FIRST.has(text[0]!)) throw new Unsupported();
  const comment = text.indexOf(' #');
  const value = (comment === -1 ? text : text.slice(0, comment)).trimEnd();
  if (value.includes(': ') || value.endsWith(':') || (inFlow && /[[\]{},]/.test(value))) throw new Unsupported();
  return value;
}

function expectOnlyComment(rest: string): void {
  if (rest === '') return;
  if (!/^ +(#.*)?$/.test(rest)) throw new Unsupported();
}

/** A one-line quoted scalar starting at `start`; `end` is just past the closing quote. */
function quoted(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i]!;
    if (quote === "'") {
      if (char !== "'") value += char;
      else if (text[i + 1] === "'") {
        value += "'";
        i += 1;
      } else return { value, end: i + 1 };
    } else if (char === '"') {
      return { value, end: i + 1 };
    } else if (char === '\\') {
      const escaped = ESCAPES[text[i + 1] ?? ''];
      if (escaped === undefined) throw new Unsupported();
      value += escaped;
      i += 1;
    } else {
      value += char;
    }
  }
  throw new Unsupported();
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t' };

/** `[a, 'b c', "d"]` on one line: scalars only. */
function flowSeq(text: string, line: number, column: number): SimpleNode {
  const items: SimpleNode[] = [];
  let i = 1;
  const skipSpaces = (): void => {
    while (text[i] === ' ') i += 1;
  };
  skipSpaces();
  if (text[i] === ']') {
    expectOnlyComment(text.slice(i + 1));
    return { kind: 'seq', at: { line, column }, items };
  }
  for (;;) {
    skipSpaces();
    const at = { line, column: column + i };
    const char = text[i];
    if (char === '"' || char === "'") {
      const { value, end } = quoted(text, i);
      items.push({ kind: 'scalar', at, value });
      i = end;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== ']') end += 1;
      const raw = text.slice(i, end);
      if (raw.includes('#') || raw.trimEnd() !== raw.trimEnd().trim()) throw new Unsupported();
      items.push({ kind: 'scalar', at, value: resolvePlain(plain(raw.trimEnd(), true)) });
      i = end;
    }
    skipSpaces();
    if (text[i] === ',') {
      i += 1;
      skipSpaces();
      if (text[i] === ']' || text[i] === ',') throw new Unsupported();
      continue;
    }
    if (text[i] !== ']') throw new Unsupported();
    expectOnlyComment(text.slice(i + 1));
    return { kind: 'seq', at: { line, column }, items };
  }
}

/** A plain scalar's value under the yaml library's own core schema (null, bool, int, float, str). */
function resolvePlain(text: string): unknown {
  if (!schema) {
    const doc = new Document(null, { strict: true, uniqueKeys: true });
    schema = doc.schema;
    schemaOptions = doc.options;
  }
  const tag = schema.tags.find((t) => t.default === true && t.test?.test(text));
  if (!tag?.resolve) return text;
  let failed = false;
  const resolve = tag.resolve as (value: string, onError: (message: string) => void, options: unknown) => unknown;
  const resolved = resolve(text, () => (failed = true), schemaOptions);
  // Like the library's composer: a resolver may return a Scalar node (null does).
  const value = isScalar(resolved) ? resolved.value : resolved;
  if (failed || (typeof value === 'object' && value !== null)) throw new Unsupported();
  return value;
}

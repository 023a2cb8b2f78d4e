/**
 * Markdown playbook → Playbook model (src/core/model.ts), per docs/playbook-format.md. Pure and total: text in, model and diagnostics out; it never throws.
 * Structural problems found while reading (bad YAML, unknown keys, invalid values, duplicate node
 * ids, malformed blocks and choice lists) are reported here; rules about the decision tree as a
 * whole (links, reachability, templates, regexes) live in validate.ts.
 */
import MarkdownIt from 'markdown-it';
import { basename } from 'node:path';
import type {
  ActionBlock,
  ActionStatus,
  AskBlock,
  CheckBlock,
  DetectProbe,
  Choice,
  Diagnostic,
  EnvField,
  EnvSource,
  LinkTarget,
  Outcome,
  Playbook,
  PlaybookNode,
  ReplyBlock,
  ReproBlock,
  ReportBlock,
  Severity,
} from './model.js';
import { OUTCOME_PREFIXES } from './model.js';
import { readYaml, splitFrontMatter, type Position, type SplitSource, type YamlSection } from './front-matter.js';
import {
  ACTION_KEYS,
  ASK_KEYS,
  CHECK_KEYS,
  DEFAULT_CHECK_TIMEOUT_MS,
  DEFAULT_ENV_RUN_TIMEOUT_MS,
  ENV_FIELD_KEYS,
  EXPECT_KEYS,
  COMMAND_EXPECT_KEYS,
  PROBE_EXPECT_KEYS,
  FRONT_MATTER_KEYS,
  REPORT_KEYS,
  REQUIRED_FRONT_MATTER_KEYS,
  actionSchemas,
  askSchemas,
  checkField,
  checkSchemas,
  didYouMean,
  envFieldSchemas,
  expectSchemas,
  frontMatterSchemas,
  isExtensionKey,
  reportSchemas,
} from './playbook-schema.js';
import { headingSlug } from './slug.js';
import type { ProbeName, TlsRequirement } from './probe-checks.js';

export interface PlaybookFile {
  /** Absolute path of the file (used in diagnostics and as `Playbook.path`). */
  readonly path: string;
  /** The playbook directory it was found in (absolute). */
  readonly dir: string;
}

export interface ParseOptions {
  /**
   * Return a playbook even when `id`, `title` or `version` is missing or invalid, with stand-ins
   * (id from the file name, version 0.0.0), so lint can still check the body. Never run such a
   * playbook: its diagnostics hold errors.
   */
  readonly partial?: boolean;
}

export interface ParseResult {
  /** Absent when the front matter is missing or unreadable, or `id`/`title`/`version` is invalid. */
  readonly playbook?: Playbook;
  readonly diagnostics: readonly Diagnostic[];
}

type Token = ReturnType<MarkdownIt['parse']>[number];
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// One instance per module: building the rule chains costs more than parsing a small file.
// `html: true` so HTML comments (authors' notes) are recognised as such and left out of guidance.
const markdown = new MarkdownIt('default', { html: true, linkify: false, typographer: false });

const BLOCK_KINDS = ['ask', 'check', 'action', 'reply', 'report', 'repro'] as const;
type BlockKind = (typeof BLOCK_KINDS)[number];

export function parsePlaybook(source: string, file: PlaybookFile, options: ParseOptions = {}): ParseResult {
  const report = new Reporter(file.path);
  try {
    const playbook = parse(typeof source === 'string' ? source : '', file, options, report);
    return deepFreeze(playbook ? { playbook, diagnostics: report.sorted() } : { diagnostics: report.sorted() });
  } catch (error) {
    report.error('parse/internal-error', { line: 1, column: 1 }, `triage could not read this file (${String(error)}). This is a bug in triage: please report it with the file attached.`);
    return deepFreeze({ diagnostics: report.sorted() });
  }
}

class Reporter {
  readonly list: Diagnostic[] = [];
  constructor(private readonly file: string) {}
  error(rule: string, at: Position, message: string): void {
    this.list.push({ file: this.file, line: at.line, column: at.column, severity: 'error', rule, message });
  }
  warn(rule: string, at: Position, message: string): void {
    this.list.push({ file: this.file, line: at.line, column: at.column, severity: 'warning', rule, message });
  }
  sorted(): Diagnostic[] {
    return [...this.list].sort((a, b) => a.line - b.line || a.column - b.column);
  }
}

interface FrontMatter {
  id?: string;
  title?: string;
  version?: string;
  summary?: string;
  tags: string[];
  symptoms: string[];
  severity: Severity;
  start?: string;
  env: EnvField[];
  /** The front matter could be read and the body starts after it. */
  readable: boolean;
}

function parse(source: string, file: PlaybookFile, options: ParseOptions, report: Reporter): Playbook | undefined {
  reportEncoding(source, report);
  const split = splitFrontMatter(source);
  const front = readFrontMatter(split, report);
  const body = readBody(split, report);

  const identityOk = front.readable && front.id !== undefined && front.title !== undefined && front.version !== undefined;
  if (!identityOk && !options.partial) return undefined;
  if (split.problem === 'unclosed') return undefined;

  const fallbackId = headingSlug(basename(file.path).replace(/\.md$/i, '')) || 'playbook';
  const id = front.id ?? fallbackId;
  return {
    id,
    title: front.title ?? body.heading ?? id,
    version: front.version ?? '0.0.0',
    ...(front.summary === undefined ? {} : { summary: front.summary }),
    tags: front.tags,
    symptoms: front.symptoms,
    severity: front.severity,
    start: front.start ?? body.nodes[0]?.id ?? '',
    env: front.env,
    ...(body.heading === undefined ? {} : { heading: body.heading }),
    intro: body.intro,
    nodes: body.nodes,
    path: file.path,
    dir: file.dir,
  };
}

/**
 * Bytes that are not UTF-8 reach the parser as U+FFFD (the file is decoded leniently so the rest
 * can still be checked). Say where, or the author sees "�" in replies and never learns why.
 */
function reportEncoding(source: string, report: Reporter): void {
  const at = source.indexOf('\uFFFD');
  if (at === -1) return;
  const before = source.slice(0, at);
  const line = before.split('\n').length;
  report.warn(
    'file/encoding',
    { line, column: at - before.lastIndexOf('\n') },
    'This line has bytes that are not valid UTF-8 (shown as �). Save the file as UTF-8; in most editors: "Save with encoding" → UTF-8.',
  );
}

// ---------------------------------------------------------------------------------------------
// Front matter

const FRONT_MATTER_RULES: Partial<Record<string, string>> = {
  id: 'id/invalid',
  version: 'version/invalid',
  severity: 'severity/invalid',
  env: 'env/invalid-field',
};

function readFrontMatter(split: SplitSource, report: Reporter): FrontMatter {
  const result: FrontMatter = { tags: [], symptoms: [], severity: 'medium', env: [], readable: false };
  const top = { line: 1, column: 1 };
  if (split.problem === 'missing') {
    report.error(
      'front-matter/missing',
      top,
      'No front matter. Start the file with a `---` line, then `id:`, `title:` and `version:` lines, then another `---` line.',
    );
    return result;
  }
  if (split.problem === 'not-at-top') {
    report.error('front-matter/missing', top, 'The front matter must start on the very first line: remove the blank lines or text above the opening `---`.');
    return result;
  }
  if (split.problem === 'unclosed') {
    report.error(
      'front-matter/unclosed',
      top,
      'The front matter opened by `---` on line 1 is never closed. Add a `---` line after the last front-matter key, before the `# Title`.',
    );
    return result;
  }
  const yaml = readYaml(split.frontMatter ?? '', split.frontMatterLine);
  for (const problem of yaml.problems) {
    report.error('front-matter/invalid-yaml', problem, `The front matter is not valid YAML: ${problem.message}. Each line should be \`key: value\`; quote values that contain \`: \` or start with \`#\`, \`[\`, \`{\` or \`*\`.`);
  }
  if (yaml.problems.length > 0) return result;
  const raw = yaml.value ?? {};
  if (!isPlainMap(raw)) {
    report.error('front-matter/invalid-yaml', yaml.start, 'The front matter must be `key: value` lines (a YAML map), e.g. `id: export-fails`.');
    return result;
  }
  result.readable = true;

  for (const key of Object.keys(raw)) {
    if ((FRONT_MATTER_KEYS as readonly string[]).includes(key) || isExtensionKey(key)) continue;
    report.error(
      'front-matter/unknown-key',
      yaml.positionOf([key], 'key'),
      `Unknown front-matter key \`${key}\`.${didYouMean(key, FRONT_MATTER_KEYS)} Known keys: ${FRONT_MATTER_KEYS.join(', ')}; start your own keys with \`x-\`.`,
    );
  }
  for (const key of REQUIRED_FRONT_MATTER_KEYS) {
    if (raw[key] === undefined || raw[key] === null) {
      report.error('front-matter/missing-key', top, `The front matter has no \`${key}\`. Add a \`${key}:\` line (${REQUIRED_HINTS[key]}).`);
    }
  }

  // A key with nothing after the colon counts as absent.
  const value = <K extends keyof typeof frontMatterSchemas>(key: K) => {
    if (raw[key] === undefined || raw[key] === null) return undefined;
    const checked = checkField(frontMatterSchemas[key], raw[key]);
    if (checked.ok) return checked.value;
    report.error(FRONT_MATTER_RULES[key] ?? 'front-matter/invalid-value', yaml.positionOf([key]), checked.message);
    return undefined;
  };
  const assign = <K extends keyof FrontMatter>(key: K, v: FrontMatter[K] | undefined) => {
    if (v !== undefined) result[key] = v;
  };
  assign('id', value('id'));
  assign('title', value('title'));
  assign('version', value('version'));
  assign('summary', value('summary'));
  assign('tags', value('tags'));
  assign('symptoms', value('symptoms'));
  assign('severity', value('severity'));
  assign('start', value('start'));
  const env = value('env');
  if (env) result.env = readEnvFields(env, yaml, report);
  return result;
}

const REQUIRED_HINTS: Record<(typeof REQUIRED_FRONT_MATTER_KEYS)[number], string> = {
  id: 'lower-case words joined by hyphens, unique across all playbooks, e.g. `id: export-fails`',
  title: 'one line shown in lists, e.g. `title: Report export fails`',
  version: 'a semantic version, e.g. `version: 1.0.0`',
};

function readEnvFields(items: readonly unknown[], yaml: YamlSection, report: Reporter): EnvField[] {
  const fields: EnvField[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const at = yaml.positionOf(['env', index]);
    const problem = (message: string, path: readonly (string | number)[] = [], which: 'key' | 'value' = 'value') =>
      report.error('env/invalid-field', path.length > 0 ? yaml.positionOf(['env', index, ...path], which) : at, message);
    if (!isPlainMap(item)) {
      problem('Each `env` entry must be a map such as `- key: browser` with `ask: ...`, `detect: ...` or `run: [...]` under it.');
      return;
    }
    const fieldName = typeof item.key === 'string' ? `env field \`${item.key}\`` : `env field ${index + 1}`;
    for (const key of Object.keys(item)) {
      if ((ENV_FIELD_KEYS as readonly string[]).includes(key) || isExtensionKey(key)) continue;
      problem(`Unknown key \`${key}\` in ${fieldName}.${didYouMean(key, ENV_FIELD_KEYS)} Known keys: ${ENV_FIELD_KEYS.join(', ')}.`, [key], 'key');
    }
    const values: Partial<Record<(typeof ENV_FIELD_KEYS)[number], unknown>> = {};
    let ok = true;
    for (const key of ENV_FIELD_KEYS) {
      if (item[key] === undefined) continue;
      const checked = checkField(envFieldSchemas[key], item[key]);
      if (checked.ok) values[key] = checked.value;
      else {
        ok = false;
        problem(`In ${fieldName}: ${checked.message}`, [key]);
      }
    }
    if (item.key === undefined) {
      problem('This env field has no `key`. Add `- key: name` (lower-case, e.g. `app_version`); templates use it as `env.<key>`.');
      return;
    }
    const sources = (['ask', 'detect', 'run'] as const).filter((s) => item[s] !== undefined);
    if (sources.length !== 1) {
      problem(
        sources.length === 0
          ? `${capitalise(fieldName)} has no source: add exactly one of \`ask: <prompt>\`, \`detect: <probe>\` or \`run: [command, args]\`.`
          : `${capitalise(fieldName)} has ${sources.map((s) => `\`${s}\``).join(' and ')}: keep exactly one source.`,
      );
      return;
    }
    const source = sources[0];
    const misplaced = (keys: readonly string[], belongs: string) => {
      for (const key of keys) {
        if (item[key] !== undefined) {
          ok = false;
          problem(`\`${key}\` only applies to ${belongs} fields; remove it from ${fieldName}.`, [key], 'key');
        }
      }
    };
    if (source !== 'ask') misplaced(['pattern', 'required', 'parse'], '`ask`');
    if (source !== 'run') misplaced(['timeout'], '`run`');
    if (!ok || typeof values.key !== 'string') return;
    const key = values.key;
    const previous = seen.get(key);
    if (previous !== undefined) {
      report.error('env/duplicate-key', at, `Env key \`${key}\` is declared twice (first on line ${previous}). Remove one, or rename it.`);
      return;
    }
    seen.set(key, at.line);
    let envSource: EnvSource;
    if (source === 'ask') {
      envSource = {
        kind: 'ask',
        prompt: values.ask as string,
        required: (values.required as boolean | undefined) ?? true,
        ...(values.pattern === undefined ? {} : { pattern: values.pattern as string }),
        ...(values.parse === undefined ? {} : { parse: 'user-agent' as const }),
      };
    } else if (source === 'detect') {
      envSource = { kind: 'detect', probe: values.detect as DetectProbe };
    } else {
      envSource = { kind: 'run', argv: values.run as string[], timeoutMs: (values.timeout as number | undefined) ?? DEFAULT_ENV_RUN_TIMEOUT_MS };
    }
    fields.push({ key, source: envSource, line: at.line });
  });
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Body

interface Body {
  heading?: string;
  intro: string;
  nodes: PlaybookNode[];
}

interface NodeDraft extends Mutable<Omit<PlaybookNode, 'script' | 'asks' | 'choices' | 'guidance'>> {
  script: string[];
  guidance: string[];
  asks: AskBlock[];
  choices: Choice[];
  choicesLine?: number;
}

interface BodyContext {
  readonly lines: readonly string[];
  /** File line of body line 0. */
  readonly offset: number;
  readonly report: Reporter;
}

function readBody(split: SplitSource, report: Reporter): Body {
  if (split.problem === 'unclosed') return { intro: '', nodes: [] };
  const tokens = markdown.parse(split.body, {});
  const ctx: BodyContext = { lines: split.body.split('\n'), offset: split.bodyLine, report };
  let heading: string | undefined;
  const intro: string[] = [];
  const drafts: NodeDraft[] = [];
  const ids = new Map<string, number>();
  let current: NodeDraft | undefined;

  for (const block of topLevelBlocks(tokens)) {
    const open = tokens[block.start] as Token;
    const map = open.map ?? [0, 0];
    if (open.type === 'heading_open' && open.tag === 'h2') {
      const inline = tokens[block.start + 1];
      const raw = inline?.content ?? '';
      const plain = plainText(inline?.children ?? []).trim();
      const line = ctx.offset + map[0];
      current = newNode(raw.trim(), plain, line);
      if (current.id === '') {
        report.error('node/empty-id', { line, column: 1 }, `The heading \`## ${raw}\` gives an empty node id: use words in it, e.g. \`## Check the logs\`.`);
      } else if (ids.has(current.id)) {
        report.error(
          'node/duplicate-slug',
          { line, column: 1 },
          `Node id \`${current.id}\` is already used by the heading on line ${ids.get(current.id)}. Node ids are the slug of the \`##\` heading: reword one of the two headings.`,
        );
        // Keep the first: links resolve to it, as they would on GitHub.
        current.id = '';
      } else {
        ids.set(current.id, line);
      }
      drafts.push(current);
      continue;
    }
    if (open.type === 'heading_open' && open.tag === 'h1' && !current && heading === undefined) {
      heading = plainText(tokens[block.start + 1]?.children ?? []).trim();
      continue;
    }
    if (!current) {
      readIntroBlock(tokens, block, ctx, intro);
      continue;
    }
    current.endLine = Math.max(current.endLine, lastContentLine(ctx, map));
    readNodeBlock(tokens, block, ctx, current);
  }

  const nodes = drafts.filter((d) => d.id !== '').map(finishNode);
  return { ...(heading === undefined ? {} : { heading }), intro: intro.join('\n\n'), nodes };
}

function newNode(heading: string, plain: string, line: number): NodeDraft {
  const outcome = outcomeOf(plain);
  return {
    id: headingSlug(plain),
    heading,
    title: outcome ? outcome.title : plain,
    line,
    endLine: line,
    script: [],
    guidance: [],
    asks: [],
    choices: [],
    ...(outcome ? { outcome } : {}),
  };
}

/** The node in the model's field order, so serialised playbooks read top-down. */
function finishNode(draft: NodeDraft): PlaybookNode {
  return {
    id: draft.id,
    heading: draft.heading,
    title: draft.title,
    line: draft.line,
    endLine: draft.endLine,
    script: draft.script,
    guidance: draft.guidance.join('\n\n'),
    asks: draft.asks,
    choices: draft.choices,
    ...(draft.check ? { check: draft.check } : {}),
    ...(draft.actions && draft.actions.length > 0 ? { actions: draft.actions } : {}),
    ...(draft.outcome ? { outcome: draft.outcome } : {}),
    ...(draft.reply ? { reply: draft.reply } : {}),
    ...(draft.report ? { report: draft.report } : {}),
    ...(draft.repro ? { repro: draft.repro } : {}),
  };
}

const OUTCOME_HEADING = /^([A-Za-z][A-Za-z ]*?)\s*:(.*)$/s;

function outcomeOf(plainHeading: string): Outcome | undefined {
  const match = OUTCOME_HEADING.exec(plainHeading);
  if (!match) return undefined;
  const prefix = (match[1] ?? '').toLowerCase().replace(/\s+/g, ' ');
  const kind = OUTCOME_PREFIXES[prefix];
  return kind ? { kind, title: (match[2] ?? '').trim() } : undefined;
}

interface Block {
  /** Index of the opening token. */
  readonly start: number;
  /** Index of the closing token (same as start for single-token blocks). */
  readonly end: number;
}

function* topLevelBlocks(tokens: readonly Token[]): Generator<Block> {
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i] as Token;
    if (token.nesting !== 1) {
      yield { start: i, end: i };
      i += 1;
      continue;
    }
    let depth = 0;
    let j = i;
    for (; j < tokens.length; j += 1) {
      depth += (tokens[j] as Token).nesting;
      if (depth === 0) break;
    }
    yield { start: i, end: Math.min(j, tokens.length - 1) };
    i = j + 1;
  }
}

function readIntroBlock(tokens: readonly Token[], block: Block, ctx: BodyContext, intro: string[]): void {
  const open = tokens[block.start] as Token;
  if (isCommentOnly(open)) return;
  const map = open.map ?? [0, 0];
  const at = { line: ctx.offset + map[0], column: 1 };
  if (open.type === 'fence' && blockKind(open.info) !== undefined) {
    ctx.report.warn('block/outside-node', at, `This \`${blockKind(open.info)}\` block is above the first \`##\` heading, so it belongs to no node and is ignored. Move it under the node it is for.`);
  } else if (open.type === 'bullet_list_open' && classifyList(tokens, block, ctx).kind === 'choices') {
    ctx.report.warn('block/outside-node', at, 'This choice list is above the first `##` heading, so it belongs to no node and is ignored. Put the first question under a `## Heading`.');
  }
  intro.push(sourceOf(ctx, map));
}

function readNodeBlock(tokens: readonly Token[], block: Block, ctx: BodyContext, node: NodeDraft): void {
  const open = tokens[block.start] as Token;
  const map = open.map ?? [0, 0];
  const line = ctx.offset + map[0];
  switch (open.type) {
    case 'blockquote_open':
      node.script.push(blockquoteText(tokens, block));
      return;
    case 'bullet_list_open': {
      const list = classifyList(tokens, block, ctx);
      if (list.kind === 'choices') {
        if (node.choicesLine !== undefined) {
          ctx.report.error(
            'choices/multiple-lists',
            { line, column: 1 },
            `Node \`${node.id}\` already has a choice list (line ${node.choicesLine}); a node has at most one. Merge the two lists, or move this question into its own \`##\` node.`,
          );
          return;
        }
        node.choicesLine = line;
        node.choices = list.choices;
        return;
      }
      if (list.kind === 'mixed') {
        ctx.report.warn(
          'choices/mixed-list',
          { line, column: 1 },
          `This list mixes links to nodes with other items (line ${list.otherLine}), so it is shown as guidance, not as choices. For a choice list, make every item exactly one link, e.g. \`- [CSV](#how-many-rows)\`; otherwise remove the node links.`,
        );
      }
      node.guidance.push(sourceOf(ctx, map));
      return;
    }
    case 'fence': {
      const kind = blockKind(open.info);
      if (kind === undefined) break;
      readFencedBlock(kind, open, ctx, node);
      return;
    }
    default:
      if (isCommentOnly(open)) return;
  }
  node.guidance.push(sourceOf(ctx, map));
}

function blockKind(info: string): BlockKind | undefined {
  const word = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  return (BLOCK_KINDS as readonly string[]).includes(word) ? (word as BlockKind) : undefined;
}

function isCommentOnly(token: Token): boolean {
  return token.type === 'html_block' && /^\s*<!--[\s\S]*?-->\s*$/.test(token.content);
}

// ---------------------------------------------------------------------------------------------
// Text helpers

function plainText(children: readonly Token[]): string {
  let out = '';
  for (const child of children) {
    switch (child.type) {
      case 'text':
      case 'code_inline':
        out += child.content;
        break;
      case 'softbreak':
        out += ' ';
        break;
      case 'hardbreak':
        out += '\n';
        break;
      case 'image':
        out += plainText(child.children ?? []);
        break;
      default:
        break;
    }
  }
  return out;
}

function blockquoteText(tokens: readonly Token[], block: Block): string {
  const parts: { text: string; item: boolean }[] = [];
  let inItem = 0;
  for (let i = block.start + 1; i < block.end; i += 1) {
    const token = tokens[i] as Token;
    if (token.type === 'list_item_open') inItem += 1;
    else if (token.type === 'list_item_close') inItem -= 1;
    else if (token.type === 'inline') {
      const text = plainText(token.children ?? []).trim();
      if (text !== '') parts.push({ text: inItem > 0 ? `- ${text}` : text, item: inItem > 0 });
    } else if ((token.type === 'fence' || token.type === 'code_block') && token.content.trim() !== '') {
      parts.push({ text: token.content.replace(/\n$/, ''), item: false });
    }
  }
  return parts.reduce((acc, part, index) => {
    if (index === 0) return part.text;
    const previous = parts[index - 1];
    return `${acc}${part.item && previous?.item ? '\n' : '\n\n'}${part.text}`;
  }, '');
}

/** The Markdown source of a block's lines, without trailing blank lines. */
function sourceOf(ctx: BodyContext, map: readonly number[]): string {
  const [from = 0, to = 0] = map;
  let end = to;
  while (end > from && (ctx.lines[end - 1] ?? '').trim() === '') end -= 1;
  return ctx.lines.slice(from, end).join('\n');
}

function lastContentLine(ctx: BodyContext, map: readonly number[]): number {
  const [from = 0, to = 0] = map;
  let end = to;
  while (end > from + 1 && (ctx.lines[end - 1] ?? '').trim() === '') end -= 1;
  return ctx.offset + end - 1;
}

// ---------------------------------------------------------------------------------------------
// Choice lists

type ListKind =
  | { kind: 'choices'; choices: Choice[] }
  | { kind: 'mixed'; otherLine: number }
  | { kind: 'plain' };

function classifyList(tokens: readonly Token[], block: Block, ctx: BodyContext): ListKind {
  const listLevel = (tokens[block.start] as Token).level;
  const choices: Choice[] = [];
  let otherLine: number | undefined;
  for (let i = block.start + 1; i < block.end; i += 1) {
    const item = tokens[i] as Token;
    if (item.type !== 'list_item_open' || item.level !== listLevel + 1) continue;
    let close = i + 1;
    while (close < block.end && !((tokens[close] as Token).type === 'list_item_close' && (tokens[close] as Token).level === item.level)) close += 1;
    const line = ctx.offset + (item.map?.[0] ?? 0);
    const choice = choiceOf(tokens.slice(i + 1, close), line, ctx);
    if (choice) choices.push(choice);
    else otherLine ??= line;
    i = close;
  }
  if (choices.length === 0) return { kind: 'plain' };
  if (otherLine !== undefined) return { kind: 'mixed', otherLine };
  return { kind: 'choices', choices };
}

/** An item that is exactly one paragraph holding exactly one link to a node, or undefined. */
function choiceOf(content: readonly Token[], line: number, ctx: BodyContext): Choice | undefined {
  if (content.length !== 3) return undefined;
  const [open, inline, close] = content;
  if (open?.type !== 'paragraph_open' || inline?.type !== 'inline' || close?.type !== 'paragraph_close') return undefined;
  const children = (inline.children ?? []).filter((c) => !(c.type === 'text' && c.content.trim() === ''));
  const first = children[0];
  const last = children[children.length - 1];
  if (first?.type !== 'link_open' || last?.type !== 'link_close') return undefined;
  if (children.slice(1, -1).some((c) => c.type === 'link_open')) return undefined;
  const target = linkTarget(first.attrGet('href') ?? '');
  if (!target) return undefined;
  const sourceLine = ctx.lines[line - ctx.offset] ?? '';
  const bracket = sourceLine.indexOf('[');
  return {
    label: plainText(children.slice(1, -1)).trim(),
    target,
    line,
    column: bracket === -1 ? 1 : bracket + 1,
  };
}

/**
 * A link to a node: `#node`, `other.md`, `other.md#node` (relative paths allowed). Links with a
 * scheme (`https:`, `mailto:`) or to non-Markdown files are ordinary links, not node links.
 */
export function linkTarget(href: string): LinkTarget | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) return undefined;
  const hash = href.indexOf('#');
  const filePart = safeDecode(hash === -1 ? href : href.slice(0, hash)).replace(/\?.*$/, '');
  const node = hash === -1 ? undefined : safeDecode(href.slice(hash + 1));
  if (filePart === '') return hash === -1 ? undefined : { node: node ?? '' };
  if (!/\.md$/i.test(filePart)) return undefined;
  return node === undefined || node === '' ? { file: filePart } : { file: filePart, node };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Fenced blocks

function readFencedBlock(kind: BlockKind, token: Token, ctx: BodyContext, node: NodeDraft): void {
  const line = ctx.offset + (token.map?.[0] ?? 0);
  const at = { line, column: 1 };
  const words = token.info.trim().split(/\s+/).slice(1);
  if (kind === 'reply') {
    const full = words.some((w) => w.toLowerCase() === 'full');
    const timeline = words.some((w) => w.toLowerCase() === 'timeline');
    for (const word of words.filter((w) => !['full', 'timeline'].includes(w.toLowerCase()))) {
      ctx.report.warn(
        'block/unknown-key',
        at,
        `Unknown option \`${word}\` after \`reply\`.${didYouMean(word, ['full', 'timeline'])} The options are \`reply full\` (the block is the whole reply) and \`reply timeline\` (the block says when things happen).`,
      );
    }
    if (node.reply) {
      ctx.report.error('block/duplicate', at, `Node \`${node.id}\` already has a \`reply\` block (line ${node.reply.line}). Keep one: merge the two.`);
      return;
    }
    const template = token.content.replace(/\n$/, '');
    if (template.trim() === '') ctx.report.warn('block/empty', at, 'This `reply` block is empty. Write the middle of the reply, or remove the block.');
    if (!node.outcome) notOutcome(ctx, at, node, 'reply');
    node.reply = { template, full, ...(timeline ? { timeline } : {}), line } satisfies ReplyBlock;
    return;
  }
  if (kind === 'repro') {
    readReproBlock(token, words, at, ctx, node);
    return;
  }
  if (words.length > 0) {
    ctx.report.warn('block/unknown-key', at, `\`${kind}\` blocks take no options after the word \`${kind}\`; \`${words.join(' ')}\` is ignored.`);
  }
  const yaml = readYaml(token.content, line + 1);
  for (const problem of yaml.problems) {
    ctx.report.error('block/invalid-yaml', problem, `This \`${kind}\` block is not valid YAML: ${problem.message}. Write one \`key: value\` per line; quote values that contain \`: \` or start with \`#\`.`);
  }
  if (yaml.problems.length > 0) return;
  const raw = yaml.value;
  if (!isPlainMap(raw)) {
    ctx.report.error(
      raw === undefined || raw === null ? `${kind}/invalid` : 'block/invalid-yaml',
      at,
      raw === undefined || raw === null
        ? `This \`${kind}\` block is empty. ${BLOCK_EXAMPLES[kind]}`
        : `A \`${kind}\` block holds \`key: value\` lines (a YAML map). ${BLOCK_EXAMPLES[kind]}`,
    );
    return;
  }
  const known = { ask: ASK_KEYS, check: CHECK_KEYS, action: ACTION_KEYS, report: REPORT_KEYS }[kind];
  unknownKeys(raw, known, `\`${kind}\` block`, [], yaml, ctx);
  const block: RawBlock = { raw, yaml, at, line, ctx, content: token.content };
  if (kind === 'ask') readAsk(block, node);
  else if (kind === 'check') readCheck(block, node);
  else if (kind === 'action') readAction(block, node);
  else readReport(block, node);
}

/** ```repro: one reproduction line for engineers (a Liquid template, newlines folded to spaces). */
function readReproBlock(token: Token, words: readonly string[], at: Position, ctx: BodyContext, node: NodeDraft): void {
  if (words.length > 0) ctx.report.warn('block/unknown-key', at, `\`repro\` blocks take no options; \`${words.join(' ')}\` is ignored.`);
  if (node.repro) {
    ctx.report.error('block/duplicate', at, `Node \`${node.id}\` already has a \`repro\` block (line ${node.repro.line}). Keep one: a node has one reproduction step.`);
    return;
  }
  const template = token.content.replace(/\s*\n\s*/g, ' ').trim();
  if (template === '') {
    ctx.report.warn('block/empty', at, 'This `repro` block is empty. Write the step an engineer takes, e.g. `Export {{ answers.row_count }} rows as CSV.`, or remove the block.');
    return;
  }
  node.repro = { template, line: at.line } satisfies ReproBlock;
}

const BLOCK_EXAMPLES: Record<Exclude<BlockKind, 'reply' | 'repro'>, string> = {
  ask: 'For example:\n  key: rows\n  prompt: Roughly how many rows?\n  type: number',
  check: "For example:\n  run: [git, --version]\n  pass: '#git-works'\n  fail: '#install-git'",
  action: 'For example:\n  key: refund_duplicate\n  do: Refund the duplicate payment in Billing → Payments.\n  reference: Refund id',
  report: 'For example:\n  expected: The file downloads.\n  actual: Nothing happens.',
};

interface RawBlock {
  readonly raw: Record<string, unknown>;
  readonly yaml: YamlSection;
  readonly at: Position;
  readonly line: number;
  readonly ctx: BodyContext;
  readonly content: string;
}

function unknownKeys(raw: Record<string, unknown>, known: readonly string[], where: string, path: readonly string[], yaml: YamlSection, ctx: BodyContext): void {
  for (const key of Object.keys(raw)) {
    if (known.includes(key) || isExtensionKey(key)) continue;
    ctx.report.error(
      'block/unknown-key',
      yaml.positionOf([...path, key], 'key'),
      `Unknown key \`${key}\` in this ${where}.${didYouMean(key, known)} Known keys: ${known.join(', ')}.`,
    );
  }
}

/** Checks each present key with its schema; reports failures under `rule` and returns the valid values. */
function readKeys<S extends Record<string, Parameters<typeof checkField>[0]>>(
  block: RawBlock,
  schemas: S,
  rule: (key: string) => string,
  path: readonly string[] = [],
  raw: Record<string, unknown> = block.raw,
): { [K in keyof S]?: unknown } {
  const out: { [K in keyof S]?: unknown } = {};
  for (const key of Object.keys(schemas) as (keyof S & string)[]) {
    if (raw[key] === undefined) continue;
    const checked = checkField(schemas[key] as S[keyof S], raw[key]);
    if (checked.ok) out[key] = checked.value;
    else block.ctx.report.error(rule(key), block.yaml.positionOf([...path, key]), checked.message);
  }
  return out;
}

function readAsk(block: RawBlock, node: NodeDraft): void {
  const values = readKeys(block, askSchemas, () => 'ask/invalid');
  const { ctx, at, raw } = block;
  for (const key of ['key', 'prompt'] as const) {
    if (raw[key] === undefined) {
      ctx.report.error('ask/invalid', at, `This \`ask\` block has no \`${key}\`. ${key === 'key' ? 'Add `key: name`: the answer is available as `answers.<name>`.' : 'Add `prompt: <the question the agent asks>`.'}`);
    }
  }
  if (typeof values.key !== 'string' || typeof values.prompt !== 'string') return;
  const type = (values.type as AskBlock['type'] | undefined) ?? 'text';
  if (raw.choices !== undefined && type !== 'select' && type !== 'multiselect') {
    ctx.report.warn('ask/invalid', block.yaml.positionOf(['choices'], 'key'), `\`choices\` only apply to \`type: select\` or \`type: multiselect\`; this ask is \`${type}\`. Set the type, or remove the choices.`);
  }
  node.asks.push({
    key: values.key,
    prompt: values.prompt,
    type,
    ...(values.choices === undefined ? {} : { choices: values.choices as string[] }),
    ...(values.pattern === undefined ? {} : { pattern: values.pattern as string }),
    required: (values.required as boolean | undefined) ?? true,
    secret: (values.secret as boolean | undefined) ?? false,
    line: block.line,
  });
}

function readCheck(block: RawBlock, node: NodeDraft): void {
  const { ctx, at, raw } = block;
  // An empty `pass:`/`fail:` is reported once, below, as a missing target.
  const present = { ...raw, pass: raw.pass ?? undefined, fail: raw.fail ?? undefined };
  const values = readKeys(block, checkSchemas, (key) => (key === 'pass' || key === 'fail' ? 'check/missing-target' : 'check/invalid'), [], present);
  if (raw.run === undefined && raw.probe === undefined) {
    ctx.report.error('check/invalid', at, "This `check` block has no `run` or `probe`. Add the command as a list, e.g. `run: [git, --version]`, or a built-in probe, e.g. `probe: [dns, '{{answers.url}}']`.");
  } else if (raw.run !== undefined && raw.probe !== undefined) {
    ctx.report.error('check/invalid', block.yaml.positionOf(['probe'], 'key'), 'This `check` block has both `run` and `probe`: a check runs a command or a built-in probe, not both. Split it into two nodes.');
  }
  for (const key of ['pass', 'fail'] as const) {
    if (raw[key] !== undefined && raw[key] !== null) continue;
    const commented = new RegExp(`^\\s*${key}\\s*:\\s*#`, 'm').test(block.content);
    ctx.report.error(
      'check/missing-target',
      raw[key] === null ? block.yaml.positionOf([key], 'key') : at,
      commented
        ? `\`${key}\` is empty because YAML reads an unquoted \`#\` as the start of a comment. Quote it: \`${key}: '#node-id'\`.`
        : `This \`check\` block has no \`${key}\`: add \`${key}: '#node-id'\`, the node to go to when the check ${key === 'pass' ? 'passes' : 'fails'}.`,
    );
  }
  let expect: CheckBlock['expect'] = { exit: 0 };
  if (values.expect !== undefined) {
    const expectRaw = values.expect as Record<string, unknown>;
    unknownKeys(expectRaw, EXPECT_KEYS, '`expect` map', ['expect'], block.yaml, ctx);
    const e = readKeys(block, expectSchemas, () => 'check/invalid', ['expect'], expectRaw);
    const probeName = Array.isArray(values.probe) ? String(values.probe[0]) : undefined;
    for (const key of Object.keys(e)) {
      const owners = PROBE_EXPECT_KEYS[key];
      const fits = owners ? probeName !== undefined && owners.includes(probeName) : probeName === undefined || !COMMAND_EXPECT_KEYS.includes(key);
      if (fits) continue;
      ctx.report.error(
        'check/invalid',
        block.yaml.positionOf(['expect', key], 'key'),
        owners
          ? `\`expect.${key}\` belongs to a \`probe: [${owners.join('|')}, ...]\` check${probeName ? `, not to \`${probeName}\`` : ', not to a command'}.`
          : `\`expect.${key}\` judges a command's result; a \`probe\` check is judged by its own keys (see \`triage help checks\`).`,
      );
    }
    expect = {
      ...(probeName === undefined ? { exit: (e.exit as number | undefined) ?? 0 } : {}),
      ...(e.stdout === undefined ? {} : { stdout: e.stdout as string }),
      ...(e.status === undefined ? {} : { status: e.status as string }),
      ...(e.min_days === undefined ? {} : { minDays: e.min_days as number }),
      ...(e.require === undefined ? {} : { require: e.require as TlsRequirement[] }),
      ...(e.issuer === undefined ? {} : { issuer: e.issuer as string }),
      ...(e.max_skew === undefined ? {} : { maxSkewSeconds: e.max_skew as number }),
      ...(e.min_free === undefined ? {} : { minFree: e.min_free as string }),
      ...(e.minimums === undefined ? {} : { minimums: e.minimums as string }),
    };
  } else if (Array.isArray(values.probe)) expect = {};
  if (node.check) {
    ctx.report.error('block/duplicate', at, `Node \`${node.id}\` already has a \`check\` block (line ${node.check.line}); a node moves on by one check. Split the checks into separate nodes.`);
    return;
  }
  if (node.outcome) {
    ctx.report.error('outcome/has-check', at, `\`${node.heading}\` is an outcome, which ends the run, so this check would never run. Move the check to a node before the outcome.`);
    return;
  }
  const probe = values.probe as string[] | undefined;
  node.check = {
    run: (values.run as string[] | undefined) ?? [],
    ...(probe && raw.run === undefined ? { probe: { name: probe[0] as ProbeName, targets: probe.slice(1) } } : {}),
    timeoutMs: (values.timeout as number | undefined) ?? DEFAULT_CHECK_TIMEOUT_MS,
    expect,
    ...(values.capture === undefined ? {} : { capture: values.capture as string }),
    pass: (values.pass as string | undefined) ?? '',
    fail: (values.fail as string | undefined) ?? '',
    ...(values['allow-options'] === undefined ? {} : { allowOptions: values['allow-options'] as string[] }),
    line: block.line,
  };
}

const ACTION_TARGET_KEYS: readonly ActionStatus[] = ['done', 'failed', 'not-needed'];

function readAction(block: RawBlock, node: NodeDraft): void {
  const { ctx, at, raw } = block;
  // An empty target (`done:` or `done: #x` read as a comment) is reported once, below.
  const present = { ...raw, done: raw.done ?? undefined, failed: raw.failed ?? undefined, 'not-needed': raw['not-needed'] ?? undefined };
  const values = readKeys(block, actionSchemas, (key) => ((ACTION_TARGET_KEYS as readonly string[]).includes(key) ? 'action/missing-target' : 'action/invalid'), [], present);
  if (raw.key === undefined || raw.key === null) {
    ctx.report.error('action/invalid', at, 'This `action` block has no `key`. Add `key: name` (lower-case, e.g. `refund_duplicate`): templates read it as `actions.<name>`, and `--answer <name>=done` answers it.');
  }
  if (raw.do === undefined || raw.do === null) {
    ctx.report.error('action/invalid', at, 'This `action` block has no `do`. Add `do: <what the agent does now>`, e.g. `do: Refund the duplicate payment in Billing → Payments.`');
  }
  for (const key of ACTION_TARGET_KEYS) {
    if (raw[key] !== null) continue;
    const commented = new RegExp(`^\\s*${key}\\s*:\\s*#`, 'm').test(block.content);
    ctx.report.error(
      'action/missing-target',
      block.yaml.positionOf([key], 'key'),
      commented
        ? `\`${key}\` is empty because YAML reads an unquoted \`#\` as the start of a comment. Quote it: \`${key}: '#node-id'\`.`
        : `\`${key}\` is empty: give the node to go to, e.g. \`${key}: '#next-node'\`, or remove the key.`,
    );
  }
  const targets: Partial<Record<ActionStatus, string>> = {};
  for (const key of ACTION_TARGET_KEYS) if (typeof values[key] === 'string') targets[key] = values[key] as string;
  const given = ACTION_TARGET_KEYS.filter((key) => raw[key] !== undefined);
  if (given.length > 0) {
    for (const key of ['done', 'failed'] as const) {
      if (raw[key] !== undefined) continue;
      ctx.report.error(
        'action/missing-target',
        at,
        `This \`action\` block has ${given.map((k) => `\`${k}\``).join(' and ')} but no \`${key}\`: an action that moves the run on by its result needs both \`done: '#node'\` and \`failed: '#node'\` (\`not-needed\` is optional). Add \`${key}: '#node-id'\`, or remove the targets and let the node's choice list follow.`,
      );
    }
  }
  if (typeof values.key !== 'string' || typeof values.do !== 'string') return;
  if (node.outcome && given.length > 0) {
    ctx.report.error(
      'outcome/has-action-targets',
      at,
      `\`${node.heading}\` is an outcome, which ends the run, so this action's targets would never be followed. Remove \`done\`/\`failed\`/\`not-needed\` (the action is then only recorded), or move the action to a node before the outcome.`,
    );
    return;
  }
  const action: ActionBlock = {
    key: values.key,
    do: values.do,
    ...(values.reference === undefined ? {} : { reference: values.reference as string }),
    targets,
    line: block.line,
  };
  node.actions = [...(node.actions ?? []), action];
}

function readReport(block: RawBlock, node: NodeDraft): void {
  const { ctx, at } = block;
  const values = readKeys(block, reportSchemas, (key) => (key === 'severity' ? 'severity/invalid' : 'report/invalid'));
  if (node.report) {
    ctx.report.error('block/duplicate', at, `Node \`${node.id}\` already has a \`report\` block (line ${node.report.line}). Keep one: merge the two.`);
    return;
  }
  if (!node.outcome) notOutcome(ctx, at, node, 'report');
  node.report = {
    ...(values.title === undefined ? {} : { title: values.title as string }),
    ...(values.expected === undefined ? {} : { expected: values.expected as string }),
    ...(values.actual === undefined ? {} : { actual: values.actual as string }),
    ...(values.severity === undefined ? {} : { severity: values.severity as Severity }),
    ...(values.component === undefined ? {} : { component: values.component as string }),
    labels: (values.labels as string[] | undefined) ?? [],
    line: block.line,
  } satisfies ReportBlock;
}

function notOutcome(ctx: BodyContext, at: Position, node: NodeDraft, kind: 'reply' | 'report'): void {
  ctx.report.warn(
    'block/not-outcome',
    at,
    `\`${kind}\` blocks are used only at outcomes, and \`${node.heading}\` is not one. Start the heading with an outcome prefix such as \`Resolved:\` or \`Bug:\`, or move the block to an outcome node.`,
  );
}

// ---------------------------------------------------------------------------------------------

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map) && !(value instanceof Set);
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

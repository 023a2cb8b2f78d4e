/**
 * The one Liquid engine for playbook templates (reply blocks, report fields) and phrase banks.
 *
 * Templates come from playbook files anyone can drop into a directory, so the engine is locked
 * down: no file system (include/render/layout fail at parse time), own properties only (no
 * `constructor`/`__proto__`), parse/render/memory limits, no clock (`date: "now"` is refused so
 * output stays reproducible), and no HTML escaping (replies and reports are plain text).
 * A missing value renders as '' (or its `default`), never as `undefined`.
 */
import { Liquid, type FS, type FilterImplOptions } from 'liquidjs';
import { formatAnswerValue } from './answer-values.js';
import { TriageError } from './errors.js';
import { liquidMessage, TEMPLATE_PARSE_LIMIT } from './liquid-message.js';

const PARSE_LIMIT = TEMPLATE_PARSE_LIMIT;
/** Wall-clock cap per render, in ms: a safety net, the memory limit usually stops loops first. */
const RENDER_LIMIT_MS = 1_000;
/** Objects/characters a render may allocate (ranges charge their length, so `(1..10000000)` fails). */
const MEMORY_LIMIT = 1_000_000;

const FORBIDDEN_TAGS = ['include', 'render', 'layout'] as const;

/** Every file-system call fails: templates never read files. */
const noFileSystem: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async (file) => refuseFile(file),
  readFileSync: (file) => refuseFile(file),
  resolve: (_dir, file) => file,
  contains: async () => false,
  containsSync: () => false,
};

function refuseFile(file: string): never {
  throw new Error(`templates cannot read files (${file})`);
}

/**
 * What an output tag prints: '' for nothing, lists joined with ", ", booleans as yes/no,
 * objects as '' (never "[object Object]").
 */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(displayValue).filter((s) => s !== '').join(', ');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return formatAnswerValue(value);
  if (typeof value === 'bigint') return value.toString();
  return '';
}

function createEngine(): Liquid {
  const engine = new Liquid({
    fs: noFileSystem,
    root: [],
    partials: [],
    layouts: [],
    relativeReference: false,
    dynamicPartials: false,
    cache: false,
    ownPropertyOnly: true,
    strictVariables: false,
    // A misspelt filter (`defualt`) is an error, not silently skipped.
    strictFilters: true,
    jsTruthy: false,
    outputEscape: displayValue,
    parseLimit: PARSE_LIMIT,
    renderLimit: RENDER_LIMIT_MS,
    memoryLimit: MEMORY_LIMIT,
    // Dates render in UTC so the same case renders the same everywhere.
    timezoneOffset: 0,
    locale: 'en-US',
  });
  for (const name of FORBIDDEN_TAGS) {
    engine.registerTag(name, {
      parse() {
        throw new Error(`the {% ${name} %} tag is not available: templates cannot read other files`);
      },
      render() {
        return '';
      },
    });
  }
  // `raw` normally bypasses the output formatting above; keep it as a no-op so nothing can print
  // an object or array in its JavaScript form.
  engine.registerFilter('raw', (value: unknown) => value);
  const date = engine.filters['date'] as FilterImplOptions | undefined;
  if (date !== undefined) {
    const handler = typeof date === 'function' ? date : date.handler;
    engine.registerFilter('date', function (this: unknown, value: unknown, ...args: unknown[]) {
      if (typeof value === 'string' && /^\s*(now|today)\s*$/i.test(value)) {
        throw new Error(`date: "${value.trim()}" is not available; templates render the same output every time`);
      }
      return (handler as (...a: unknown[]) => unknown).call(this, value, ...args);
    });
  }
  return engine;
}

const engine = createEngine();

/** Where a template comes from, so an error can point at the playbook line. */
export interface TemplateSource {
  /** File the template was written in. */
  readonly file?: string;
  /** Line of the file on which the template's first line is (e.g. the line after a ``` fence). */
  readonly line?: number;
  /** What the template is, e.g. `reply block of "bug-pdf-export-times-out"`. */
  readonly what?: string;
}

function templateError(error: unknown, source: TemplateSource): TriageError {
  const raw = error instanceof Error ? error.message : String(error);
  // liquidjs appends ", line:N, col:M" (relative to the template) to its messages.
  const position = /,\s*line:(\d+),\s*col:(\d+)/.exec(raw);
  const message = liquidMessage(raw.replace(/,\s*line:\d+,\s*col:\d+/, '').replace(/\s+/g, ' ').trim());
  const templateLine = position ? Number(position[1]) : undefined;
  const line = source.line !== undefined ? source.line + (templateLine ?? 1) - 1 : templateLine;
  const where = [source.file, line].filter((p) => p !== undefined).join(':');
  const what = source.what ?? 'template';
  return new TriageError('template/error', `${where ? `${where}: ` : ''}${what}: ${message}`, {
    hint: 'Templates support {{ value }}, {{ value | default: "x" }}, {% if %}…{% endif %} and {% for %}; they cannot include other files.',
    topic: 'templates',
    file: source.file,
    line,
    cause: error,
  });
}

/**
 * Text with no `{` has no tags or outputs: Liquid would return it as it is. Most phrases and
 * many reply blocks are such text; skipping the parser for them saves start-up time.
 */
function isPlainText(source: string): boolean {
  return source.length <= PARSE_LIMIT && !source.includes('{');
}

/** Checks a template's syntax without rendering it; throws TriageError `template/error`. */
export function checkTemplate(source: string, where: TemplateSource = {}): void {
  if (isPlainText(source)) return;
  try {
    engine.parse(source);
  } catch (error) {
    throw templateError(error, where);
  }
}

/** Renders a Liquid template; throws TriageError `template/error` on syntax errors and limits. */
export function renderTemplate(source: string, context: object, where: TemplateSource = {}): string {
  if (isPlainText(source)) return source;
  try {
    const output: unknown = engine.parseAndRenderSync(source, context);
    return typeof output === 'string' ? output : displayValue(output);
  } catch (error) {
    throw templateError(error, where);
  }
}

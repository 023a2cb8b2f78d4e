/**
 * What a Liquid template refers to, found with liquidjs's own static analysis (parse +
 * analyzeSync), so lint sees exactly what the renderer will. Also the variables a template may use.
 */
import { Liquid } from 'liquidjs';
import { CLOCK_DATE, liquidMessage, TEMPLATE_PARSE_LIMIT } from './liquid-message.js';

/**
 * Template roots with a fixed set of properties; keep in step with TemplateContext
 * (template-context.ts), which builds them at run time. `answers`, `env` and `actions` are open:
 * their keys come from the playbook (ask blocks, check captures, env fields, action blocks).
 */
export const TEMPLATE_OBJECTS: Readonly<Record<string, readonly string[]>> = {
  customer: ['name', 'first_name', 'mood', 'channel', 'description', 'signals', 'account'],
  agent: ['name', 'title'],
  company: ['name'],
  case: ['id'],
  playbook: ['id', 'title', 'version'],
  outcome: ['kind', 'title'],
};
export const OPEN_TEMPLATE_OBJECTS = ['answers', 'env', 'actions'] as const;
/** What `actions.<key>` holds (see TemplateContext.actions). */
export const ACTION_TEMPLATE_PROPERTIES = ['status', 'done', 'failed', 'not_needed', 'reference'] as const;

/**
 * Filters the renderer registers beyond liquidjs's built-ins. Lint rejects unknown filters (a
 * typo such as `defualt` would otherwise print the value unfiltered), so add custom ones here.
 */
export const CUSTOM_TEMPLATE_FILTERS: readonly string[] = [];

/** Tags that would read other files; templates never do. */
const FILE_TAGS = /\{%-?\s*(include|render|layout)\b/;

// A locale given up front: without one liquidjs asks Intl for the default, which costs ~10 ms of
// start-up (the analysis never formats dates).
const liquid = new Liquid({ strictFilters: true, locale: 'en-US' });
for (const name of CUSTOM_TEMPLATE_FILTERS) liquid.registerFilter(name, (value: unknown) => value);

export interface TemplateVariable {
  /** Path segments; `undefined` marks a segment computed at run time (`answers[env.key]`). */
  readonly path: readonly (string | number | undefined)[];
  /** As written, e.g. `answers.rows`. */
  readonly text: string;
  /** 1-based line and column inside the template. */
  readonly line: number;
  readonly column: number;
}

export type TemplateAnalysis =
  | { readonly ok: true; readonly variables: readonly TemplateVariable[] }
  | { readonly ok: false; readonly message: string; readonly line: number; readonly column: number };

const NO_VARIABLES: TemplateAnalysis = Object.freeze({ ok: true, variables: Object.freeze([]) });

/** Analyses already made: the same reply or report text recurs across a library. */
const analyses = new Map<string, TemplateAnalysis>();
const MAX_REMEMBERED = 10_000;

/** The global (not assigned in the template) variables of a Liquid template, or its syntax error. */
export function analyzeTemplate(source: string): TemplateAnalysis {
  // Without a `{` there is no tag and no output: nothing for Liquid to find.
  if (!source.includes('{')) return NO_VARIABLES;
  let analysis = analyses.get(source);
  if (analysis === undefined) {
    analysis = deepFreeze(analyzeWithLiquid(source));
    if (analyses.size >= MAX_REMEMBERED) analyses.clear();
    analyses.set(source, analysis);
  }
  return analysis;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function analyzeWithLiquid(source: string): TemplateAnalysis {
  // What `run` refuses, lint refuses too.
  if (source.length > TEMPLATE_PARSE_LIMIT) {
    return { ok: false, message: `it is ${source.length.toLocaleString('en-US')} characters long, over the ${TEMPLATE_PARSE_LIMIT.toLocaleString('en-US')} a template may have`, line: 1, column: 1 };
  }
  const clock = CLOCK_DATE.exec(source);
  if (clock) {
    const before = source.slice(0, clock.index);
    return { ok: false, message: `\`"${clock[2]}" | date\` is not available: templates render the same output every time, so they cannot read the clock; ask for the date (an \`ask\` block) if the reply needs one`, line: before.split('\n').length, column: clock.index - before.lastIndexOf('\n') };
  }
  const fileTag = FILE_TAGS.exec(source);
  if (fileTag) {
    const before = source.slice(0, fileTag.index);
    const line = before.split('\n').length;
    const column = fileTag.index - before.lastIndexOf('\n');
    return { ok: false, message: `\`{% ${fileTag[1]} %}\` is not allowed: templates cannot read other files`, line, column };
  }
  try {
    const analysis = liquid.analyzeSync(liquid.parse(source), { partials: false });
    const variables: TemplateVariable[] = [];
    for (const occurrences of Object.values(analysis.globals)) {
      for (const variable of occurrences) {
        variables.push({
          path: variable.toArray().map((segment) => (Array.isArray(segment) ? undefined : segment)),
          text: variable.toString(),
          line: variable.location.row,
          column: variable.location.col,
        });
      }
    }
    variables.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: true, variables };
  } catch (error) {
    const err = error as { message?: string; token?: { getPosition?: () => [number, number] } };
    const [line, column] = err.token?.getPosition?.() ?? [1, 1];
    const message = liquidMessage((err.message ?? String(error)).replace(/, line:\d+, col:\d+$/, ''));
    return { ok: false, message, line, column };
  }
}


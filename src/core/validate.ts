/**
 * Semantic rules over parsed playbooks (the parser reports what it could not read).
 *
 * - `validatePlaybook(playbook)`: rules that need only the file itself.
 * - `validateLibrary(playbooks, { dirs })`: rules that need the other files: duplicate ids and
 *   overrides, links between playbooks, and the rules that depend on which playbooks link into a
 *   file (`node/unreachable`, and `template/undefined-variable` for `answers.*`/`env.*`, because
 *   a playbook that links in can define those).
 *
 * Lint = parse diagnostics + validatePlaybook for each file + validateLibrary once. Rules are
 * plain functions in PLAYBOOK_RULES / LIBRARY_RULES; add a rule by adding a function (or pass
 * extra ones in the options). Pure apart from loading the regex checker lazily.
 */
import { createRequire } from 'node:module';
import { decodeLinkPath, isInsideDirectory } from './link-paths.js';
import { basename, dirname, resolve } from 'node:path';
import type { Diagnostics as RecheckDiagnostics } from 'recheck';
import { hasActionTargets, steeringAction, type Diagnostic, type DiagnosticSeverity, type LinkTarget, type Playbook, type PlaybookNode } from './model.js';
import { didYouMean } from './did-you-mean.js';
import { ACTION_TEMPLATE_PROPERTIES, OPEN_TEMPLATE_OBJECTS, TEMPLATE_OBJECTS, analyzeTemplate, type TemplateVariable } from './template-variables.js';

// ---------------------------------------------------------------------------------------------
// Public API

export interface RuleReporter {
  report(rule: string, severity: DiagnosticSeverity, at: { readonly line: number; readonly column?: number }, message: string): void;
}

export interface PlaybookRuleContext extends RuleReporter {
  readonly playbook: Playbook;
  readonly graph: PlaybookGraph;
  readonly options: ValidateOptions;
}
export type PlaybookRule = (ctx: PlaybookRuleContext) => void;

export interface LibraryRuleContext {
  readonly playbooks: readonly Playbook[];
  /** Playbook directories (absolute), in override order. */
  readonly dirs: readonly string[];
  readonly links: LinkIndex;
  /** File names of every loaded playbook (did-you-mean for links to a missing file). */
  readonly fileNames: readonly string[];
  graph(playbook: Playbook): PlaybookGraph;
  report(file: Playbook, rule: string, severity: DiagnosticSeverity, at: { readonly line: number; readonly column?: number }, message: string): void;
}
export type LibraryRule = (ctx: LibraryRuleContext) => void;

export interface ValidateOptions {
  /** Extra rules to run after the built-in ones (e.g. reply-craft rules). */
  readonly rules?: readonly PlaybookRule[];
  /**
   * Run `pattern/catastrophic` (default true). The first check loads the regex analyser (about
   * 200 ms); a command that only needs the playbook to be runnable may skip it.
   */
  readonly regexSafety?: boolean;
}

export interface LibraryOptions {
  /** The playbook directories; links must stay inside them. Default: the playbooks' own `dir`s. */
  readonly dirs?: readonly string[];
  readonly rules?: readonly LibraryRule[];
  /**
   * File names of every loaded playbook, when `playbooks` is only part of them (a run validates
   * just the playbooks around the one it runs); default: those of `playbooks`.
   */
  readonly fileNames?: readonly string[];
}

export function validatePlaybook(playbook: Playbook, options: ValidateOptions = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const ctx: PlaybookRuleContext = {
    playbook,
    graph: graphOf(playbook),
    options,
    report: (rule, severity, at, message) =>
      diagnostics.push({ file: playbook.path, line: at.line, column: at.column ?? 1, severity, rule, message }),
  };
  for (const rule of [...PLAYBOOK_RULES, ...(options.rules ?? [])]) guarded(() => rule(ctx), (message) => ctx.report('parse/internal-error', 'error', { line: 1 }, message));
  return sortByPosition(diagnostics);
}

export function validateLibrary(playbooks: readonly Playbook[], options: LibraryOptions = {}): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const dirs = (options.dirs && options.dirs.length > 0 ? options.dirs : [...new Set(playbooks.map((p) => p.dir))]).map((d) => resolve(d));
  const ctx: LibraryRuleContext = {
    playbooks,
    dirs,
    links: indexLinks(playbooks, dirs),
    fileNames: options.fileNames ?? [...new Set(playbooks.map((p) => basename(p.path)))],
    graph: graphOf,
    report: (file, rule, severity, at, message) =>
      diagnostics.push({ file: file.path, line: at.line, column: at.column ?? 1, severity, rule, message }),
  };
  for (const rule of [...LIBRARY_RULES, ...(options.rules ?? [])]) {
    guarded(
      () => rule(ctx),
      (message) => {
        for (const playbook of playbooks) ctx.report(playbook, 'parse/internal-error', 'error', { line: 1 }, message);
      },
    );
  }
  return sortByPosition(diagnostics);
}

/**
 * Lint never crashes on a file: a rule that throws (a bug, or a file beyond what it was written
 * for) becomes an error diagnostic, and the other rules still run.
 */
function guarded(rule: () => void, report: (message: string) => void): void {
  try {
    rule();
  } catch (error) {
    report(`triage could not check this file (${error instanceof Error ? error.message : String(error)}). This is a bug in triage: please report it with the file attached.`);
  }
}

// ---------------------------------------------------------------------------------------------
// The graph of one playbook

export interface PlaybookGraph {
  readonly byId: ReadonlyMap<string, PlaybookNode>;
  /** Same-file successors that exist (choices in order, then check pass and fail, then action targets). */
  readonly next: ReadonlyMap<string, readonly string[]>;
  /** Same-file predecessors. */
  readonly previous: ReadonlyMap<string, readonly string[]>;
  /** Nodes with a choice that continues in another playbook. */
  readonly leavesFile: ReadonlySet<string>;
  /** Nodes with a same-file link or check target to a node that does not exist. */
  readonly brokenLinks: ReadonlySet<string>;
}

const graphs = new WeakMap<Playbook, PlaybookGraph>();

export function graphOf(playbook: Playbook): PlaybookGraph {
  const cached = graphs.get(playbook);
  if (cached) return cached;
  const byId = new Map(playbook.nodes.map((n) => [n.id, n]));
  const next = new Map<string, string[]>();
  const previous = new Map<string, string[]>(playbook.nodes.map((n) => [n.id, []]));
  const leavesFile = new Set<string>();
  const brokenLinks = new Set<string>();
  for (const node of playbook.nodes) {
    const targets: string[] = [];
    const add = (id: string) => {
      if (id === '') return;
      if (!byId.has(id)) brokenLinks.add(node.id);
      else if (!targets.includes(id)) targets.push(id);
    };
    for (const choice of node.choices) {
      if (isSameFile(playbook, choice.target)) add(choice.target.node ?? playbook.start);
      else leavesFile.add(node.id);
    }
    if (node.check) {
      add(node.check.pass);
      add(node.check.fail);
    }
    for (const action of node.actions ?? []) for (const target of Object.values(action.targets)) add(target);
    next.set(node.id, targets);
    for (const target of targets) previous.get(target)?.push(node.id);
  }
  const graph: PlaybookGraph = { byId, next, previous, leavesFile, brokenLinks };
  graphs.set(playbook, graph);
  return graph;
}

function isSameFile(playbook: Playbook, target: LinkTarget): boolean {
  return target.file === undefined || resolve(dirname(playbook.path), decodeLinkPath(target.file)) === resolve(playbook.path);
}

/** Every node reachable from `starts` (the starts included) following `edges`. */
function reach(starts: Iterable<string>, edges: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...starts];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const n of edges.get(id) ?? []) if (!seen.has(n)) stack.push(n);
  }
  return seen;
}

// ---------------------------------------------------------------------------------------------
// Single-file rules

const ruleNodes: PlaybookRule = ({ playbook, report }) => {
  if (playbook.nodes.length === 0) {
    report('node/none', 'error', { line: 1 }, 'This playbook has no nodes. Each `## Heading` starts one: add at least a first question and an outcome such as `## Resolved: ...`.');
  }
};

const ruleStart: PlaybookRule = ({ playbook, graph, report }) => {
  if (playbook.nodes.length === 0 || graph.byId.has(playbook.start)) return;
  report(
    'start/missing-node',
    'error',
    { line: 1 },
    `\`start: ${playbook.start}\` names no node.${didYouMean(playbook.start, [...graph.byId.keys()], (s) => `\`${s}\``)} Node ids are the slug of the \`##\` heading; or remove \`start\` to begin at the first \`##\`.`,
  );
};

const ruleSameFileLinks: PlaybookRule = ({ playbook, graph, report }) => {
  const ids = [...graph.byId.keys()];
  const missing = (id: string) =>
    `no node with that id.${didYouMean(id, ids, (s) => `#${s}`)} Node ids are the slug of the \`##\` heading: lower-case, punctuation removed, spaces turned into \`-\`.`;
  for (const node of playbook.nodes) {
    for (const choice of node.choices) {
      if (!isSameFile(playbook, choice.target)) continue;
      const id = choice.target.node ?? playbook.start;
      if (!graph.byId.has(id)) report('link/missing-node', 'error', choice, `Link to #${id}: ${missing(id)}`);
    }
    if (node.check) {
      for (const key of ['pass', 'fail'] as const) {
        const id = node.check[key];
        if (id !== '' && !graph.byId.has(id)) report('link/missing-node', 'error', { line: node.check.line }, `Check \`${key}: '#${id}'\`: ${missing(id)}`);
      }
    }
    for (const action of node.actions ?? []) {
      for (const [key, id] of Object.entries(action.targets)) {
        if (id !== '' && !graph.byId.has(id)) report('link/missing-node', 'error', { line: action.line }, `Action \`${action.key}\` \`${key}: '#${id}'\`: ${missing(id)}`);
      }
    }
  }
};

const ruleDeadEnds: PlaybookRule = ({ playbook, report }) => {
  for (const node of playbook.nodes) {
    if (node.outcome || node.choices.length > 0 || node.check || steeringAction(node)) continue;
    report(
      'node/dead-end',
      'error',
      { line: node.line },
      `Node \`${node.heading}\` leads nowhere: the run would stop here with no outcome. Add a choice list (\`- [Answer](#next-node)\`), a \`check\` block or an \`action\` with \`done\`/\`failed\` targets, or make it an outcome by starting the heading with \`Resolved:\`, \`Workaround:\`, \`Works as designed:\`, \`Feature request:\`, \`Bug:\` or \`Escalate:\`.`,
    );
  }
};

const ruleOutcomeChoices: PlaybookRule = ({ playbook, report }) => {
  for (const node of playbook.nodes) {
    if (!node.outcome || node.choices.length === 0) continue;
    const first = node.choices[0] as PlaybookNode['choices'][number];
    report(
      'outcome/has-choices',
      'error',
      first,
      `\`${node.heading}\` is an outcome, which ends the run, so its choices would never be offered. Remove the choice list, or drop the \`${node.heading.split(':')[0]}:\` prefix if the run should go on from here.`,
    );
  }
};

const ruleCheckWithChoices: PlaybookRule = ({ playbook, report }) => {
  for (const node of playbook.nodes) {
    if (!node.check || node.choices.length === 0) continue;
    report(
      'check/with-choices',
      'warning',
      node.choices[0] as PlaybookNode['choices'][number],
      `Node \`${node.heading}\` has a \`check\` block, so it moves on by the check's result and this choice list is never shown. Remove the list, or move the check to its own node.`,
    );
  }
};

/**
 * Action blocks: one key once per node and never shared with an ask, env field or choice node
 * (`--answer key=done` must mean one thing); at most one action per node moves the run on, it is
 * the node's last action, and such a node has no choice list or check to compete with it.
 */
const ruleActions: PlaybookRule = ({ playbook, graph, report }) => {
  const envKeys = new Set(playbook.env.map((f) => f.key));
  const askKeys = new Set(playbook.nodes.flatMap((n) => n.asks.map((a) => a.key)));
  for (const node of playbook.nodes) {
    const actions = node.actions ?? [];
    const seen = new Map<string, number>();
    for (const action of actions) {
      const first = seen.get(action.key);
      if (first !== undefined) {
        report('action/duplicate-key', 'error', { line: action.line }, `Node \`${node.heading}\` already has action \`${action.key}\` (line ${first}); the second result would overwrite the first. Rename one key, or merge the two actions.`);
      } else seen.set(action.key, action.line);
      // The instruction is shown to the agent and printed in reports exactly as written.
      if (/\{\{|\{%/.test(action.do) || (action.reference !== undefined && /\{\{|\{%/.test(action.reference))) {
        report(
          'action/template-in-text',
          'error',
          { line: action.line },
          `Action \`${action.key}\` has a template (\`{{ … }}\` or \`{% … %}\`) in its \`do\` or \`reference\` text, which is shown to the agent and printed in the report as written. Write it as plain text (e.g. "the card the customer named"); the answers it would show are already in the report.`,
        );
      }
      const clash = envKeys.has(action.key)
        ? 'an env field'
        : askKeys.has(action.key)
          ? 'an ask'
          : graph.byId.get(action.key)?.choices.length
            ? 'a node with choices'
            : undefined;
      if (clash) {
        report(
          'action/key-collision',
          'error',
          { line: action.line },
          `Action key \`${action.key}\` is also the key of ${clash}, so \`--answer ${action.key}=...\` and \`actions.${action.key}\`/\`answers.${action.key}\` would be confused. Rename the action key.`,
        );
      }
    }
    const steering = actions.filter(hasActionTargets);
    if (steering.length > 1) {
      const second = steering[1]!;
      report('action/multiple-targets', 'error', { line: second.line }, `Node \`${node.heading}\` already moves on by action \`${steering[0]!.key}\` (line ${steering[0]!.line}); a node moves on by one result. Put this action in its own node, or remove its targets.`);
    } else if (steering.length === 1 && actions[actions.length - 1] !== steering[0]) {
      report(
        'action/targets-not-last',
        'error',
        { line: steering[0]!.line },
        `Action \`${steering[0]!.key}\` moves the run on by its result, so the actions after it in \`${node.heading}\` would never be asked. Make it the node's last action.`,
      );
    }
    const mover = steering[0];
    if (mover && node.choices.length > 0) {
      report(
        'action/with-choices',
        'error',
        node.choices[0] as PlaybookNode['choices'][number],
        `Node \`${node.heading}\` moves on by the result of action \`${mover.key}\` (line ${mover.line}), so this choice list is never shown. Remove the list, or remove the action's \`done\`/\`failed\` targets so the result is only recorded and the choices follow.`,
      );
    }
    if (mover && node.check) {
      report(
        'action/with-check',
        'error',
        { line: mover.line },
        `Node \`${node.heading}\` has a \`check\` block (line ${node.check.line}) and an action with targets; a node moves on by one of them. Move the action or the check to its own node.`,
      );
    }
  }
};

const WHOLE_PLACEHOLDER = /^\{\{\s*(answers|env)\.[^\s{}|.[\]]+\s*\}\}$/;
const CONFIG_PLACEHOLDER = /^\{\{\s*config\.[A-Za-z0-9_.-]+\s*\}\}$/;

const ruleCheckPlaceholders: PlaybookRule = ({ playbook, report }) => {
  for (const node of playbook.nodes) {
    const probe = node.check?.probe;
    for (const arg of probe ? probe.targets : (node.check?.run ?? [])) {
      if (!arg.includes('{{') && !arg.includes('{%')) continue;
      if (WHOLE_PLACEHOLDER.test(arg)) continue;
      // Probe targets may also name a setting: `{{config.service.url}}`.
      if (probe && CONFIG_PLACEHOLDER.test(arg)) continue;
      const mixed = arg.replace(/\{\{[^}]*\}\}/g, '').trim() !== '' || arg.includes('{%');
      report(
        'check/placeholder',
        'error',
        { line: (node.check as NonNullable<PlaybookNode['check']>).line },
        probe
          ? `\`probe\` target ${JSON.stringify(arg)}: a target is written as is, or is one whole \`{{answers.<key>}}\`, \`{{env.<key>}}\` or \`{{config.<key>}}\` placeholder (give several targets to fall back: the first non-empty one is probed).`
          : mixed
          ? `\`run\` element ${JSON.stringify(arg)} mixes a placeholder with other text. Commands never go through a shell, so a placeholder must be a whole element: split it, e.g. \`[grep, -e, '{{answers.pattern}}', app.log]\`.`
          : `\`run\` element ${JSON.stringify(arg)}: only \`{{answers.<key>}}\` and \`{{env.<key>}}\` can be substituted into a command (no filters or other variables).`,
      );
    }
  }
};

/**
 * A placeholder whose value starts with `-` would be an option of the command, so run refuses
 * such values; warn where the playbook neither ends the options with `--` before the placeholder
 * nor allows options from that key (every command here could take options).
 */
const ruleCheckOptionPlaceholders: PlaybookRule = ({ playbook, report }) => {
  for (const node of playbook.nodes) {
    const check = node.check;
    if (!check) continue;
    const endOfOptions = check.run.indexOf('--');
    const allowed = check.allowOptions ?? [];
    const keys = new Set<string>();
    check.run.forEach((arg, index) => {
      const match = /^\{\{\s*(answers|env)\.([^\s{}|.[\]]+)\s*\}\}$/.exec(arg.trim());
      if (!match) return;
      const [, scope, key] = match as unknown as [string, string, string];
      keys.add(key).add(`${scope}.${key}`);
      if ((endOfOptions !== -1 && endOfOptions < index) || allowed.includes(key) || allowed.includes(`${scope}.${key}`)) return;
      report(
        'check/placeholder-option',
        'warning',
        { line: check.line },
        `\`run\` element ${JSON.stringify(arg)} is not preceded by \`--\`: a value starting with "-" would be an option of \`${check.run[0] ?? ''}\`, so \`run\` refuses such values. Put \`--\` before it if the command accepts it (e.g. \`[grep, -e, --, '{{${scope}.${key}}}', app.log]\`), or list \`${key}\` under \`allow-options\` if it may be an option.`,
      );
    });
    for (const key of allowed) {
      if (!keys.has(key)) report('check/placeholder-option', 'warning', { line: check.line }, `\`allow-options\` lists \`${key}\`, which is not a placeholder in \`run\`. Remove it, or fix the key.`);
    }
  }
};

const ruleAsks: PlaybookRule = ({ playbook, report }) => {
  for (const node of playbook.nodes) {
    const seen = new Map<string, number>();
    for (const ask of node.asks) {
      if ((ask.type === 'select' || ask.type === 'multiselect') && (ask.choices ?? []).length === 0) {
        report(
          'ask/select-without-choices',
          'error',
          { line: ask.line },
          `Ask \`${ask.key}\` is \`type: ${ask.type}\` but has no \`choices\`. Add them, e.g. \`choices: [Chrome, Firefox, Safari]\`, or use \`type: text\`.`,
        );
      }
      const first = seen.get(ask.key);
      if (first !== undefined) {
        report('ask/duplicate-key', 'error', { line: ask.line }, `Node \`${node.heading}\` already asks \`${ask.key}\` (line ${first}); the second answer would overwrite the first. Rename one key.`);
      } else seen.set(ask.key, ask.line);
    }
  }
};

/** `--answer key=value` takes ask keys, env keys and choice-node ids: one name must mean one thing. */
const ruleAnswerKeyCollisions: PlaybookRule = ({ playbook, graph, report }) => {
  const envKeys = new Set(playbook.env.map((f) => f.key));
  for (const node of playbook.nodes) {
    for (const ask of node.asks) {
      const clash = envKeys.has(ask.key) ? 'an env field' : graph.byId.get(ask.key)?.choices.length ? 'a node with choices' : undefined;
      if (!clash) continue;
      report(
        'ask/key-collision',
        'warning',
        { line: ask.line },
        `Ask key \`${ask.key}\` is also the key of ${clash}, so \`--answer ${ask.key}=...\` is ambiguous. Rename the ask key.`,
      );
    }
  }
};

/**
 * A key asked by two nodes on one path: the agent types the same thing twice and the later
 * answer silently replaces the earlier one. A retry loop (each node reachable from the other)
 * asks again on purpose and is left alone.
 */
const ruleAskedTwiceOnOnePath: PlaybookRule = ({ playbook, graph, report }) => {
  const askers = new Map<string, { node: PlaybookNode; line: number }[]>();
  for (const node of playbook.nodes) for (const ask of node.asks) askers.set(ask.key, [...(askers.get(ask.key) ?? []), { node, line: ask.line }]);
  for (const [key, nodes] of askers) {
    if (nodes.length < 2) continue;
    for (const later of nodes) {
      const downstreamOfLater = reach([later.node.id], graph.next);
      const earlier = nodes.find((n) => n.node !== later.node && reach(graph.next.get(n.node.id) ?? [], graph.next).has(later.node.id) && !downstreamOfLater.has(n.node.id));
      if (!earlier) continue;
      report(
        'ask/asked-twice',
        'warning',
        { line: later.line },
        `\`${key}\` is asked again here, but \`${earlier.node.heading}\` (line ${earlier.line}) already asked it on the way: the agent types it twice and this answer replaces the first. Ask it once, or give this question its own key.`,
      );
    }
  }
};

const rulePatterns: PlaybookRule = ({ playbook, report, options }) => {
  const patterns: { source: string; line: number; what: string }[] = [];
  for (const field of playbook.env) {
    if (field.source.kind === 'ask' && field.source.pattern !== undefined) patterns.push({ source: field.source.pattern, line: field.line, what: `env field \`${field.key}\` pattern` });
  }
  for (const node of playbook.nodes) {
    for (const ask of node.asks) if (ask.pattern !== undefined) patterns.push({ source: ask.pattern, line: ask.line, what: `ask \`${ask.key}\` pattern` });
    if (node.check?.expect.stdout !== undefined) patterns.push({ source: node.check.expect.stdout, line: node.check.line, what: '`expect.stdout`' });
    if (node.check?.expect.status !== undefined) patterns.push({ source: node.check.expect.status, line: node.check.line, what: '`expect.status`' });
    if (node.check?.expect.issuer !== undefined) patterns.push({ source: node.check.expect.issuer, line: node.check.line, what: '`expect.issuer`' });
  }
  for (const { source, line, what } of patterns) {
    try {
      new RegExp(source);
    } catch (error) {
      const reason = (error as Error).message.replace(/^Invalid regular expression: /, '');
      report(
        'pattern/invalid-regex',
        'error',
        { line },
        `The ${what} is not a valid regular expression (${reason}). In YAML, write it in single quotes, e.g. '^\\d+$', so backslashes stay as written.`,
      );
      continue;
    }
    if (options.regexSafety !== false && regexComplexity(source) === 'exponential') {
      report(
        'pattern/catastrophic',
        'error',
        { line },
        `The ${what} ${JSON.stringify(source)} can take exponential time on some inputs (nested or overlapping repetition, like \`(a+)+\` or \`(\\w+\\s?)*\`), which would freeze triage. Remove the nesting, e.g. \`^\\w+(\\s\\w+)*$\` instead of \`^(\\w+\\s?)*$\`.`,
      );
    }
  }
};

const ruleTemplateSyntaxAndRoots: PlaybookRule = ({ playbook, report }) => {
  for (const use of templateUses(playbook)) {
    if (!use.analysis.ok) {
      report('template/invalid', 'error', use.position(use.analysis.line, use.analysis.column), `The ${use.what} is not a valid Liquid template: ${use.analysis.message}. Check that every \`{{\` has its \`}}\` and every \`{% if %}\` its \`{% endif %}\`.`);
      continue;
    }
    for (const variable of use.analysis.variables) {
      const problem = fixedRootProblem(variable);
      if (problem) report('template/undefined-variable', 'error', use.position(variable.line, variable.column), `In the ${use.what}: ${problem}`);
    }
  }
};

const ruleCyclesWithoutExit: PlaybookRule = ({ playbook, graph, report }) => {
  const exits = playbook.nodes
    .filter((n) => n.outcome || graph.leavesFile.has(n.id) || graph.brokenLinks.has(n.id) || (n.choices.length === 0 && !n.check && !steeringAction(n)))
    .map((n) => n.id);
  const canExit = reach(exits, graph.previous);
  const trapped = playbook.nodes.filter((n) => !canExit.has(n.id)).map((n) => n.id);
  if (trapped.length === 0) return;
  for (const component of stronglyConnected(trapped, graph.next)) {
    const first = graph.byId.get(component[0] as string) as PlaybookNode;
    const names = component.map((id) => `#${id}`).join(', ');
    report(
      'flow/cycle-no-exit',
      'error',
      { line: first.line },
      `Once a run reaches ${component.length === 1 ? `#${first.id}` : `these nodes (${names})`}, it can only loop: no outcome is reachable from ${component.length === 1 ? 'it' : 'them'}. Add a choice or check target that leads to an outcome (e.g. \`- [Still failing](#escalate-...)\`).`,
    );
  }
};

/**
 * Cyclic strongly connected components among `ids`, each sorted by node order, in node order.
 * Tarjan's algorithm with an explicit stack: a playbook is any size, and a recursive walk of a
 * 100,000-node loop would overflow the call stack.
 */
function stronglyConnected(ids: readonly string[], next: ReadonlyMap<string, readonly string[]>): string[][] {
  const inSet = new Set(ids);
  const order = new Map(ids.map((id, i) => [id, i]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const successors = (id: string): string[] => (next.get(id) ?? []).filter((n) => inSet.has(n));
  const enter = (id: string, frames: { id: string; children: string[]; at: number }[]): void => {
    index.set(id, counter);
    low.set(id, counter);
    counter += 1;
    stack.push(id);
    onStack.add(id);
    frames.push({ id, children: successors(id), at: 0 });
  };
  for (const root of ids) {
    if (index.has(root)) continue;
    const frames: { id: string; children: string[]; at: number }[] = [];
    enter(root, frames);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.at < frame.children.length) {
        const n = frame.children[frame.at++]!;
        if (!index.has(n)) enter(n, frames);
        else if (onStack.has(n)) low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(n) as number));
        continue;
      }
      frames.pop();
      const id = frame.id;
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(id) as number));
      if (low.get(id) !== index.get(id)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== id);
      const cyclic = component.length > 1 || (next.get(id) ?? []).includes(id);
      if (cyclic) components.push(component.sort((a, b) => (order.get(a) as number) - (order.get(b) as number)));
    }
  }
  return components.sort((a, b) => (order.get(a[0] as string) as number) - (order.get(b[0] as string) as number));
}

export const PLAYBOOK_RULES: readonly PlaybookRule[] = [
  ruleNodes,
  ruleStart,
  ruleSameFileLinks,
  ruleDeadEnds,
  ruleOutcomeChoices,
  ruleCheckWithChoices,
  ruleCheckPlaceholders,
  ruleCheckOptionPlaceholders,
  ruleAsks,
  ruleActions,
  ruleAnswerKeyCollisions,
  ruleAskedTwiceOnOnePath,
  rulePatterns,
  ruleTemplateSyntaxAndRoots,
  ruleCyclesWithoutExit,
];

// ---------------------------------------------------------------------------------------------
// Templates

interface TemplateUse {
  readonly node: PlaybookNode;
  /** e.g. `reply block of "Resolved: Filter was hiding rows"`. */
  readonly what: string;
  readonly analysis: ReturnType<typeof analyzeTemplate>;
  /** File position of a 1-based line/column inside the template. */
  position(line: number, column: number): { line: number; column: number };
}

const templateCache = new WeakMap<Playbook, readonly TemplateUse[]>();

/** Reply blocks, report title/expected/actual and check `run` placeholders, analysed once. */
function templateUses(playbook: Playbook): readonly TemplateUse[] {
  const cached = templateCache.get(playbook);
  if (cached) return cached;
  const uses: TemplateUse[] = [];
  for (const node of playbook.nodes) {
    if (node.reply) {
      const start = node.reply.line + 1;
      uses.push({
        node,
        what: `\`reply\` block of \`${node.heading}\``,
        analysis: analyzeTemplate(node.reply.template),
        position: (line, column) => ({ line: start + line - 1, column }),
      });
    }
    if (node.report) {
      const at = { line: node.report.line, column: 1 };
      for (const field of ['title', 'expected', 'actual'] as const) {
        const source = node.report[field];
        if (source !== undefined) uses.push({ node, what: `report \`${field}\` of \`${node.heading}\``, analysis: analyzeTemplate(source), position: () => at });
      }
    }
    if (node.repro) {
      const at = { line: node.repro.line, column: 1 };
      uses.push({ node, what: `\`repro\` block of \`${node.heading}\``, analysis: analyzeTemplate(node.repro.template), position: () => at });
    }
    if (node.check) {
      const at = { line: node.check.line, column: 1 };
      const placeholders = (node.check.probe ? node.check.probe.targets : node.check.run).filter((arg) => WHOLE_PLACEHOLDER.test(arg));
      if (placeholders.length > 0) uses.push({ node, what: node.check.probe ? `\`probe\` target of \`${node.heading}\`` : `\`check\` command of \`${node.heading}\``, analysis: analyzeTemplate(placeholders.join(' ')), position: () => at });
    }
  }
  templateCache.set(playbook, uses);
  return uses;
}

const FIXED_ROOTS = Object.keys(TEMPLATE_OBJECTS);
const ALL_ROOTS = [...FIXED_ROOTS, ...OPEN_TEMPLATE_OBJECTS];

function fixedRootProblem(variable: TemplateVariable): string | undefined {
  const [root, property] = variable.path;
  if (typeof root !== 'string') return undefined;
  if ((OPEN_TEMPLATE_OBJECTS as readonly string[]).includes(root)) return undefined;
  // Own keys only: `constructor` or `__proto__` as a root must not find Object.prototype's.
  const properties = Object.hasOwn(TEMPLATE_OBJECTS, root) ? TEMPLATE_OBJECTS[root] : undefined;
  if (!properties) {
    const everything = [...FIXED_ROOTS.flatMap((r) => (Object.hasOwn(TEMPLATE_OBJECTS, r) ? TEMPLATE_OBJECTS[r]! : []).map((p) => `${r}.${p}`)), 'answers.<key>', 'env.<key>', 'actions.<key>.status'];
    return `\`${variable.text}\` is not a template variable.${didYouMean(root, ALL_ROOTS)} Available: ${everything.join(', ')}.`;
  }
  if (property === undefined || typeof property !== 'string' || properties.includes(property)) return undefined;
  return `\`${root}\` has no \`${property}\`.${didYouMean(property, properties, (s) => `\`${root}.${s}\``)} It has ${properties.map((p) => `\`${root}.${p}\``).join(', ')}.`;
}

type KeyKind = 'answers' | 'env' | 'actions';
type DefinedKeys = Record<KeyKind, Set<string>>;
const definedKeysCache = new WeakMap<Playbook, DefinedKeys>();

/** Keys a playbook defines: answers (ask keys, captures), env keys (with user-agent parts), actions. */
function definedKeys(playbook: Playbook): DefinedKeys {
  const cached = definedKeysCache.get(playbook);
  if (cached) return cached;
  const answers = new Set<string>();
  const actions = new Set<string>();
  for (const node of playbook.nodes) {
    for (const ask of node.asks) answers.add(ask.key);
    if (node.check?.capture) answers.add(node.check.capture);
    for (const action of node.actions ?? []) actions.add(action.key);
  }
  const env = new Set<string>();
  for (const field of playbook.env) {
    env.add(field.key);
    if (field.source.kind === 'ask' && field.source.parse === 'user-agent') {
      env.add(`${field.key}_os`);
      env.add(`${field.key}_device`);
    }
  }
  const keys = { answers, env, actions };
  definedKeysCache.set(playbook, keys);
  return keys;
}

/**
 * Answer and action keys definable on some path to `nodeId`: asks, captures and actions on nodes
 * that reach it (the node itself included: its asks and actions come before its outcome).
 */
function keysBefore(graph: PlaybookGraph, nodeId: string): { answers: Set<string>; actions: Set<string> } {
  const answers = new Set<string>();
  const actions = new Set<string>();
  for (const id of reach([nodeId], graph.previous)) {
    const node = graph.byId.get(id);
    for (const ask of node?.asks ?? []) answers.add(ask.key);
    if (node?.check?.capture) answers.add(node.check.capture);
    for (const action of node?.actions ?? []) actions.add(action.key);
  }
  return { answers, actions };
}

// ---------------------------------------------------------------------------------------------
// Regex safety

type Complexity = 'safe' | 'exponential' | 'polynomial' | 'unknown';
const complexityCache = new Map<string, Complexity>();
let checkRegex: ((source: string, flags: string, params?: { timeout?: number }) => RecheckDiagnostics) | undefined;

/**
 * recheck's analysis of a pattern, cached. Loaded on first use (it is large) from its pure-JS
 * build, which runs in this thread; the Node entry would spawn a worker or a native binary. The
 * build copies that file to dist/vendor/recheck.cjs (recheck itself is a development dependency);
 * the sources, run directly, load it from the package.
 */
function loadRecheck(): typeof import('recheck') {
  const load = createRequire(import.meta.url);
  try {
    return load('../vendor/recheck.cjs') as typeof import('recheck');
  } catch {
    return load('recheck/lib/browser.js') as typeof import('recheck');
  }
}

export function regexComplexity(source: string): Complexity {
  const cached = complexityCache.get(source);
  if (cached) return cached;
  let result: Complexity = 'unknown';
  try {
    checkRegex ??= loadRecheck().checkSync;
    const diagnostics = checkRegex(source, '', { timeout: 2000 });
    if (diagnostics.status === 'safe') result = 'safe';
    else if (diagnostics.status === 'vulnerable') result = diagnostics.complexity.type;
  } catch {
    result = 'unknown';
  }
  complexityCache.set(source, result);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Links between playbooks

export type LinkResolution =
  | { readonly kind: 'ok'; readonly playbook: Playbook; readonly nodeId: string }
  | { readonly kind: 'missing-node'; readonly playbook: Playbook; readonly nodeId: string }
  | { readonly kind: 'missing-playbook'; readonly path: string }
  | { readonly kind: 'outside'; readonly path: string };

export interface LinkIndex {
  /** Where a link written in `from` leads. Same-file links resolve to `from`. */
  resolve(from: Playbook, target: LinkTarget): LinkResolution;
  /** Resolved cross-file links: from playbook → (target playbook, entry node). */
  readonly crossLinks: readonly { readonly from: Playbook; readonly node: PlaybookNode; readonly choice: PlaybookNode['choices'][number]; readonly to: LinkResolution }[];
}

function indexLinks(playbooks: readonly Playbook[], dirs: readonly string[]): LinkIndex {
  // Same resolution as the library (library.ts): by path, then by id from the file name; an id
  // maps to its last (overriding) playbook.
  const byId = new Map<string, Playbook>();
  for (const playbook of playbooks) byId.set(playbook.id, playbook);
  const idByPath = new Map<string, string>();
  for (const playbook of playbooks) idByPath.set(resolve(playbook.path), playbook.id);

  const resolveLink = (from: Playbook, target: LinkTarget): LinkResolution => {
    let playbook: Playbook | undefined;
    if (target.file === undefined) playbook = from;
    else {
      const path = resolve(dirname(from.path), decodeLinkPath(target.file));
      if (path === resolve(from.path)) playbook = from;
      else {
        if (!dirs.some((dir) => isInsideDirectory(dir, path))) return { kind: 'outside', path };
        const id = idByPath.get(path);
        playbook = id !== undefined ? byId.get(id) : byId.get(basename(path).replace(/\.md$/i, ''));
        if (!playbook) return { kind: 'missing-playbook', path };
      }
    }
    const nodeId = target.node !== undefined && target.node !== '' ? target.node : playbook.start;
    return playbook.nodes.some((n) => n.id === nodeId) ? { kind: 'ok', playbook, nodeId } : { kind: 'missing-node', playbook, nodeId };
  };

  const crossLinks: LinkIndex['crossLinks'][number][] = [];
  for (const from of playbooks) {
    for (const node of from.nodes) {
      for (const choice of node.choices) {
        if (choice.target.file === undefined || isSameFile(from, choice.target)) continue;
        crossLinks.push({ from, node, choice, to: resolveLink(from, choice.target) });
      }
    }
  }
  return { resolve: resolveLink, crossLinks };
}



// ---------------------------------------------------------------------------------------------
// Library rules

const ruleIds: LibraryRule = ({ playbooks, dirs, report }) => {
  const byId = new Map<string, Playbook[]>();
  for (const playbook of playbooks) byId.set(playbook.id, [...(byId.get(playbook.id) ?? []), playbook]);
  const rank = (p: Playbook) => {
    const index = dirs.indexOf(resolve(p.dir));
    return index === -1 ? dirs.length : index;
  };
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    // Override order: directory order, then the order given.
    const ordered = group.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map((x) => x.p);
    ordered.forEach((playbook, i) => {
      const dir = resolve(playbook.dir);
      const twin = ordered.slice(0, i).find((other) => resolve(other.dir) === dir);
      if (twin) {
        report(playbook, 'id/duplicate', 'error', { line: 1 }, `Playbook id \`${id}\` is already used by ${twin.path}, in the same playbook directory. Ids must be unique: change \`id:\` in one of the two files.`);
        return;
      }
      const winner = ordered.slice(i + 1).filter((other) => resolve(other.dir) !== dir).pop();
      if (winner) {
        report(
          playbook,
          'id/overridden',
          'warning',
          { line: 1 },
          `Playbook id \`${id}\` is also used by ${winner.path}, in a later playbook directory, which overrides this file. If both should be available, give one a different \`id\`.`,
        );
      }
    });
  }
};

const ruleCrossLinks: LibraryRule = ({ fileNames: files, links, report }) => {
  for (const { from, choice, to } of links.crossLinks) {
    const written = `${choice.target.file ?? ''}${choice.target.node ? `#${choice.target.node}` : ''}`;
    if (to.kind === 'outside') {
      report(from, 'link/outside-directories', 'error', choice, `Link to ${written} points outside every playbook directory (${to.path}). Link only to playbooks in a playbook directory, e.g. \`refund-request.md\`.`);
    } else if (to.kind === 'missing-playbook') {
      const file = basename(to.path);
      report(
        from,
        'link/missing-playbook',
        'error',
        choice,
        `Link to ${written}: no playbook ${file} is loaded (looked for ${to.path}, and for a playbook with id \`${file.replace(/\.md$/i, '')}\`).${didYouMean(file, files)} Fix the file name, or add that playbook.`,
      );
    } else if (to.kind === 'missing-node') {
      const ids = to.playbook.nodes.map((n) => n.id);
      report(
        from,
        'link/missing-node',
        'error',
        choice,
        `Link to ${written}: playbook \`${to.playbook.id}\` has no node \`${to.nodeId}\`.${didYouMean(to.nodeId, ids, (s) => `#${s}`)} Node ids are the slug of the \`##\` heading.`,
      );
    }
  }
};

interface LinkedFrom {
  /** Nodes other playbooks link to, by target playbook. */
  readonly entries: ReadonlyMap<Playbook, ReadonlySet<string>>;
  /** Playbooks with a link into the key, by target playbook. */
  readonly sources: ReadonlyMap<Playbook, ReadonlySet<Playbook>>;
}
const linkedFromCache = new WeakMap<LinkIndex, LinkedFrom>();

function linkedFrom(ctx: LibraryRuleContext): LinkedFrom {
  const cached = linkedFromCache.get(ctx.links);
  if (cached) return cached;
  const sources = new Map<Playbook, Set<Playbook>>();
  const entries = new Map<Playbook, Set<string>>();
  for (const link of ctx.links.crossLinks) {
    if (link.to.kind !== 'ok' || link.to.playbook === link.from) continue;
    const target = link.to.playbook;
    if (!sources.has(target)) sources.set(target, new Set());
    sources.get(target)?.add(link.from);
    if (!entries.has(target)) entries.set(target, new Set());
    entries.get(target)?.add(link.to.nodeId);
  }
  const result = { entries, sources };
  linkedFromCache.set(ctx.links, result);
  return result;
}

/**
 * Whether a playbook that links into `playbook`, directly or through others, defines the key.
 * Searched only for variables the playbook does not define itself, stopping at the first hit.
 */
function definedUpstream(linked: LinkedFrom, playbook: Playbook, kind: KeyKind, key: string): boolean {
  const seen = new Set<Playbook>([playbook]);
  const queue = [...(linked.sources.get(playbook) ?? [])];
  while (queue.length > 0) {
    const source = queue.shift() as Playbook;
    if (seen.has(source)) continue;
    seen.add(source);
    if (definedKeys(source)[kind].has(key)) return true;
    for (const next of linked.sources.get(source) ?? []) if (!seen.has(next)) queue.push(next);
  }
  return false;
}

/** Keys of `kind` defined by the playbooks that link directly into `playbook` (for did-you-mean). */
function keysOfSources(linked: LinkedFrom, playbook: Playbook, kind: KeyKind): string[] {
  const keys = new Set<string>();
  for (const source of linked.sources.get(playbook) ?? []) for (const k of definedKeys(source)[kind]) keys.add(k);
  return [...keys];
}

const ruleUnreachable: LibraryRule = (ctx) => {
  const linked = linkedFrom(ctx);
  for (const playbook of ctx.playbooks) {
    const graph = ctx.graph(playbook);
    const starts = [...(graph.byId.has(playbook.start) ? [playbook.start] : []), ...(linked.entries.get(playbook) ?? [])];
    if (starts.length === 0) continue;
    const reached = reach(starts, graph.next);
    for (const node of playbook.nodes) {
      if (reached.has(node.id)) continue;
      ctx.report(
        playbook,
        'node/unreachable',
        'warning',
        { line: node.line },
        `No path leads to \`${node.heading}\` from the start (#${playbook.start}). Link to it from a choice list (\`- [Answer](#${node.id})\`) or a check's \`pass\`/\`fail\`, or remove it.`,
      );
    }
  }
};

const ruleOpenTemplateVariables: LibraryRule = (ctx) => {
  const linked = linkedFrom(ctx);
  for (const playbook of ctx.playbooks) {
    const uses = templateUses(playbook);
    if (uses.length === 0) continue;
    const graph = ctx.graph(playbook);
    const own = definedKeys(playbook);
    const upstream = new Map<string, boolean>();
    const isUpstream = (kind: KeyKind, key: string) => {
      const id = `${kind}.${key}`;
      let found = upstream.get(id);
      if (found === undefined) {
        found = definedUpstream(linked, playbook, kind, key);
        upstream.set(id, found);
      }
      return found;
    };
    const sourceKeysByKind = new Map<KeyKind, string[]>();
    const sourceKeys = (kind: KeyKind) => {
      let keys = sourceKeysByKind.get(kind);
      if (!keys) {
        keys = keysOfSources(linked, playbook, kind);
        sourceKeysByKind.set(kind, keys);
      }
      return keys;
    };
    const beforeNode = new Map<string, ReturnType<typeof keysBefore>>();
    const before = (node: PlaybookNode) => {
      let keys = beforeNode.get(node.id);
      if (!keys) {
        keys = keysBefore(graph, node.id);
        beforeNode.set(node.id, keys);
      }
      return keys;
    };
    for (const use of uses) {
      if (!use.analysis.ok) continue;
      for (const variable of use.analysis.variables) {
        const [root, key, property] = variable.path;
        if (typeof key !== 'string' && typeof key !== 'number') continue;
        const name = String(key);
        const at = use.position(variable.line, variable.column);
        if (root === 'env') {
          if (own.env.has(name) || isUpstream('env', name)) continue;
          const candidates = [...own.env, ...sourceKeys('env')];
          ctx.report(
            playbook,
            'template/undefined-variable',
            'error',
            at,
            `In the ${use.what}: \`${variable.text}\` is never set: no env field has \`key: ${name}\` in this playbook's front matter or in a playbook that links to it.${didYouMean(name, candidates, (s) => `\`env.${s}\``)} Add the env field, or fix the name.`,
          );
        } else if (root === 'actions') {
          if (typeof property === 'string' && !(ACTION_TEMPLATE_PROPERTIES as readonly string[]).includes(property)) {
            ctx.report(
              playbook,
              'template/undefined-variable',
              'error',
              at,
              `In the ${use.what}: \`${variable.text}\`: an action has no \`${property}\`.${didYouMean(property, ACTION_TEMPLATE_PROPERTIES, (s) => `\`actions.${name}.${s}\``)} It has ${ACTION_TEMPLATE_PROPERTIES.map((p) => `\`actions.${name}.${p}\``).join(', ')}.`,
            );
            continue;
          }
          if (before(use.node).actions.has(name) || isUpstream('actions', name)) continue;
          const candidates = [...own.actions, ...sourceKeys('actions')];
          ctx.report(
            playbook,
            'template/undefined-variable',
            'error',
            at,
            own.actions.has(name)
              ? `In the ${use.what}: \`${variable.text}\`: action \`${name}\` is only on nodes that cannot lead here, so it is never confirmed at this point. Put the action on a node before \`${use.node.heading}\`.`
              : `In the ${use.what}: \`${variable.text}\` is never set: no \`action\` block with \`key: ${name}\` comes before this node.${didYouMean(name, candidates, (s) => `\`actions.${s}\``)}`,
          );
        } else if (root === 'answers') {
          if (before(use.node).answers.has(name) || isUpstream('answers', name)) continue;
          const candidates = [...own.answers, ...sourceKeys('answers')];
          ctx.report(
            playbook,
            'template/undefined-variable',
            'error',
            at,
            own.answers.has(name)
              ? `In the ${use.what}: \`${variable.text}\` is asked only on nodes that cannot lead here, so it is always empty at this point. Ask it on a node before \`${use.node.heading}\`.`
              : `In the ${use.what}: \`${variable.text}\` is never set: no \`ask\` block with \`key: ${name}\` and no check \`capture: ${name}\` comes before this node.${didYouMean(name, candidates, (s) => `\`answers.${s}\``)}`,
          );
        }
      }
    }
  }
};

/**
 * A loop that runs through other playbooks (a.md → b.md → a.md) with no outcome on the way: each
 * file alone looks fine (a link to another playbook counts as a way out), so only the library
 * can see it. Reported once per playbook, at its first such node; a trap inside one file is
 * `flow/cycle-no-exit`'s.
 */
const ruleCrossPlaybookLoops: LibraryRule = ({ playbooks, links, graph, report }) => {
  const key = (playbook: Playbook, nodeId: string) => `${playbook.path}#${nodeId}`;
  const previous = new Map<string, string[]>();
  const exits: string[] = [];
  const addEdge = (from: string, to: string) => {
    const list = previous.get(to);
    if (list) list.push(from);
    else previous.set(to, [from]);
  };
  for (const playbook of playbooks) {
    const g = graph(playbook);
    for (const node of playbook.nodes) {
      const here = key(playbook, node.id);
      if (node.outcome || g.brokenLinks.has(node.id) || (node.choices.length === 0 && !node.check && !steeringAction(node))) exits.push(here);
      for (const next of g.next.get(node.id) ?? []) addEdge(here, key(playbook, next));
    }
  }
  for (const link of links.crossLinks) {
    const from = key(link.from, link.node.id);
    // A broken link is its own diagnostic; here it counts as a way out.
    if (link.to.kind === 'ok') addEdge(from, key(link.to.playbook, link.to.nodeId));
    else exits.push(from);
  }
  const canExit = reach(exits, previous);
  for (const playbook of playbooks) {
    const g = graph(playbook);
    const localExits = playbook.nodes
      .filter((n) => n.outcome || g.leavesFile.has(n.id) || g.brokenLinks.has(n.id) || (n.choices.length === 0 && !n.check && !steeringAction(n)))
      .map((n) => n.id);
    const canLeave = reach(localExits, g.previous);
    const trapped = playbook.nodes.find((n) => canLeave.has(n.id) && !canExit.has(key(playbook, n.id)));
    if (!trapped) continue;
    report(
      playbook,
      'flow/cycle-no-exit',
      'error',
      { line: trapped.line },
      `Once a run reaches #${trapped.id}, it can only loop through other playbooks and back: no outcome is reachable from it in this playbook or in the ones it links to. Add a choice that leads to an outcome (e.g. \`- [Still failing](#escalate-...)\`).`,
    );
  }
};

export const LIBRARY_RULES: readonly LibraryRule[] = [ruleIds, ruleCrossLinks, ruleUnreachable, ruleOpenTemplateVariables, ruleCrossPlaybookLoops];

function sortByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}

/** `triage lint`: parse and validate playbooks from paths (files or directories) or the workspace. */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Diagnostic, Playbook } from '../core/model.js';
import { parsePlaybook } from '../core/parse-playbook.js';
import { replyCraftConfig, replyCraftRules } from '../core/reply-craft.js';
import { parsePhraseBank, phraseLines, type PhraseBank } from '../core/phrases.js';
import { phraseBankProblems } from '../core/phrase-bank-check.js';
import { bundledTemplatesDir, phraseBankPath } from '../io/phrase-bank.js';
import { validateLibrary, validatePlaybook, type ValidateOptions } from '../core/validate.js';
import { listPlaybookFiles, type FoundFile, type ListingProblem, type PlaybookDirectory } from '../io/discovery.js';
import { loadPlaybookFiles } from '../io/load-playbooks.js';
import { readSettingsFast } from '../io/settings-read.js';
import { resolvePathArgument } from '../io/path-argument.js';
import { workspaceDirectories, type WorkspaceInput } from './workspace.js';

export interface LintResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly fileCount: number;
  readonly errorCount: number;
  /** Problems with the lint settings (`lint.avoid`, `lint.chatWords`), for stderr. */
  readonly notices: readonly string[];
}

export function lintPlaybooks(input: WorkspaceInput, paths: readonly string[]): LintResult {
  const problems: ListingProblem[] = [];
  let directories: PlaybookDirectory[];
  let files: FoundFile[];
  if (paths.length === 0) {
    directories = workspaceDirectories(input);
    files = directories.flatMap((d) => listPlaybookFiles(d, problems));
  } else {
    directories = [];
    files = [];
    for (const given of paths) {
      const { path, isDirectory } = resolvePathArgument(input.cwd, given, {
        code: 'lint/path-missing',
        hint: 'Give playbook files (.md) or directories that hold them; with no paths, lint checks every playbook directory.',
      });
      if (isDirectory) {
        const dir: PlaybookDirectory = { path, origin: 'flag' };
        directories.push(dir);
        files.push(...listPlaybookFiles(dir, problems));
      } else {
        const dir: PlaybookDirectory = { path: dirname(path), origin: 'flag' };
        if (!directories.some((d) => d.path === dir.path)) directories.push(dir);
        files.push({ path, dir });
      }
    }
  }
  const loaded = loadPlaybookFiles(files, directories, problems);
  // Reply-craft rules are configured by settings; read without conf so lint stays fast.
  const { settings, problem } = readSettingsFast(input.env);
  const craft = replyCraftConfig(settings);
  const notices = [...(problem ? [problem] : []), ...craft.problems];
  const options: ValidateOptions = { rules: replyCraftRules(craft.config) };
  const diagnostics = [
    ...loaded.diagnostics,
    ...loaded.parsed.flatMap((p) => validatePlaybook(p, options)),
    // A file whose front matter is broken still gets its body checked, from a stand-in model
    // that never joins the library (its id may be missing or wrong).
    ...partialModels(files, loaded.parsed).flatMap((p) => validatePlaybook(p, options)),
    ...validateLibrary(loaded.parsed, { dirs: directories.map((d) => d.path) }),
  ];
  // The phrase bank wraps every reply: what it says is checked with the workspace.
  if (paths.length === 0) diagnostics.push(...phraseBankDiagnostics());
  const sorted = sortDiagnostics(dedupeDiagnostics(diagnostics));
  return { diagnostics: sorted, fileCount: files.length, errorCount: sorted.filter((d) => d.severity === 'error').length, notices };
}

/**
 * The bundled phrase bank against what no wrapper phrase may say (phrase-bank-check.ts): errors
 * with the file and line. A bank that does not load is left to `run`, which says why.
 */
function phraseBankDiagnostics(): Diagnostic[] {
  let file: string;
  let source: string;
  try {
    file = phraseBankPath(bundledTemplatesDir());
    source = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  let bank: PhraseBank;
  try {
    bank = parsePhraseBank(source, file);
  } catch {
    return [];
  }
  const lineOf = phraseLines(source);
  return phraseBankProblems(bank).map((problem) => ({
    file,
    line: lineOf(problem.part, problem.rule, problem.phrase) ?? 1,
    column: 1,
    severity: 'error' as const,
    rule: problem.id,
    message: `The ${problem.part} phrase ${problem.message}.`,
  }));
}

function partialModels(files: readonly FoundFile[], parsed: readonly Playbook[]): Playbook[] {
  const parsedPaths = new Set(parsed.map((p) => p.path));
  const models: Playbook[] = [];
  for (const file of files) {
    if (parsedPaths.has(file.path)) continue;
    let source: string;
    try {
      source = readFileSync(file.path, 'utf8');
    } catch {
      continue;
    }
    const { playbook } = parsePlaybook(source, { path: file.path, dir: file.dir.path }, { partial: true });
    if (playbook) models.push(playbook);
  }
  return models;
}

function dedupeDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.rule}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}

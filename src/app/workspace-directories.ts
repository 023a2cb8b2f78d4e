/**
 * The playbook directories of this invocation. Apart from workspace.ts (which loads every
 * playbook, and so the parser) so the index, `list` and completion can find directories without
 * pulling markdown-it into their start-up.
 */
import { playbookDirectories, type PlaybookDirectory } from '../io/discovery.js';
import { triagePaths } from '../io/paths.js';

export interface WorkspaceInput {
  readonly packageRoot: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** `--playbooks` values, in order. */
  readonly flagDirs: readonly string[];
  /** The triage version: the playbook index of another version is not used. */
  readonly version?: string;
  /** Told what the user should know about the directories (a playbook in the working directory overriding another), for stderr. */
  readonly notice?: (message: string) => void;
}

export function workspaceDirectories(input: WorkspaceInput): PlaybookDirectory[] {
  return playbookDirectories({
    packageRoot: input.packageRoot,
    configDir: triagePaths(input.env).config,
    cwd: input.cwd,
    flagDirs: input.flagDirs,
    env: input.env,
  });
}

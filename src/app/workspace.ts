/** Finds the playbook directories for this invocation and loads them. */
import { playbookDirectories, type PlaybookDirectory } from '../io/discovery.js';
import { loadPlaybookDirectories, type LoadedPlaybooks } from '../io/load-playbooks.js';
import { triagePaths } from '../io/paths.js';

export interface WorkspaceInput {
  readonly packageRoot: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** `--playbooks` values, in order. */
  readonly flagDirs: readonly string[];
  /** The triage version: the playbook index of another version is not used. */
  readonly version?: string;
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

export function loadWorkspace(input: WorkspaceInput): LoadedPlaybooks {
  return loadPlaybookDirectories(workspaceDirectories(input));
}

/** Finds the playbook directories for this invocation and loads every playbook in them. */
import { loadPlaybookDirectories, type LoadedPlaybooks } from '../io/load-playbooks.js';
import { workspaceDirectories, type WorkspaceInput } from './workspace-directories.js';

export { workspaceDirectories, type WorkspaceInput } from './workspace-directories.js';

/** Every playbook, parsed. Commands that use only some go through the index (indexed-workspace.ts). */
export function loadWorkspace(input: WorkspaceInput): LoadedPlaybooks {
  return loadPlaybookDirectories(workspaceDirectories(input));
}

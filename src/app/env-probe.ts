/**
 * `triage env --probe <playbook>`: a playbook's own `detect` and `run` env fields, captured on
 * this machine under the same trust rule as a run (bundled or trusted directories, or
 * --allow-commands), and redacted like the rest of `triage env`.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createRedactor } from '../core/redact.js';
import { captureEnvFields } from '../io/probes.js';
import { readSettingsFast } from '../io/settings-read.js';
import { findPlaybook } from './playbooks.js';
import { assertCommandsAllowed, createTrustCheck } from './trust.js';
import { loadWorkspace, type WorkspaceInput } from './workspace.js';

export async function capturePlaybookProbes(
  input: WorkspaceInput,
  playbookId: string,
  options: { readonly allowCommands: boolean; readonly redact: boolean },
): Promise<Record<string, string>> {
  const playbook = findPlaybook(loadWorkspace(input), playbookId);
  const isTrusted = createTrustCheck({
    bundledDir: join(input.packageRoot, 'playbooks'),
    trustedDirs: readSettingsFast(input.env).settings.trusted ?? [],
    allowCommands: options.allowCommands,
  });
  // Only this playbook's probes run; refuse before anything starts, as `run` does.
  assertCommandsAllowed({ get: () => playbook, resolveLink: () => undefined, all: () => [playbook] }, playbook, isTrusted);
  const fields = playbook.env.filter((f) => f.source.kind !== 'ask');
  const values = await captureEnvFields(fields, { trusted: isTrusted(playbook) });
  if (!options.redact) return values;
  return createRedactor({ personal: { homePath: input.env.HOME, hostname: hostname() } }).redactDeep(values);
}

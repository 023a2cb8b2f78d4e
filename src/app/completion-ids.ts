/**
 * What `triage __complete <kind>` lists for the shell completion scripts: playbook ids, case ids
 * from the history, open sessions. Runs on every Tab, so it reads as little as it can: playbook
 * ids come from each file's front matter by a line match, without parsing the playbooks.
 * Never throws: a completion that fails lists nothing.
 */
import { readFileSync } from 'node:fs';
import type { IdSource } from '../core/completion.js';
import { splitFrontMatter } from '../core/front-matter.js';
import { openCaseStore } from '../io/case-store.js';
import { listPlaybookFiles } from '../io/discovery.js';
import { triagePaths } from '../io/paths.js';
import { openSessionStore } from '../io/session-store.js';
import { workspaceDirectories, type WorkspaceInput } from './workspace-directories.js';

export interface CompletionId {
  readonly id: string;
  readonly description: string;
}

/** At most this many cases: the most recent, which are the ones people hand off or show. */
const CASE_LIMIT = 200;

function frontMatterValue(frontMatter: string, key: string): string | undefined {
  const match = new RegExp(`^${key}:[ \\t]*(.+?)[ \\t]*$`, 'm').exec(frontMatter);
  const value = match?.[1]?.replace(/[ \t]+#.*$/, '');
  if (value === undefined) return undefined;
  const quoted = /^(['"])(.*)\1$/.exec(value);
  return (quoted ? quoted[2]! : value).trim() || undefined;
}

export function playbookIds(input: WorkspaceInput): CompletionId[] {
  const byId = new Map<string, string>();
  let directories;
  try {
    directories = workspaceDirectories(input);
  } catch {
    return [];
  }
  for (const dir of directories) {
    for (const file of listPlaybookFiles(dir)) {
      let frontMatter: string | undefined;
      try {
        frontMatter = splitFrontMatter(readFileSync(file.path, 'utf8')).frontMatter;
      } catch {
        continue;
      }
      // No front matter, no id: not a playbook `run` could use, so not worth offering.
      const id = frontMatter === undefined ? undefined : frontMatterValue(frontMatter, 'id');
      if (id === undefined) continue;
      // A later directory overrides an earlier playbook with the same id, as in `triage list`.
      byId.delete(id);
      byId.set(id, frontMatterValue(frontMatter!, 'title') ?? '');
    }
  }
  return [...byId].map(([id, description]) => ({ id, description })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function caseIds(env: NodeJS.ProcessEnv): Promise<CompletionId[]> {
  let store;
  try {
    store = await openCaseStore({ env });
    const cases = await store.listCases({ limit: CASE_LIMIT });
    return cases.map((c) => ({
      id: c.id,
      description: [c.playbook.id, c.outcome ? c.outcome.kind : c.status, c.customer].filter((part) => part !== '').join(' · '),
    }));
  } catch {
    return [];
  } finally {
    await store?.close().catch(() => undefined);
  }
}

export function openCaseIds(env: NodeJS.ProcessEnv): CompletionId[] {
  try {
    const { sessions } = openSessionStore(triagePaths(env).data).listOpen();
    return sessions.map((s) => ({ id: s.id, description: `${s.playbook.id} · open${s.intake.customer.name ? ` · ${s.intake.customer.name}` : ''}` }));
  } catch {
    return [];
  }
}

export async function completionIds(source: IdSource, input: WorkspaceInput): Promise<CompletionId[]> {
  if (source === 'playbooks') return playbookIds(input);
  if (source === 'cases') return caseIds(input.env);
  return openCaseIds(input.env);
}

/** `id<TAB>description` lines; tabs and newlines inside a description become spaces. */
export function formatCompletionIds(ids: readonly CompletionId[]): string {
  return ids.map(({ id, description }) => (description ? `${id}\t${description.replace(/[\t\r\n]+/g, ' ')}` : id)).map((line) => `${line}\n`).join('');
}

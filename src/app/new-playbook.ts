/** `triage new`: writes the scaffold into ./.triage/playbooks (found automatically) or --dir. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { CaseRecord } from '../core/case-record.js';
import { TriageError } from '../core/errors.js';
import { GAP_PLAYBOOK_ID } from './knowledge-gap.js';
import { scaffoldPlaybook, scaffoldPlaybookTests, type CaseSeed } from '../core/scaffold.js';

const ID_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export interface NewPlaybookInput {
  readonly id: string;
  readonly title?: string;
  readonly dir?: string;
  readonly force: boolean;
  readonly cwd: string;
  readonly write: boolean;
  /** A case that ran without a playbook: its description becomes the symptoms, its notes the first nodes. */
  readonly seed?: CaseSeed;
}

export function createPlaybook(input: NewPlaybookInput): { path: string; relativePath: string; text: string; testPath?: string } {
  if (!ID_PATTERN.test(input.id)) {
    const suggestion = input.id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
    throw new TriageError('new/invalid-id', `"${input.id}" is not a valid playbook id.`, {
      hint: `Use lower-case letters, digits and single hyphens${suggestion ? `, e.g. \`triage new ${suggestion}\`` : ''}.`,
      topic: 'format',
    });
  }
  const text = scaffoldPlaybook(input.id, input.title, input.seed);
  const dir = resolve(input.cwd, input.dir ?? join('.triage', 'playbooks'));
  const path = join(dir, `${input.id}.md`);
  const relativePath = relative(input.cwd, path) || path;
  if (!input.write) return { path, relativePath, text };
  if (existsSync(path) && !input.force) {
    throw new TriageError('new/exists', `${relativePath} already exists.`, { hint: 'Pick another id, or pass --force to overwrite it.' });
  }
  const testPath = join(dir, `${input.id}.test.yaml`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, text, { flag: input.force ? 'w' : 'wx' });
    // Its tests too, unless the author already has some.
    if (!existsSync(testPath)) writeFileSync(testPath, scaffoldPlaybookTests(input.id, input.seed), { flag: 'wx' });
  } catch (error) {
    throw new TriageError('new/write-failed', `Could not write ${relativePath}: ${(error as Error).message}`, {
      hint: 'Check that the directory is writable, or choose another with --dir.',
    });
  }
  return { path, relativePath, text, testPath: relative(input.cwd, testPath) || testPath };
}

/** The seed for `triage new --from-case`: a recorded case, preferably one that ran without a playbook. */
export function caseSeed(record: CaseRecord): { seed: CaseSeed; gap: boolean } {
  const answers = (record.report?.answers ?? {}) as Readonly<Record<string, unknown>>;
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
  const asked = text(answers.asked);
  const tried = text(answers.tried);
  return {
    seed: { caseId: record.id, description: record.intake.description, ...(asked ? { asked } : {}), ...(tried ? { tried } : {}) },
    gap: record.playbook.id === GAP_PLAYBOOK_ID,
  };
}

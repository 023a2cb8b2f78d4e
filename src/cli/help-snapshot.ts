/**
 * `triage --help` into a pipe, without commander. scripts/build.mjs renders the help
 * once with the built program, exactly as commander prints it into a pipe (80 columns, no
 * colour), and stores it as dist/help.json with the help-topic files it listed. It is used only
 * when nothing it depends on can differ: stdout is not a terminal (a terminal's width changes the
 * wrapping) and docs/help holds the same files. Anything else goes through commander.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const HELP_SNAPSHOT_FILE = 'help.json';

export interface HelpSnapshot {
  readonly version: string;
  /** `docs/help` file names, sorted: the topic list at the end of the help comes from them. */
  readonly topicFiles: readonly string[];
  readonly text: string;
}

export function helpTopicFiles(packageRoot: string): string[] {
  return readdirSync(join(packageRoot, 'docs', 'help')).sort();
}

/** The root help text, when the snapshot in `distDir` still holds; undefined otherwise. */
export function snapshotHelp(distDir: string, packageRoot: string, version: string): string | undefined {
  try {
    const snapshot = JSON.parse(readFileSync(join(distDir, HELP_SNAPSHOT_FILE), 'utf8')) as Partial<HelpSnapshot>;
    if (snapshot.version !== version || typeof snapshot.text !== 'string' || !Array.isArray(snapshot.topicFiles)) return undefined;
    const files = helpTopicFiles(packageRoot);
    if (files.length !== snapshot.topicFiles.length || files.some((name, i) => name !== snapshot.topicFiles![i])) return undefined;
    return snapshot.text;
  } catch {
    return undefined;
  }
}

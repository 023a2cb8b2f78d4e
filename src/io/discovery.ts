/**
 * Which playbook directories are searched, in override order (docs/cli.md): bundled, the
 * user's config directory, ./.triage/playbooks, every --playbooks, then TRIAGE_PLAYBOOKS.
 * A later directory overrides an earlier playbook with the same id.
 */
import { existsSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { delimiter, join, relative, resolve, sep } from 'node:path';
import { TriageError } from '../core/errors.js';
import type { Diagnostic } from '../core/model.js';

export type DirectoryOrigin = 'bundled' | 'config' | 'project' | 'flag' | 'env';

export interface PlaybookDirectory {
  /** Absolute path. */
  readonly path: string;
  readonly origin: DirectoryOrigin;
}

export interface DiscoveryInput {
  readonly packageRoot: string;
  readonly configDir: string;
  readonly cwd: string;
  readonly flagDirs: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

export function playbookDirectories(input: DiscoveryInput): PlaybookDirectory[] {
  const dirs: PlaybookDirectory[] = [
    // resolve, not join: TRIAGE_CONFIG_DIR may be relative, and every path here is documented absolute.
    { path: resolve(input.cwd, input.packageRoot, 'playbooks'), origin: 'bundled' },
    { path: resolve(input.cwd, input.configDir, 'playbooks'), origin: 'config' },
    { path: resolve(input.cwd, '.triage', 'playbooks'), origin: 'project' },
  ];
  // Implicit directories are optional; explicit ones must exist, or the user mistyped.
  const present = dirs.filter((d) => isDirectory(d.path));
  for (const dir of input.flagDirs) present.push(explicitDirectory(resolve(input.cwd, dir), 'flag', `--playbooks ${dir}`));
  const fromEnv = (input.env.TRIAGE_PLAYBOOKS ?? '').split(delimiter).filter((p) => p.trim() !== '');
  for (const dir of fromEnv) present.push(explicitDirectory(resolve(input.cwd, dir), 'env', `TRIAGE_PLAYBOOKS entry ${dir}`));
  return dedupe(present);
}

function explicitDirectory(path: string, origin: DirectoryOrigin, label: string): PlaybookDirectory {
  if (!existsSync(path)) {
    throw new TriageError('playbooks/dir-missing', `${label}: no such directory (${path}).`, {
      hint: 'Check the path, or create the directory and add playbooks with `triage new <id>`.',
    });
  }
  if (!isDirectory(path)) {
    throw new TriageError('playbooks/not-a-directory', `${label}: ${path} is a file, not a directory.`, {
      hint: 'Give the directory that holds the playbooks; to lint one file use `triage lint <file>`.',
    });
  }
  return { path, origin };
}

/** The same directory named twice keeps its last position (so it wins overrides, as the user asked). */
function dedupe(dirs: PlaybookDirectory[]): PlaybookDirectory[] {
  const byReal = new Map<string, PlaybookDirectory>();
  for (const dir of dirs) {
    const key = realPath(dir.path);
    byReal.delete(key);
    byReal.set(key, dir);
  }
  return [...byReal.values()];
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export interface FoundFile {
  readonly path: string;
  readonly dir: PlaybookDirectory;
}

export interface ListingProblem {
  readonly path: string;
  /** What is wrong and what to do, as one sentence for a diagnostic. */
  readonly message: string;
  /** Something skipped on purpose (over a limit): a warning, not an error. */
  readonly skipped?: boolean;
}

/**
 * Bounds on what one playbook directory may cost, so a hostile directory (a symlink to `/`, a
 * 100 MB file, thousands of big files) cannot hang or exhaust every command run next to it.
 * The largest real playbooks are well under 1 MB.
 */
export interface DiscoveryLimits {
  readonly fileBytes: number;
  readonly directoryBytes: number;
  readonly directories: number;
}

export const DISCOVERY_LIMITS: DiscoveryLimits = {
  /** One playbook file. */
  fileBytes: 16 * 1024 * 1024,
  /** All playbook files of one playbook directory together. */
  directoryBytes: 64 * 1024 * 1024,
  /** Directories walked below one playbook directory. */
  directories: 5000,
};

const MB = 1024 * 1024;

/** `ancestor` is `path` or a directory above it. */
function contains(ancestor: string, path: string): boolean {
  const rel = relative(ancestor, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/**
 * Every `.md` file below a directory, recursively, sorted by path; names starting with `_` or `.`
 * are skipped (partials, drafts). Follows symlinks but never visits a real directory twice, so a
 * symlink loop ends. Unreadable directories are reported, not thrown.
 */
export function listPlaybookFiles(dir: PlaybookDirectory, problems: ListingProblem[] = [], limits: DiscoveryLimits = DISCOVERY_LIMITS): FoundFile[] {
  const found: FoundFile[] = [];
  const visited = new Set<string>();
  const root = realPath(dir.path);
  let bytes = 0;
  let directoriesOver = false;
  let bytesOver = false;
  const walk = (path: string): void => {
    const real = realPath(path);
    if (visited.has(real)) return;
    if (visited.size >= limits.directories) {
      if (!directoriesOver) {
        directoriesOver = true;
        problems.push({ path, skipped: true, message: `Skipped: more than ${limits.directories} directories below ${dir.path}; playbooks in the rest were not loaded. Keep playbooks in a directory of their own.` });
      }
      return;
    }
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      problems.push({ path, message: `Cannot read this directory (${code}); its playbooks were not loaded. Check its permissions.` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // join(path, name) for thousands of names is measurable; a name read from the
    // directory has no separator, so the normalised prefix plus the name is the same string.
    const prefix = join(path, 'x').slice(0, -1);
    for (const entry of entries) {
      if (entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
      const child = prefix + entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let stat: Stats | undefined;
      if (entry.isSymbolicLink()) {
        try {
          stat = statSync(child);
          isDir = stat.isDirectory();
          isFile = stat.isFile();
          // A link to this directory or one above it (`/`, `..`) would walk everything around it.
          if (isDir && contains(realPath(child), root)) {
            problems.push({ path: child, skipped: true, message: 'Skipped: this symbolic link points to the playbook directory itself or a directory above it, which would be searched without end. Remove the link.' });
            continue;
          }
        } catch {
          // Only a dangling link named like a playbook is worth an error; other names were never
          // going to load (a dangling link to a whole directory is still silently missed).
          if (entry.name.endsWith('.md')) {
            problems.push({ path: child, message: 'This is a symbolic link to a file that does not exist. Point it at a playbook, or remove it.' });
          }
          continue;
        }
      }
      if (isDir) walk(child);
      else if (isFile && entry.name.endsWith('.md')) {
        try {
          stat ??= statSync(child);
        } catch {
          found.push({ path: child, dir }); // unreadable: reported when it is read
          continue;
        }
        if (stat.size > limits.fileBytes) {
          problems.push({ path: child, skipped: true, message: `Skipped: this file is ${Math.round(stat.size / MB)} MB, over the ${limits.fileBytes / MB} MB a playbook may have. Split it, or move it out of the playbook directory.` });
          continue;
        }
        if (bytes + stat.size > limits.directoryBytes) {
          if (!bytesOver) {
            bytesOver = true;
            problems.push({ path: child, skipped: true, message: `Skipped: the playbooks in ${dir.path} add up to more than ${limits.directoryBytes / MB} MB; this file and the ones after it were not loaded. Move what is not a playbook out of that directory.` });
          }
          continue;
        }
        bytes += stat.size;
        found.push({ path: child, dir });
      } else if (entry.name.endsWith('.md')) {
        // A FIFO, socket or device named like a playbook: reading it could block forever.
        problems.push({ path: child, message: 'This is not a regular file (a FIFO, socket or device), so it was not read. Replace it with the playbook file, or rename it.' });
      }
    }
  };
  walk(dir.path);
  return found;
}

/** A listing problem as a diagnostic: an unreadable entry is an error, a skipped one a warning. */
export function listingDiagnostic(problem: ListingProblem): Diagnostic {
  return problem.skipped
    ? { file: problem.path, line: 1, column: 1, severity: 'warning', rule: 'file/skipped', message: problem.message }
    : { file: problem.path, line: 1, column: 1, severity: 'error', rule: 'file/unreadable', message: problem.message };
}

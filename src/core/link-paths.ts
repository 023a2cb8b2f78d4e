/**
 * Path rules for links between playbooks, shared by the library (which follows links) and the
 * validator (which reports them), so both agree on what a link means and where it may go.
 */
import { isAbsolute, relative, sep } from 'node:path';

/** Whether `path` lies strictly below `dir` (a link may not leave the playbook directories). */
export function isInsideDirectory(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** Markdown link paths may be percent-encoded (`my%20playbook.md`). */
export function decodeLinkPath(file: string): string {
  try {
    return decodeURI(file);
  } catch {
    return file;
  }
}

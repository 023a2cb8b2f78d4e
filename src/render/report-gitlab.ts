/**
 * A report as GitLab-flavoured Markdown: the GitHub report (report-markdown.ts), which GitLab
 * renders the same way, with one difference that matters.
 *
 * What was checked against GitLab's Markdown (GLFM) and needs nothing: tables with `\|` and
 * `<br>` in cells, `<details>`/`<summary>` with Markdown inside (blank lines around it, as for
 * GitHub), fenced code with backtick fences longer than any run inside, raw HTML shown as text
 * through entities.
 *
 * What differs: GitLab runs quick actions, lines such as `/close` or `/assign @someone` in an
 * issue description, when the issue is created. A customer's or playbook's line starting with
 * `/` would act on the new issue, so outside fenced code blocks (which GitLab skips) such a line
 * starts with `\/` instead; CommonMark shows it as `/`.
 */
import type { Report } from '../core/report.js';
import { renderReportMarkdown } from './report-markdown.js';

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Lines that GitLab would take as quick actions, escaped; fenced code left as it is. */
export function neutralizeQuickActions(markdown: string): string {
  let fence: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const opening = FENCE.exec(line)?.[1];
      if (fence === undefined) {
        if (opening !== undefined) {
          fence = opening;
          return line;
        }
        return line.replace(/^(\s*)\/(?=\S)/, '$1\\/');
      }
      if (opening !== undefined && opening[0] === fence[0] && opening.length >= fence.length && line.trim() === opening) fence = undefined;
      return line;
    })
    .join('\n');
}

export function renderReportGitlab(report: Report): string {
  return neutralizeQuickActions(renderReportMarkdown(report));
}

/**
 * Handing a finished case to a tracker, as data: the `gh`/`glab` argv, the prefilled "new issue"
 * URL (with a fallback when it would be too long for a browser), and the Jira REST payload.
 * Pure: the report and the already rendered body come in, argv/URLs/JSON go out. Nothing here
 * runs a command or reads the clock.
 */
import type { CaseRecord } from './case-record.js';
import { TriageError } from './errors.js';
import type { Severity } from './model.js';
import { shellQuote, type Report } from './report.js';

export const TRACKERS = ['github', 'gitlab', 'jira'] as const;
export type Tracker = (typeof TRACKERS)[number];
export type GitTracker = Exclude<Tracker, 'jira'>;

/**
 * Browsers and servers start refusing URLs between 8 and 32 KB (GitHub answers 414 above about
 * 8 KB), so a prefilled URL longer than this carries the title only and the body is pasted.
 */
export const MAX_URL_LENGTH = 8000;

export const JIRA_PRIORITY: Readonly<Record<Severity, string>> = {
  critical: 'Highest',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

const TOOL: Readonly<Record<GitTracker, string>> = { github: 'gh', gitlab: 'glab' };
const DEFAULT_HOST: Readonly<Record<GitTracker, string>> = { github: 'github.com', gitlab: 'gitlab.com' };

export function trackerTool(tracker: GitTracker): string {
  return TOOL[tracker];
}

/** GitLab and Jira refuse titles over 255 characters (GitHub over 256). */
export const MAX_TITLE_LENGTH = 255;

/** The report's title on one line and within every tracker's limit: what issue lists show. */
export function issueTitle(report: Pick<Report, 'title'>): string {
  return truncate(report.title.replace(/\s+/g, ' ').trim(), MAX_TITLE_LENGTH);
}

// ---------------------------------------------------------------------------------------------
// Repositories

export interface RepoRef {
  /** `https://github.com` or a self-hosted origin. */
  readonly origin: string;
  /** `owner/name` on GitHub; `group/subgroup/project` on GitLab. */
  readonly path: string;
}

const SEGMENT = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;

/**
 * `owner/name`, `group/sub/project` (GitLab only), or a full `https://host/owner/name` URL for a
 * self-hosted instance. Anything else is an input error that says what the form is.
 */
export function parseRepo(tracker: GitTracker, text: string): RepoRef {
  const raw = text.trim().replace(/\.git$/, '').replace(/\/+$/, '');
  let origin = `https://${DEFAULT_HOST[tracker]}`;
  let path = raw;
  if (/^https?:\/\//i.test(raw)) {
    try {
      const url = new URL(raw);
      origin = url.origin;
      path = url.pathname.replace(/^\/+/, '').replace(/\/-\/.*$/, '');
    } catch {
      path = '';
    }
  }
  const segments = path.split('/');
  const valid = segments.every((s) => SEGMENT.test(s)) && (tracker === 'github' ? segments.length === 2 : segments.length >= 2);
  if (!valid) {
    const form = tracker === 'github' ? 'owner/name' : 'group/project (or group/subgroup/project)';
    throw new TriageError('handoff/invalid-repo', `--repo ${JSON.stringify(text)} is not a ${tracker === 'github' ? 'GitHub' : 'GitLab'} repository (${form}).`, {
      hint: `e.g. --repo ${tracker === 'github' ? 'acme/web-app' : 'acme/support/web-app'}, or a full URL such as https://${tracker === 'github' ? 'github.example.com/acme/web-app' : 'gitlab.example.com/acme/web-app'}.`,
    });
  }
  return { origin, path };
}

// ---------------------------------------------------------------------------------------------
// gh / glab

/**
 * `gh issue create` with the body on stdin (`--body-file -`). gh splits `--label` values at
 * commas, like glab; one flag per label keeps the list readable in the printed command.
 */
export function ghCreateArgv(report: Pick<Report, 'title' | 'labels'>, options: { repo?: string } = {}): string[] {
  return [
    'gh',
    'issue',
    'create',
    '--title',
    issueTitle(report),
    ...report.labels.flatMap((label) => ['--label', label]),
    '--body-file',
    '-',
    ...(options.repo ? ['--repo', options.repo] : []),
  ];
}

/**
 * `glab issue create` takes the description as an argument: `--description -` opens an editor
 * rather than reading stdin (checked against glab's issue_create.go), and there is no
 * description-file flag. An argument is still argv, never a shell; Linux allows 128 KiB per
 * argument, far above a report. With a title and a description glab does not prompt; `--yes`
 * says so explicitly.
 */
export function glabCreateArgv(report: Pick<Report, 'title' | 'labels'>, description: string, options: { repo?: string } = {}): string[] {
  return [
    'glab',
    'issue',
    'create',
    '--title',
    issueTitle(report),
    '--description',
    description,
    ...report.labels.flatMap((label) => ['--label', label]),
    '--yes',
    ...(options.repo ? ['--repo', options.repo] : []),
  ];
}

/** The largest single argument Linux accepts (MAX_ARG_STRLEN), with room to spare. */
export const MAX_ARGUMENT_BYTES = 120 * 1024;

/**
 * The command to print when the agent did not ask to submit: runnable as shown, with the body
 * produced by `triage handoff <case> --to <tracker> --body` (the same text `--submit` sends).
 */
export function printableCreateCommand(tracker: GitTracker, report: Pick<Report, 'title' | 'labels'>, caseId: string, options: { repo?: string } = {}): string {
  const bodyCommand = ['triage', 'handoff', shellQuote(caseId), '--to', tracker, '--body'].join(' ');
  if (tracker === 'github') {
    return `${bodyCommand} | ${ghCreateArgv(report, options).map((arg) => shellQuote(arg)).join(' ')}`;
  }
  const argv = glabCreateArgv(report, '\u0000', options).map((arg) => (arg === '\u0000' ? `"$(${bodyCommand})"` : shellQuote(arg)));
  return argv.join(' ');
}

/** The issue URL gh or glab printed: the last http(s) URL in their output. */
export function issueUrlFromOutput(output: string): string | undefined {
  const urls = output.match(/https?:\/\/[^\s<>"'`]+/g);
  return urls?.[urls.length - 1];
}

// ---------------------------------------------------------------------------------------------
// Prefilled "new issue" URLs

export interface PrefilledIssue {
  readonly url: string;
  /** False when the body did not fit: the URL has the title (and labels) only; paste the body. */
  readonly bodyIncluded: boolean;
  /** Length of the URL with the body, for the message when it did not fit. */
  readonly fullLength: number;
}

/** GitLab applies `/label` quick actions written in a new issue's description (as glab --web does). */
function gitlabLabelAction(labels: readonly string[]): string {
  return labels.length > 0 ? `/label ${labels.map((label) => `~${JSON.stringify(label)}`).join(' ')}` : '';
}

function newIssueUrl(tracker: GitTracker, repo: RepoRef, title: string, body: string | undefined, labels: readonly string[]): string {
  const params = new URLSearchParams();
  if (tracker === 'github') {
    params.set('title', title);
    if (body !== undefined) params.set('body', body);
    if (labels.length > 0) params.set('labels', labels.join(','));
    return `${repo.origin}/${repo.path}/issues/new?${params.toString()}`;
  }
  params.set('issue[title]', title);
  const action = gitlabLabelAction(labels);
  const description = [body?.replace(/\n+$/, ''), action].filter((part) => part !== undefined && part !== '').join('\n\n');
  if (description !== '') params.set('issue[description]', description);
  return `${repo.origin}/${repo.path}/-/issues/new?${params.toString()}`;
}

/**
 * GitHub: `…/issues/new?title=…&body=…&labels=a,b` (labels apply for people who may triage the
 * repository). GitLab: `…/-/issues/new?issue[title]=…&issue[description]=…`, labels as a
 * `/label ~"a"` quick action. Over `maxLength`, the URL keeps the title and labels only.
 */
export function prefilledIssueUrl(
  tracker: GitTracker,
  repo: RepoRef,
  report: Pick<Report, 'title' | 'labels'>,
  body: string,
  maxLength: number = MAX_URL_LENGTH,
): PrefilledIssue {
  const title = issueTitle(report);
  const full = newIssueUrl(tracker, repo, title, body, report.labels);
  if (full.length <= maxLength) return { url: full, bodyIncluded: true, fullLength: full.length };
  return { url: newIssueUrl(tracker, repo, title, undefined, report.labels), bodyIncluded: false, fullLength: full.length };
}

// ---------------------------------------------------------------------------------------------
// Jira

export interface JiraPayloadOptions {
  /** Project key, e.g. `SUP`. */
  readonly project: string;
  readonly issueType: string;
  /** The report in Jira wiki markup (report-jira.ts). */
  readonly description: string;
}

export interface JiraIssuePayload {
  readonly fields: {
    readonly project: { readonly key: string };
    readonly issuetype: { readonly name: string };
    readonly summary: string;
    readonly description: string;
    readonly labels: readonly string[];
    readonly priority?: { readonly name: string };
  };
}

/** Jira project keys: a letter, then letters, digits or underscores. Typed lower-case, still valid. */
export function parseJiraProjectKey(text: string): string {
  const key = text.trim().toUpperCase();
  if (!/^[A-Z][A-Z0-9_]{0,254}$/.test(key)) {
    throw new TriageError('handoff/invalid-project', `--project ${JSON.stringify(text)} is not a Jira project key.`, {
      hint: 'A project key is the prefix of its issue keys: for SUP-123, use --project SUP.',
    });
  }
  return key;
}

/** Jira labels cannot contain spaces; `needs repro` becomes `needs-repro`. */
export function jiraLabel(label: string): string {
  return label.trim().replace(/\s+/g, '-');
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The body of `POST /rest/api/2/issue` (API v2 takes the description as wiki markup; v3 would
 * need Atlassian Document Format). Priority comes from the report's severity; without one the
 * project's default priority applies.
 */
export function jiraIssuePayload(report: Pick<Report, 'title' | 'labels' | 'severity'>, options: JiraPayloadOptions): JiraIssuePayload {
  const labels = [...new Set(report.labels.map(jiraLabel).filter((label) => label !== ''))];
  return {
    fields: {
      project: { key: options.project },
      issuetype: { name: options.issueType },
      summary: issueTitle(report),
      description: options.description,
      labels,
      ...(report.severity ? { priority: { name: JIRA_PRIORITY[report.severity] } } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// History

export interface HandoffEntry {
  readonly to: Tracker;
  readonly url?: string;
  /** ISO 8601. */
  readonly at: string;
}

/** The case with one more hand-off; `updatedAt` moves so the history keeps this save. */
export function withHandoff(record: CaseRecord, entry: HandoffEntry): CaseRecord {
  const handoff = { to: entry.to, ...(entry.url ? { url: entry.url } : {}), at: entry.at };
  const updatedAt = entry.at > record.updatedAt ? entry.at : record.updatedAt;
  return { ...record, handoffs: [...(record.handoffs ?? []), handoff], updatedAt };
}

// ---------------------------------------------------------------------------------------------
// Body limits

/**
 * The longest issue body each tracker accepts, in characters: GitHub refuses a body over 65,536,
 * Jira's description field holds 32,767, GitLab's description 1,000,000.
 */
export const BODY_LIMITS: Readonly<Record<Tracker, number>> = { github: 65_536, jira: 32_767, gitlab: 1_000_000 };

/** Room left under the limit for what the tracker or a pipe adds (quick actions, a newline). */
const BODY_MARGIN = 256;
/** A shortened value keeps at least this much of its start. */
const MIN_KEPT = 400;

export interface FittedBody {
  readonly body: string;
  /** The report the body was rendered from (shortened values, when any). */
  readonly report: Report;
  /** Each value that was shortened: where, and its full length. Empty when the body fit. */
  readonly shortened: readonly { readonly field: string; readonly length: number; readonly kept: number }[];
}

/**
 * The body within the tracker's limit: while it is too long, the longest text in the report is
 * cut, with a visible note saying how much was kept and where the full text is (`fullTextName`,
 * a file the caller writes beside the report or attaches). Pure: renders through `render`.
 */
export function fitBodyToLimit(report: Report, render: (report: Report) => string, limit: number, fullTextName: string): FittedBody {
  let current = report;
  let body = render(current);
  const shortened: { field: string; length: number; kept: number }[] = [];
  for (let round = 0; body.length > limit - BODY_MARGIN && round < 200; round++) {
    const longest = longestText(current);
    if (longest === undefined || longest.value.length <= MIN_KEPT) break;
    const overshoot = body.length - (limit - BODY_MARGIN);
    const note = `\n… [shortened: the first ${'0'.repeat(String(longest.value.length).length)} of ${longest.value.length.toLocaleString('en-US')} characters are shown; the full text is in ${fullTextName}]`;
    const kept = Math.max(MIN_KEPT, longest.value.length - overshoot - note.length - 64);
    const cut = `${longest.value.slice(0, kept)}\n… [shortened: the first ${kept.toLocaleString('en-US')} of ${longest.value.length.toLocaleString('en-US')} characters are shown; the full text is in ${fullTextName}]`;
    if (cut.length >= longest.value.length) break;
    current = setAt(current, longest.path, cut) as Report;
    shortened.push({ field: longest.path.join('.'), length: longest.value.length, kept });
    body = render(current);
  }
  return { body, report: current, shortened };
}

function longestText(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: string } | undefined {
  if (typeof value === 'string') return { path, value };
  let best: { path: (string | number)[]; value: string } | undefined;
  const consider = (candidate: { path: (string | number)[]; value: string } | undefined): void => {
    if (candidate && (!best || candidate.value.length > best.value.length)) best = candidate;
  };
  if (Array.isArray(value)) value.forEach((item, i) => consider(longestText(item, [...path, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) consider(longestText(v, [...path, k]));
  return best;
}

function setAt(value: unknown, path: readonly (string | number)[], replacement: string): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? setAt(item, rest, replacement) : item));
  const record = value as Record<string, unknown>;
  return { ...record, [head as string]: setAt(record[head as string], rest, replacement) };
}

/**
 * `triage handoff [case] --to github|gitlab|jira`: hands a finished case to a tracker.
 *
 * - github/gitlab with gh/glab on the PATH: the exact `gh|glab issue create` command, or with
 *   `submit` the command run (argv, never a shell) and the new issue's URL;
 * - without the tool (or with `preferUrl`): a prefilled "new issue" URL, title only when the
 *   body would make it too long (the body then comes back to be pasted);
 * - jira: the `POST /rest/api/2/issue` payload.
 *
 * Every hand-off but `bodyOnly` is recorded in the case's `handoffs` (the issue URL when known).
 * Returns data; the command prints it.
 */
import type { CaseRecord } from '../core/case-record.js';
import { TriageError } from '../core/errors.js';
import {
  ghCreateArgv,
  glabCreateArgv,
  issueUrlFromOutput,
  jiraIssuePayload,
  MAX_ARGUMENT_BYTES,
  parseJiraProjectKey,
  parseRepo,
  prefilledIssueUrl,
  printableCreateCommand,
  trackerTool,
  withHandoff,
  BODY_LIMITS,
  fitBodyToLimit,
  type FittedBody,
  type GitTracker,
  type Tracker,
} from '../core/handoff.js';
import { createProfileRedactor, DEFAULT_PROFILE, type RedactionProfile } from '../core/redaction-profiles.js';
import { redactReport, REPORT_SCHEMA, type Report } from '../core/report.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import type { CaseStore } from '../io/case-store.js';
import type { TrackerRun, TrackerRunOptions } from '../io/tracker-cli.js';
import { renderReportGitlab } from '../render/report-gitlab.js';
import { renderReportJira } from '../render/report-jira.js';
import { renderReportMarkdown } from '../render/report-markdown.js';
import { caseNotFound } from './cases.js';

export interface HandoffRequest {
  readonly to: Tracker;
  /** Id or unique prefix; the latest finished case when absent. */
  readonly caseId?: string;
  readonly repo?: string;
  readonly project?: string;
  readonly issueType?: string;
  /** Run gh/glab instead of printing the command. */
  readonly submit?: boolean;
  /** A prefilled URL even when gh/glab is installed. */
  readonly preferUrl?: boolean;
  /** Only the issue body in the tracker's format; nothing is recorded. */
  readonly bodyOnly?: boolean;
  /** Redaction profile of the body; by default internal for Jira, public for GitHub and GitLab. */
  readonly redaction?: RedactionProfile;
}

export interface HandoffDependencies {
  readonly store: CaseStore;
  /** The tool's path when it is on the PATH. */
  readonly findTool: (name: string) => string | undefined;
  readonly runTool: (argv: readonly string[], options: TrackerRunOptions) => Promise<TrackerRun>;
  readonly now: () => Date;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

interface Common {
  readonly caseId: string;
  /** The report in the tracker's format (Markdown or Jira wiki markup): what `--copy` copies. */
  readonly body: string;
  /** Set when the hand-off could not be written to the history (the hand-off itself happened). */
  readonly recordWarning?: string;
  /** The profile the body was redacted with. */
  readonly profile: RedactionProfile;
  /**
   * Set when the report was over the tracker's body limit: the body has shortened values, and
   * this is the whole report, for the caller to write beside it (`name`) and attach to the issue.
   */
  readonly fullText?: { readonly name: string; readonly text: string; readonly shortened: FittedBody['shortened'] };
}

export type HandoffResult =
  | (Common & { readonly kind: 'body' })
  | (Common & { readonly kind: 'command'; readonly tool: string; readonly command: string })
  | (Common & { readonly kind: 'submitted'; readonly tool: string; readonly url?: string; readonly output: string })
  | (Common & { readonly kind: 'url'; readonly url: string; readonly bodyIncluded: boolean; readonly fullLength: number; readonly toolMissing?: string })
  | (Common & { readonly kind: 'jira'; readonly payload: string });

/** The stored report, checked to be one this version renders. */
export function reportOf(record: CaseRecord): Report {
  const report = record.report;
  if (report === undefined) {
    throw new TriageError('handoff/no-report', `Case ${record.id} has no report${record.status === 'open' ? ' yet: it is still open' : ''}.`, {
      hint: record.status === 'open' ? `Finish it with \`triage resume ${record.id}\`, then hand it off.` : 'Only cases that reached an outcome can be handed off.',
    });
  }
  if (report.schema !== REPORT_SCHEMA) {
    throw new TriageError('handoff/unknown-report', `Case ${record.id} has a report with schema ${JSON.stringify(report.schema ?? null)}, not ${REPORT_SCHEMA}.`, {
      hint: 'It was written by another version of triage; see it with `triage cases show <case> --as report --format json`.',
    });
  }
  return report as unknown as Report;
}

/** The case by id or prefix, or the most recently started finished case. */
export async function caseToHandOff(store: CaseStore, caseId: string | undefined): Promise<CaseRecord> {
  if (caseId !== undefined) {
    const record = await store.getCase(caseId);
    if (!record) throw caseNotFound(caseId, store);
    return record;
  }
  const [latest] = await store.listCases({ status: 'done', limit: 1 });
  const record = latest ? await store.getCase(latest.id) : undefined;
  if (!record) {
    throw new TriageError('handoff/no-cases', `No finished case in the case history (${store.location}).`, {
      hint: 'Run a playbook first (`triage run <playbook>`), or name a case: `triage handoff <case> --to github`.',
    });
  }
  return record;
}

/** The report as the tracker renders it. */
export function trackerBody(tracker: Tracker, report: Report): string {
  // Escape sequences that reached a stored case must not reach a terminal or a tracker raw.
  if (tracker === 'jira') return sanitizeForTerminal(renderReportJira(report));
  return sanitizeForTerminal(tracker === 'gitlab' ? renderReportGitlab(report) : renderReportMarkdown(report));
}

function gitHandoffNeedsRepo(tracker: GitTracker, missingTool: boolean): TriageError {
  const tool = trackerTool(tracker);
  return new TriageError('handoff/needs-repo', `A prefilled ${tracker === 'github' ? 'GitHub' : 'GitLab'} issue link needs the repository${missingTool ? ` (${tool} is not on the PATH, so triage builds a link instead)` : ''}.`, {
    hint: `Add --repo ${tracker === 'github' ? 'owner/name' : 'group/project'}${missingTool ? `, or install ${tool} (${tracker === 'github' ? 'https://cli.github.com' : 'https://gitlab.com/gitlab-org/cli'}) to create the issue directly` : ''}.`,
  });
}

export async function handOff(request: HandoffRequest, deps: HandoffDependencies): Promise<HandoffResult> {
  if (request.submit && request.to === 'jira') {
    throw new TriageError('handoff/no-submit', '--submit works with --to github and --to gitlab; triage does not call Jira itself.', {
      hint: "Pipe the payload to curl: `triage handoff --to jira --project KEY | curl -u you@example.com:$JIRA_TOKEN -H 'Content-Type: application/json' --data @- https://your-site.atlassian.net/rest/api/2/issue`.",
    });
  }
  if (request.submit && request.preferUrl) {
    throw new TriageError('usage', '--submit and --url do not go together: --submit creates the issue, --url prints a link to create it yourself.', {
      hint: 'Choose one of them.',
    });
  }
  // Validate flags before touching the history.
  const project = request.to === 'jira' && !request.bodyOnly ? requireProject(request.project) : undefined;
  const repo = request.repo !== undefined && request.to !== 'jira' ? (parseRepo(request.to, request.repo), request.repo.trim()) : undefined;

  const record = await caseToHandOff(deps.store, request.caseId);
  // The history keeps the internal profile; a public destination gets personal data tokenised.
  const profile = request.redaction ?? DEFAULT_PROFILE[request.to];
  const report = redactReport(reportOf(record), createProfileRedactor(profile, { account: record.intake.customer.account }));
  const fullName = `${record.id}.full.${request.to === 'jira' ? 'txt' : 'md'}`;
  const fitted = fitBodyToLimit(report, (r) => trackerBody(request.to, r), BODY_LIMITS[request.to], fullName);
  const body = fitted.body;
  const common = {
    caseId: record.id,
    body,
    profile,
    ...(fitted.shortened.length > 0 ? { fullText: { name: fullName, text: trackerBody(request.to, report), shortened: fitted.shortened } } : {}),
  };
  if (request.bodyOnly) return { kind: 'body', ...common };

  const recordHandoff = async (url?: string): Promise<string | undefined> => {
    const at = deps.now().toISOString();
    try {
      await deps.store.upsertCase(withHandoff(record, { to: request.to, ...(url ? { url } : {}), at }));
      return undefined;
    } catch (error) {
      return `The hand-off could not be recorded in the case history (${(error as Error).message}).`;
    }
  };

  if (request.to === 'jira') {
    const payload = jiraIssuePayload(fitted.report, { project: project!, issueType: request.issueType?.trim() || 'Bug', description: body });
    const recordWarning = await recordHandoff();
    return { kind: 'jira', ...common, payload: `${JSON.stringify(payload, null, 2)}\n`, ...(recordWarning ? { recordWarning } : {}) };
  }

  const tracker = request.to;
  const tool = trackerTool(tracker);
  const toolPath = request.preferUrl ? undefined : deps.findTool(tool);

  if (request.submit) {
    if (toolPath === undefined) {
      throw new TriageError('handoff/tool-missing', `--submit runs ${tool}, and ${tool} is not on the PATH.`, {
        hint: `Install ${tool} (${tracker === 'github' ? 'https://cli.github.com' : 'https://gitlab.com/gitlab-org/cli'}) and log in, or leave out --submit to get a prefilled link${request.repo ? '' : ' (with --repo)'}.`,
      });
    }
    const argv = tracker === 'github' ? ghCreateArgv(report, { repo }) : glabCreateArgv(report, body, { repo });
    if (tracker === 'gitlab' && Buffer.byteLength(body) > MAX_ARGUMENT_BYTES) {
      throw new TriageError('handoff/too-long', `The report is ${Math.round(Buffer.byteLength(body) / 1024)} KB, too long to pass to glab as an argument.`, {
        hint: 'Use --url --copy and paste the report into the new issue.',
      });
    }
    const run = await deps.runTool(argv, { input: tracker === 'github' ? body : '', cwd: deps.cwd, env: deps.env });
    if (run.failure !== undefined || run.exitCode !== 0) {
      const said = (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' ');
      throw new TriageError('handoff/tool-failed', `${tool} issue create ${run.failure ?? `exited ${run.exitCode}`}${said ? `: ${said}` : ''}.`, {
        hint: `Check that ${tool} is logged in (\`${tool} auth status\`)${repo ? '' : ' and that you are in the repository, or pass --repo'}. Nothing was recorded.`,
      });
    }
    const url = issueUrlFromOutput(run.stdout);
    const recordWarning = await recordHandoff(url);
    return { kind: 'submitted', ...common, tool, output: run.stdout, ...(url ? { url } : {}), ...(recordWarning ? { recordWarning } : {}) };
  }

  if (toolPath !== undefined) {
    const command = printableCreateCommand(tracker, report, record.id, { repo });
    const recordWarning = await recordHandoff();
    return { kind: 'command', ...common, tool, command, ...(recordWarning ? { recordWarning } : {}) };
  }

  if (request.repo === undefined) throw gitHandoffNeedsRepo(tracker, !request.preferUrl);
  const prefilled = prefilledIssueUrl(tracker, parseRepo(tracker, request.repo), report, body);
  const recordWarning = await recordHandoff();
  return {
    kind: 'url',
    ...common,
    url: prefilled.url,
    bodyIncluded: prefilled.bodyIncluded,
    fullLength: prefilled.fullLength,
    ...(request.preferUrl ? {} : { toolMissing: tool }),
    ...(recordWarning ? { recordWarning } : {}),
  };
}

function requireProject(project: string | undefined): string {
  if (project === undefined || project.trim() === '') {
    throw new TriageError('handoff/needs-project', 'A Jira hand-off needs the project key.', {
      hint: 'Add --project KEY (the prefix of the project\'s issue keys: SUP for SUP-123).',
    });
  }
  return parseJiraProjectKey(project);
}

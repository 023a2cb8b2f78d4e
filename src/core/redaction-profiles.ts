/**
 * Redaction profiles: what each destination may carry, all on the one engine in redact.ts.
 *
 * - secrets (tokens, keys, passwords, card numbers, answers to `secret: true` asks) are removed
 *   in every profile, always;
 * - `internal` (the case history, Jira, a private repository): personal data stays, so the
 *   receiving team can act on the account id, account email, phone or IP; this machine's home
 *   path and hostname (the agent's, not the customer's) still come out;
 * - `public` (a public repository, a pasted report): personal data becomes consistent tokens
 *   (`[EMAIL-1]`, `[PHONE-1]`, `[IP-1]`), and the case's account id `[ACCOUNT-1]`;
 * - the reply (it goes back to the customer) and saved sessions (the agent still needs the
 *   customer's details to resume): secrets only.
 */
import { createRedactor, type RedactionFinding, type Redactor } from './redact.js';

export interface MachineIdentity {
  readonly homePath?: string;
  readonly hostname?: string;
}

export const REDACTION_PROFILES = ['internal', 'public'] as const;
export type RedactionProfile = (typeof REDACTION_PROFILES)[number];

/** Where a report can go, and the profile it gets unless told otherwise. */
export const DEFAULT_PROFILE = {
  /** `triage run` / `resume` output: it may be pasted anywhere. */
  output: 'public',
  /** The case history (SQLite or the team's PostgreSQL). */
  history: 'internal',
  jira: 'internal',
  github: 'public',
  gitlab: 'public',
} as const satisfies Record<string, RedactionProfile>;

export function createSecretsOnlyRedactor(secretValues: readonly string[] = []): Redactor {
  return createRedactor({ personal: false, secretValues });
}

export function createReportRedactor(machine: MachineIdentity = {}, secretValues: readonly string[] = []): Redactor {
  return createRedactor({ personal: { homePath: machine.homePath, hostname: machine.hostname }, secretValues });
}

export interface ProfileOptions {
  readonly machine?: MachineIdentity;
  /** Exact secret values (answers to `secret: true` asks). */
  readonly secretValues?: readonly string[];
  /** The case's account id: tokenised as `[ACCOUNT-1]` by the public profile. */
  readonly account?: string;
}

/** The redactor for a profile. */
export function createProfileRedactor(profile: RedactionProfile, options: ProfileOptions = {}): Redactor {
  const { machine = {}, secretValues = [] } = options;
  if (profile === 'internal') {
    return createRedactor({
      personal: { emails: false, phones: false, ips: false, userFolders: true, homePath: machine.homePath, hostname: machine.hostname },
      secretValues,
    });
  }
  const base = createReportRedactor(machine, secretValues);
  const account = options.account?.trim();
  // An email account is tokenised as an email; any other id (a number, a handle) by its value.
  if (account === undefined || account.length < 3 || account.includes('@')) return base;
  return withLiteralToken(base, account, '[ACCOUNT-1]', 'account');
}

/** A redactor that also replaces one exact value with a token, before the base rules run. */
function withLiteralToken(base: Redactor, value: string, token: string, kind: string): Redactor {
  let count = 0;
  const replace = (text: string): string => {
    if (!text.includes(value)) return text;
    const parts = text.split(value);
    count += parts.length - 1;
    return parts.join(token);
  };
  const deep = (item: unknown): unknown => {
    if (typeof item === 'string') return replace(item);
    if (Array.isArray(item)) return item.map(deep);
    if (item !== null && typeof item === 'object') return Object.fromEntries(Object.entries(item as Record<string, unknown>).map(([k, v]) => [k, deep(v)]));
    return item;
  };
  return {
    redactText: (text) => base.redactText(replace(text)),
    redactDeep: <T>(item: T): T => base.redactDeep(deep(item) as T),
    findings: (): RedactionFinding[] => [
      ...(count > 0 ? [{ kind, category: 'personal' as const, preview: `${value[0] ?? ''}••• (${value.length} chars)`, replacement: token, count }] : []),
      ...base.findings(),
    ],
  };
}

/** One line for the preview: what this profile keeps and removes. */
export function describeProfile(profile: RedactionProfile | 'none'): string {
  switch (profile) {
    case 'internal':
      return 'internal: secrets removed; account id, emails, phones and IPs kept for the team';
    case 'public':
      return 'public: secrets removed; emails, phones, IPs and the account id tokenised';
    case 'none':
      return 'none (--no-redact): nothing removed from this output; the history still gets the internal profile';
  }
}

/**
 * The one redaction engine: env captures, check output, answers, reports, replies and saved
 * sessions all go through a Redactor.
 *
 * Secrets (tokens, keys, passwords, private keys, card numbers; see redact-rules.ts) become
 * `[REDACTED]`. Personal data, when enabled (the default), becomes a consistent token: the same
 * email is `[EMAIL-1]` everywhere in one redactor's lifetime, so an engineer can still follow who
 * is who; IPs `[IP-n]`, phones `[PHONE-n]`, the home path `~`, the hostname `[HOST]`.
 * Pure: the home path and hostname are passed in, nothing is read from the machine.
 */
import { SECRET_KEY, SECRET_RULES, isPlaceholder, type SecretRule } from './redact-rules.js';
import { escapeRegExp } from './escape-regexp.js';

export const REDACTED = '[REDACTED]';

export interface PersonalDataOptions {
  /** Email addresses → `[EMAIL-n]`. Default true. */
  readonly emails?: boolean;
  /** Phone numbers (international `+…`, North-American, `phone:`-labelled) → `[PHONE-n]`. Default true. */
  readonly phones?: boolean;
  /** IPv4/IPv6 addresses except loopback, unspecified and netmasks → `[IP-n]`. Default true. */
  readonly ips?: boolean;
  /** This user's home directory → `~` (`/home/alice`, `C:\Users\alice`). */
  readonly homePath?: string;
  /** Other users' folders `/Users/<name>` and `C:\Users\<name>` → `~`. Default true. */
  readonly userFolders?: boolean;
  /** This machine's name → `[HOST]` (also its first label: `alice-mbp` of `alice-mbp.local`). */
  readonly hostname?: string;
}

export interface RedactorOptions {
  /** Personal data handling; `false` keeps all personal data (secrets are still removed). Default: all on. */
  readonly personal?: PersonalDataOptions | false;
  /** Exact values to remove wherever they appear (answers to `secret: true` asks). */
  readonly secretValues?: readonly string[];
}

export type FindingCategory = 'secret' | 'personal';

/** One distinct thing removed, for a preview before anything is written out. */
export interface RedactionFinding {
  /** `github-token`, `secret-assignment`, `email`, `ip`, `home-path`... */
  readonly kind: string;
  readonly category: FindingCategory;
  /** Enough to recognise it, never the whole value: `ghp_•••• (40 chars)`, `j•••@example.com`. */
  readonly preview: string;
  /** What it was replaced with: `[REDACTED]`, `[EMAIL-1]`, `~`. */
  readonly replacement: string;
  /** How many times it was replaced. */
  readonly count: number;
}

export interface Redactor {
  redactText(text: string): string;
  /** A redacted copy of strings inside plain objects and arrays; keys untouched, other values as they are. */
  redactDeep<T>(value: T): T;
  /** Everything removed so far, in first-seen order. */
  findings(): RedactionFinding[];
}

const MASK = '•••';

export function createRedactor(options: RedactorOptions = {}): Redactor {
  const personal = options.personal === false ? undefined : { emails: true, phones: true, ips: true, userFolders: true, ...options.personal };
  const found = new Map<string, { kind: string; category: FindingCategory; preview: string; replacement: string; count: number }>();
  const tokens = new Map<string, Map<string, number>>();

  const record = (category: FindingCategory, kind: string, identity: string, preview: string, replacement: string): void => {
    const id = `${category}\u0000${kind}\u0000${identity}`;
    const existing = found.get(id);
    if (existing) existing.count++;
    else found.set(id, { kind, category, preview, replacement, count: 1 });
  };

  /** `[EMAIL-3]`: the same normalised value always gets the same number. */
  const tokenFor = (label: string, normalised: string): string => {
    let numbers = tokens.get(label);
    if (!numbers) tokens.set(label, (numbers = new Map()));
    let n = numbers.get(normalised);
    if (n === undefined) numbers.set(normalised, (n = numbers.size + 1));
    return `[${label}-${n}]`;
  };

  const secretValuePattern = buildLiteralPattern((options.secretValues ?? []).filter((v) => v.length >= 3), false);
  const personalSteps = personal ? buildPersonalSteps(personal) : [];

  const applySecretRule = (rule: SecretRule, text: string): string =>
    text.replace(rule.pattern, (...args: unknown[]) => {
      const { match, groups } = replaceArgs(args);
      const secret = groups?.secret ?? match;
      if (secret.includes(REDACTED) || (rule.validate && !rule.validate(secret, match, groups ?? {}))) return match;
      record('secret', rule.kind, secret, previewSecret(secret, rule.prefix), REDACTED);
      return groups?.secret === undefined ? REDACTED : `${groups.pre ?? ''}${REDACTED}${groups.post ?? ''}`;
    });

  const redactText = (text: string): string => {
    if (typeof text !== 'string' || text.length < 3) return text;
    const lower = text.toLowerCase();
    let out = text;
    if (secretValuePattern) {
      out = out.replace(secretValuePattern, (value) => {
        record('secret', 'secret-value', value, previewSecret(value), REDACTED);
        return REDACTED;
      });
    }
    for (const rule of SECRET_RULES) {
      if (rule.hints && !rule.hints.some((hint) => lower.includes(hint))) continue;
      out = applySecretRule(rule, out);
    }
    for (const step of personalSteps) {
      if (step.hints && !step.hints.some((hint) => lower.includes(hint))) continue;
      out = out.replace(step.pattern, (...args: unknown[]) => {
        const { match, groups, offset, input } = replaceArgs(args);
        const value = groups?.value ?? match;
        const outcome = step.replace(value, { input, offset, tokenFor });
        if (outcome === undefined) return match;
        record('personal', step.kind, outcome.identity, outcome.preview, outcome.replacement);
        return groups?.value === undefined ? outcome.replacement : `${groups.pre ?? ''}${outcome.replacement}`;
      });
    }
    return out;
  };

  const deep = (value: unknown, key: string | undefined): unknown => {
    if (typeof value === 'string') {
      if (key !== undefined && SECRET_KEY.test(key) && !isPlaceholder(value) && !value.includes(REDACTED)) {
        record('secret', 'secret-field', value, `${key}: ${previewSecret(value)}`, REDACTED);
        return REDACTED;
      }
      return redactText(value);
    }
    if (Array.isArray(value)) return value.map((item) => deep(item, key));
    if (value !== null && typeof value === 'object' && isPlainObject(value)) {
      const source = value as Record<string, unknown>;
      // `{ key: 'api_token', value: '...' }` (an env input) is as secret as `{ api_token: '...' }`.
      const namedKey = typeof source.key === 'string' && SECRET_KEY.test(source.key) ? source.key : undefined;
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(source)) copy[k] = deep(v, k === 'value' && namedKey ? namedKey : k);
      return copy;
    }
    return value;
  };

  return {
    redactText,
    redactDeep: <T>(value: T): T => deep(value, undefined) as T,
    findings: () => [...found.values()].map((f) => ({ ...f })),
  };
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function replaceArgs(args: unknown[]): { match: string; groups?: Record<string, string | undefined>; offset: number; input: string } {
  const last = args[args.length - 1];
  const hasGroups = typeof last === 'object' && last !== null;
  const groups = hasGroups ? (last as Record<string, string | undefined>) : undefined;
  const offset = args[args.length - (hasGroups ? 3 : 2)] as number;
  const input = args[args.length - (hasGroups ? 2 : 1)] as string;
  return { match: args[0] as string, groups, offset, input };
}

function buildLiteralPattern(values: readonly string[], ignoreCase: boolean): RegExp | undefined {
  const unique = [...new Set(values)].sort((a, b) => b.length - a.length);
  if (unique.length === 0) return undefined;
  return new RegExp(unique.map(escapeRegExp).join('|'), ignoreCase ? 'gi' : 'g');
}

function previewSecret(secret: string, prefix?: string): string {
  const shown = prefix ? secret.slice(0, prefix.length) : '';
  return `${shown}${MASK} (${secret.length} chars)`;
}

// -------------------------------------------------------------------------------------------------
// Personal data

interface PersonalOutcome {
  readonly replacement: string;
  /** What makes two findings the same thing (normalised value). */
  readonly identity: string;
  readonly preview: string;
}

interface PersonalStep {
  readonly kind: string;
  readonly pattern: RegExp;
  readonly hints?: readonly string[];
  /** undefined leaves the match alone. Groups `pre` (kept) and `value` (replaced) are optional. */
  readonly replace: (
    value: string,
    context: { input: string; offset: number; tokenFor: (label: string, normalised: string) => string },
  ) => PersonalOutcome | undefined;
}

/**
 * Default hostnames that identify nobody and are also ordinary words in a report ("Debian GNU/Linux",
 * "Ubuntu 24.04"): replacing them would mangle the OS name, so they stay.
 */
const GENERIC_HOSTNAMES = new Set([
  'localhost', 'ubuntu', 'debian', 'fedora', 'centos', 'rocky', 'alma', 'almalinux', 'alpine', 'arch', 'archlinux',
  'manjaro', 'kali', 'mint', 'linuxmint', 'pop-os', 'raspberrypi', 'raspberry', 'opensuse', 'suse', 'gentoo', 'nixos',
  'linux', 'vm', 'host', 'server', 'docker-desktop', 'codespaces', 'runner', 'default', 'computer', 'macbook', 'pc',
]);

/** File extensions that look like top-level domains in `logo@2x.png`. */
const FILE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'js', 'mjs', 'cjs', 'ts', 'css', 'map', 'json', 'md', 'txt', 'pdf', 'zip', 'gz', 'lock', 'yaml', 'yml']);

const IPV4 = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}`;

function buildPersonalSteps(options: PersonalDataOptions): PersonalStep[] {
  const steps: PersonalStep[] = [];

  if (options.homePath && options.homePath.length > 1 && options.homePath !== '/') {
    const home = options.homePath.replace(/[\\/]+$/, '');
    const windowsLike = /^[A-Za-z]:[\\/]/.test(home) || home.includes('\\');
    const variants = new Set([home]);
    if (windowsLike) {
      variants.add(home.replace(/\\/g, '/'));
      variants.add(home.replace(/\//g, '\\'));
      variants.add(home.replace(/[\\/]/g, '\\\\')); // as it appears inside JSON
    }
    const alternatives = [...variants].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
    steps.push({
      kind: 'home-path',
      pattern: new RegExp(`(?:${alternatives})(?![A-Za-z0-9_.-])`, windowsLike ? 'gi' : 'g'),
      replace: () => ({ replacement: '~', identity: home, preview: maskPath(home) }),
    });
  }
  if (options.userFolders) {
    steps.push({
      kind: 'home-path',
      pattern: /(?<![\w.-])\/Users\/(?!Shared\b)[^/\s"'\\:]{1,64}(?![^/\s"'\\:])/g,
      hints: ['/users/'],
      replace: (value) => ({ replacement: '~', identity: value, preview: maskPath(value) }),
    });
    steps.push({
      kind: 'home-path',
      pattern: /(?<![\w])[A-Za-z]:(?:\\{1,2}|\/)Users(?:\\{1,2}|\/)(?!(?:Public|Default|All Users)(?![^\\/\s"':]))[^\\/\s"':]{1,64}(?![^\\/\s"':])/gi,
      hints: [':\\users', ':/users', ':\\\\users'],
      replace: (value) => ({ replacement: '~', identity: value.toLowerCase().replace(/\\+/g, '\\'), preview: maskPath(value) }),
    });
  }
  if (options.hostname) {
    const names = [options.hostname];
    const firstLabel = options.hostname.split('.')[0] ?? '';
    if (firstLabel !== options.hostname && firstLabel.length >= 3) names.push(firstLabel);
    const usable = names.filter((n) => n.length >= 2 && !GENERIC_HOSTNAMES.has(n.toLowerCase()));
    const pattern = buildLiteralPattern(usable, true);
    if (pattern) {
      steps.push({
        kind: 'hostname',
        pattern: new RegExp(`(?<![A-Za-z0-9_-])(?:${pattern.source})(?![A-Za-z0-9_-])`, 'gi'),
        hints: usable.map((n) => n.toLowerCase()),
        replace: (value) => ({ replacement: '[HOST]', identity: value.toLowerCase(), preview: `${value[0] ?? ''}${MASK}` }),
      });
    }
  }
  if (options.emails) {
    steps.push({
      kind: 'email',
      pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g,
      hints: ['@'],
      replace: (value, { tokenFor }) => {
        const [local = '', domain = ''] = value.split('@');
        const tld = domain.split('.').pop()?.toLowerCase() ?? '';
        if (FILE_EXTENSIONS.has(tld) || local === 'git' || local.startsWith('.') || local.endsWith('.')) return undefined;
        const normalised = value.toLowerCase();
        return { replacement: tokenFor('EMAIL', normalised), identity: normalised, preview: `${local[0] ?? ''}${MASK}@${domain}` };
      },
    });
  }
  if (options.ips) {
    steps.push({
      kind: 'ip',
      // Full and `::`-compressed forms; validated below (group count, not a `Foo::Bar` name).
      pattern: /(?<![\w:.])(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){7}|(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?)(?:%[A-Za-z0-9]+)?(?![\w:])/g,
      hints: [':'],
      replace: (value, { tokenFor }) => {
        const address = value.split('%')[0]!.toLowerCase();
        const groups = address.split(':').filter(Boolean);
        const compressed = address.includes('::');
        if (groups.length > 8 || (compressed && groups.length > 7) || (!compressed && groups.length !== 8)) return undefined;
        if (address === '::' || address === '::1') return undefined;
        // `Cafe::Bad` is a name, `fe80::1` an address: two groups need one to be all digits.
        if (groups.length < 3 && !groups.some((g) => /^\d+$/.test(g))) return undefined;
        return { replacement: tokenFor('IP', address), identity: address, preview: `${groups[0] ?? ''}:${MASK}` };
      },
    });
    steps.push({
      kind: 'ip',
      pattern: new RegExp(`(?<![\\w.])${IPV4}(?![\\w]|\\.\\d)`, 'g'),
      hints: ['.'],
      replace: (value, { input, offset, tokenFor }) => {
        // Loopback, netmasks and network addresses (`10.0.0.0`, and versions like `126.0.0.0`) are not personal.
        if (/^(?:127\.|255\.)|\.0$/.test(value)) return undefined;
        // A version, not an address: `Chrome/126.0.6478.1`, `v1.2.3.4`, `version 10.2.3.4`, `Firefox 1.2.3.4`.
        const before = input.slice(Math.max(0, offset - 24), offset);
        if (
          /[A-Za-z][\w-]*\/$/.test(before) ||
          /(?:^|[^A-Za-z])v$/i.test(before) ||
          /\b(?:version|ver|build|release|firmware|chrome|chromium|firefox|safari|edge|opera|node|electron|android|ios|windows|macos)[\s:=]*$/i.test(before)
        ) {
          return undefined;
        }
        const octets = value.split('.');
        return { replacement: tokenFor('IP', value), identity: value, preview: `${octets[0]}.${octets[1]}.${MASK}` };
      },
    });
  }
  if (options.phones) {
    const phone = (value: string, tokenFor: (label: string, normalised: string) => string): PersonalOutcome | undefined => {
      const digits = value.replace(/\D/g, '');
      if (digits.length < 7 || digits.length > 15) return undefined;
      const normalised = `${value.trim().startsWith('+') ? '+' : ''}${digits}`;
      return { replacement: tokenFor('PHONE', normalised), identity: normalised, preview: `${MASK}${digits.slice(-2)}` };
    };
    steps.push({
      // Labelled: "Phone: 030 1234567", "tel: (555) 123 4567".
      kind: 'phone',
      pattern: /(?<pre>\b(?:phone|tel|telephone|mobile|cell|fax|whatsapp)\b[^:\n]{0,15}:\s*)(?<value>\+?[\d(][\d ()./-]{5,22}\d)(?![\w])/gi,
      hints: ['phone', 'tel', 'mobile', 'cell', 'fax', 'whatsapp'],
      replace: (value, { tokenFor }) => phone(value, tokenFor),
    });
    steps.push({
      kind: 'phone',
      pattern: /(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){2,6}(?![\w]|[.-]\d)/g,
      hints: ['+'],
      replace: (value, { tokenFor }) => {
        const digits = value.replace(/\D/g, '');
        return digits.length >= 8 ? phone(value, tokenFor) : undefined;
      },
    });
    steps.push({
      // North American: (555) 123-4567, 555-123-4567, 555.123.4567.
      kind: 'phone',
      pattern: /(?<![\w.+-])(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w]|[.-]\d)/g,
      replace: (value, { tokenFor }) => {
        const separators = value.replace(/[\d()\s]/g, '');
        if (new Set(separators).size > 1) return undefined;
        return phone(value, tokenFor);
      },
    });
  }
  return steps;
}

function maskPath(path: string): string {
  const match = /^(.*[\\/])([^\\/]*)$/.exec(path);
  if (!match) return `${path[0] ?? ''}${MASK}`;
  return `${match[1]}${match[2]![0] ?? ''}${MASK}`;
}

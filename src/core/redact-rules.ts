/**
 * The secret-detection rule table used by the redactor (src/core/redact.ts).
 *
 * Each rule is one regular expression. When it has a named group `secret`, only that group is
 * replaced and the groups `pre`/`post` around it are kept (`password=` stays, `https://user:` stays);
 * otherwise the whole match is the secret. `hints` are lower-case literals of which at least one
 * must occur in the text for the rule to run at all: most texts contain none, so most rules cost
 * one `includes` instead of a regex scan. Patterns avoid nested unbounded quantifiers (no ReDoS).
 *
 * Rule order matters: earlier rules run first and later ones see `[REDACTED]` in their place.
 */

export interface SecretRule {
  /** Stable kind shown in findings, e.g. `github-token`. */
  readonly kind: string;
  readonly pattern: RegExp;
  readonly hints?: readonly string[];
  /** A public prefix that may be shown in a preview (`ghp_`, `sk_live_`). */
  readonly prefix?: string;
  /** Extra check on the secret part; false leaves the match alone. */
  readonly validate?: (secret: string, match: string, groups: Readonly<Record<string, string | undefined>>) => boolean;
}

/** Values that are already placeholders, not secrets. */
const PLACEHOLDER = /^(?:\[REDACTED\]|\*+|•+|x{3,}|X{3,}|\.{3,}|<[^>]*>|\{\{[^}]*\}\}|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|%s|null|nil|none|undefined|true|false|yes|no|n\/a|empty|redacted|hidden|\(hidden\)|\(redacted\))$/i;

export function isPlaceholder(value: string): boolean {
  return value.trim() === '' || PLACEHOLDER.test(value.trim());
}

const hasDigit = (s: string): boolean => /\d/.test(s);
const hasLetter = (s: string): boolean => /[A-Za-z]/.test(s);
/** `sk-learn-is-a-python-library`-like prose: lower-case words joined by hyphens. */
const isHyphenatedWords = (s: string): boolean => /^(?:[a-z]+-)+[a-z]+$/.test(s);

/** Key names whose value is a secret (`password=`, `"apiKey":`, `X-Auth-Token:`). Matches the END of a key. */
export const SECRET_KEY_WORDS =
  'password|passwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key|account[_-]?key|credentials?';

/** Whether an object key names a secret value (used by `redactDeep`). */
export const SECRET_KEY = new RegExp(`(?:${SECRET_KEY_WORDS}|cookie|authorization)$`, 'i');

function base64Decodes(value: string, test: (decoded: string) => boolean): boolean {
  try {
    // atob is global in Node 16+ and browsers; the core stays free of node: imports.
    const decoded = atob(value);
    return test(decoded);
  } catch {
    return false;
  }
}

export const SECRET_RULES: readonly SecretRule[] = [
  // --- Key material -------------------------------------------------------------------------
  {
    kind: 'private-key',
    pattern: /(?<pre>-----BEGIN [A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----)(?<secret>[\s\S]*?)(?<post>-----END [A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----)/g,
    hints: ['private key'],
    validate: (secret) => !/^(?:\s|\\n)*\[REDACTED\](?:\s|\\n)*$/.test(secret),
  },
  {
    // A pasted key cut off before its END line: up to the first blank line.
    kind: 'private-key',
    pattern: /(?<pre>-----BEGIN [A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----)(?<secret>(?:(?!-----|\n[ \t]*\n)[\s\S])+)/g,
    hints: ['private key'],
    validate: (secret) => !/^(?:\s|\\n)*\[REDACTED\](?:\s|\\n)*$/.test(secret) && /[A-Za-z0-9+/]{16}/.test(secret),
  },
  { kind: 'age-secret-key', pattern: /\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/g, hints: ['age-secret-key-'], prefix: 'AGE-SECRET-KEY-' },

  // --- Credentials inside URLs and headers -----------------------------------------------------
  {
    kind: 'url-password',
    pattern: /(?<pre>\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}:\/\/[^\s:/@'"<>]{1,256}:)(?<secret>[^\s/@'"<>]{1,256})(?<post>@)/g,
    hints: ['://'],
    validate: (secret) => !isPlaceholder(secret),
  },
  {
    kind: 'slack-webhook',
    pattern: /(?<pre>https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)(?<secret>[A-Za-z0-9_/-]{20,})/g,
    hints: ['hooks.slack.com'],
  },
  {
    kind: 'discord-webhook',
    pattern: /(?<pre>https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/)(?<secret>\d{5,30}\/[A-Za-z0-9_-]{20,})/g,
    hints: ['/api/webhooks/'],
  },
  {
    kind: 'url-secret-parameter',
    pattern:
      /(?<pre>[?&](?:[A-Za-z0-9_.-]{0,30}(?:token|secret|password|passwd|api_?key|apikey|access_?key|client_?secret)|sig|signature|x-amz-signature|x-goog-signature)=)(?<secret>[^&\s#"'<>]{4,})/gi,
    hints: ['token=', 'secret=', 'password=', 'passwd=', 'key=', 'sig=', 'signature='],
    validate: (secret) => !isPlaceholder(decodeURIComponentSafe(secret)),
  },
  {
    kind: 'authorization-header',
    pattern:
      /(?<pre>\b(?:Proxy-)?Authorization["']?\s*[:=]\s*["']?(?:(?:Bearer|Basic|Token|Bot|Digest|Negotiate|NTLM|ApiKey|SSWS|OAuth|token|bearer|basic)\s+)?)(?<secret>[^\s"',;]{6,})/gi,
    hints: ['authorization'],
    validate: (secret) => !isPlaceholder(secret),
  },
  {
    kind: 'bearer-token',
    pattern: /(?<pre>\b[Bb]earer\s+)(?<secret>[A-Za-z0-9._~+/-]{8,}=*)/g,
    hints: ['bearer'],
    // "the bearer of bad news", "Bearer authentication": a token has a digit or is long and mixed.
    validate: (secret) => !isPlaceholder(secret) && (hasDigit(secret) || (secret.length >= 20 && /[a-z]/.test(secret) && /[A-Z]/.test(secret))),
  },
  {
    kind: 'basic-auth',
    pattern: /(?<pre>\bBasic\s+)(?<secret>[A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/g,
    hints: ['basic'],
    validate: (secret) => base64Decodes(secret, (d) => /^[\x20-\x7e]+:[\x20-\x7e]*$/.test(d)),
  },
  {
    kind: 'cookie',
    pattern: /(?<pre>^[ \t>-]*(?:Set-)?Cookie\s*:\s*)(?<secret>[^\r\n]{4,})/gim,
    hints: ['cookie'],
    validate: (secret) => secret.includes('=') && !isPlaceholder(secret),
  },
  {
    kind: 'curl-user',
    pattern: /(?<pre>(?:^|\s)(?:-u|--user)\s+["']?[^\s:"']{1,100}:)(?<secret>[^\s"']{1,256})/g,
    hints: ['-u ', '--user'],
    validate: (secret) => !isPlaceholder(secret),
  },

  // --- Provider tokens with a recognisable shape -----------------------------------------------
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, hints: ['eyj'], prefix: 'eyJ' },
  {
    // The secret half of an AWS key pair written next to its access key id (CSV, env dumps, prose).
    kind: 'aws-secret-access-key',
    pattern: /(?<pre>\b(?:AKIA|ASIA)[A-Z0-9]{16}\b[^\n]{0,80}?(?:\n[^\n]{0,80}?)?)(?<secret>(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=]))/g,
    hints: ['akia', 'asia'],
    validate: (secret) => /[a-z]/.test(secret) && /[A-Z]/.test(secret) && hasDigit(secret),
  },
  {
    kind: 'aws-secret-access-key',
    pattern: /(?<pre>(?:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key)["']?\s*[:=]\s*["']?)(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    hints: ['secret'],
  },
  { kind: 'aws-access-key-id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, hints: ['akia', 'asia', 'abia', 'acca'], prefix: 'AKIA' },
  { kind: 'anthropic-api-key', pattern: /\bsk-ant-(?:api|admin|sid|oat)\d{2}-[A-Za-z0-9_-]{32,}/g, hints: ['sk-ant-'], prefix: 'sk-ant-' },
  {
    kind: 'openai-api-key',
    pattern: /\bsk-(?:proj-|svcacct-|admin-|None-)?(?<body>[A-Za-z0-9_-]{20,})/g,
    hints: ['sk-'],
    prefix: 'sk-',
    validate: (_secret, _match, { body = '' }) => hasDigit(body) && hasLetter(body) && !isHyphenatedWords(body),
  },
  { kind: 'stripe-secret-key', pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g, hints: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'], prefix: 'sk_live_' },
  { kind: 'stripe-webhook-secret', pattern: /\bwhsec_[A-Za-z0-9+/]{24,}/g, hints: ['whsec_'], prefix: 'whsec_' },
  { kind: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g, hints: ['aiza'], prefix: 'AIza' },
  { kind: 'google-oauth-secret', pattern: /\bGOCSPX-[A-Za-z0-9_-]{28}\b/g, hints: ['gocspx-'], prefix: 'GOCSPX-' },
  { kind: 'google-oauth-token', pattern: /\bya29\.[0-9A-Za-z_-]{20,}/g, hints: ['ya29.'], prefix: 'ya29.' },
  { kind: 'twilio-api-key', pattern: /\bSK[0-9a-f]{32}\b/g, hints: ['sk'], prefix: 'SK' },
  { kind: 'sendgrid-api-key', pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g, hints: ['sg.'], prefix: 'SG.' },
  { kind: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g, hints: ['npm_'], prefix: 'npm_' },
  { kind: 'slack-token', pattern: /\bxox[abeoprs]-(?:\d+-)?[A-Za-z0-9-]{10,}/g, hints: ['xox'], prefix: 'xox' },
  { kind: 'slack-app-token', pattern: /\bxapp-\d-[A-Z0-9]{6,}-\d{6,}-[a-f0-9]{20,}/g, hints: ['xapp-'], prefix: 'xapp-' },
  { kind: 'github-token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g, hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], prefix: 'ghp_' },
  { kind: 'github-token', pattern: /\bgithub_pat_[A-Za-z0-9_]{50,255}/g, hints: ['github_pat_'], prefix: 'github_pat_' },
  {
    kind: 'gitlab-token',
    pattern: /\bgl(?:pat|dt|rt|ptt|cbt|soat|oas|ft|imt|agent)-[A-Za-z0-9_-]{20,}/g,
    hints: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glcbt-', 'glsoat-', 'gloas-', 'glft-', 'glimt-', 'glagent-'],
    prefix: 'glpat-',
  },
  { kind: 'huggingface-token', pattern: /\bhf_[A-Za-z]{34}\b/g, hints: ['hf_'], prefix: 'hf_' },
  { kind: 'shopify-token', pattern: /\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b/g, hints: ['shpat_', 'shpss_', 'shpca_', 'shppa_'], prefix: 'shpat_' },
  { kind: 'digitalocean-token', pattern: /\bdo[opr]_v1_[a-f0-9]{64}\b/g, hints: ['_v1_'], prefix: 'dop_v1_' },
  { kind: 'mailgun-api-key', pattern: /\bkey-[0-9a-zA-Z]{32}\b/g, hints: ['key-'], prefix: 'key-', validate: (s) => hasDigit(s) },
  { kind: 'mailchimp-api-key', pattern: /\b[0-9a-f]{32}-us\d{1,2}\b/g, hints: ['-us'] },
  { kind: 'telegram-bot-token', pattern: /(?<!\d)\d{8,10}:AA[0-9A-Za-z_-]{33}(?![0-9A-Za-z_-])/g, hints: [':aa'] },
  { kind: 'square-token', pattern: /\bsq0(?:atp|csp)-[0-9A-Za-z_-]{22,43}\b/g, hints: ['sq0atp-', 'sq0csp-'], prefix: 'sq0atp-' },
  { kind: 'atlassian-api-token', pattern: /\bATATT3[A-Za-z0-9_=-]{100,}/g, hints: ['atatt3'], prefix: 'ATATT3' },
  { kind: 'postman-api-key', pattern: /\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b/g, hints: ['pmak-'], prefix: 'PMAK-' },
  { kind: 'linear-api-key', pattern: /\blin_api_[A-Za-z0-9]{40}\b/g, hints: ['lin_api_'], prefix: 'lin_api_' },
  {
    kind: 'azure-storage-key',
    pattern: /(?<pre>\b(?:AccountKey|SharedAccessKey)=)(?<secret>[A-Za-z0-9+/]{30,}={0,2})/g,
    hints: ['accountkey=', 'sharedaccesskey='],
  },

  // --- `password=...` and friends ----------------------------------------------------------------
  {
    kind: 'secret-assignment',
    pattern: new RegExp(`(?<pre>(?:${SECRET_KEY_WORDS})["']?\\s*(?:[:=]|=>)\\s*(?<q>["']))(?<secret>[^"'\\r\\n]{1,500}?)(?<post>\\k<q>)`, 'gi'),
    hints: ['pass', 'secret', 'token', 'key', 'credential'],
    validate: (secret) => !isPlaceholder(secret),
  },
  {
    kind: 'secret-assignment',
    pattern: new RegExp(`(?<pre>(?:${SECRET_KEY_WORDS})["']?[ \\t]*(?:[:=]|=>)[ \\t]*)(?<secret>[^\\s"'\`,;&<>(){}\\[\\]][^\\s"'\`,;&<>]{0,499})`, 'gi'),
    hints: ['pass', 'secret', 'token', 'key', 'credential'],
    validate: (secret) => !isPlaceholder(secret) && !/^[:=]/.test(secret),
  },

  // --- Payment cards -------------------------------------------------------------------------------
  {
    kind: 'card-number',
    pattern: /(?<![\w.,/:-])\d(?:[ -]?\d){12,18}(?![\w-]|[.,]\d)/g,
    validate: (secret) => isCardNumber(secret),
  },
];

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Luhn checksum over the digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes and lengths of the card networks (Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro). */
function cardBrandMatches(digits: string): boolean {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  if (digits.startsWith('4')) return n === 13 || n === 16 || n === 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16;
  if (p2 === 34 || p2 === 37) return n === 15;
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) return n >= 16 && n <= 19;
  if (p2 === 36 || p2 === 38 || p2 === 39 || (p3 >= 300 && p3 <= 305)) return n >= 14 && n <= 19;
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19;
  if (p2 === 62) return n >= 16 && n <= 19;
  if (p2 === 50 || (p2 >= 56 && p2 <= 69) || p4 === 6759) return n >= 12 && n <= 19;
  return false;
}

/** A card number as written: 13–19 digits, one kind of separator in card-like groups, a network prefix, Luhn. */
export function isCardNumber(text: string): boolean {
  const digits = text.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  const separators = new Set(text.replace(/\d/g, ''));
  if (separators.size > 1) return false;
  if (separators.size === 1) {
    const groups = text.split(/[ -]/).map((g) => g.length).join('-');
    const allowed = /^(?:4-4-4-4(?:-[1-3])?|4-6-5|4-6-4|4-4-4-1|4-4-4-4-4)$/;
    if (!allowed.test(groups)) return false;
  }
  return cardBrandMatches(digits) && luhnValid(digits);
}

/**
 * Turns whatever a customer pasted about their environment into env fields: our own
 * `triage env --json` (or its Markdown/text output), `npx envinfo` (its indented text and its
 * `--json`), a User-Agent string, or plain `key: value` / `key=value` lines.
 * Keys are normalised to `^[a-z][a-z0-9_]*$` (`App version` → `app_version`, `CPU` → `cpus`).
 */
import { ENV_SCHEMA } from './env-report.js';
import { looksLikeUserAgent, parseUserAgent } from './user-agent.js';

/** envinfo's names → the keys our own probes use, where they mean the same thing. */
const KEY_ALIASES: Readonly<Record<string, string>> = {
  cpu: 'cpus',
  operating_system: 'os',
  node_js: 'node',
  nodejs: 'node',
  python3: 'python',
  google_chrome: 'chrome',
  microsoft_edge: 'edge',
  user_agent: 'user_agent',
  useragent: 'user_agent',
  ua: 'user_agent',
};

const ENVINFO_SECTIONS =
  /^(?:System|Binaries|Managers|Utilities|Servers|Virtualization|SDKs|IDEs|Languages|Databases|Browsers|Monorepos|npmPackages|npmGlobalPackages):\s*$/;

export function normaliseKey(raw: string): string | undefined {
  const key = raw
    .trim()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (key === '') return undefined;
  const valid = /^[a-z]/.test(key) ? key : `k_${key}`;
  return KEY_ALIASES[valid] ?? valid;
}

export function parsePastedEnvironment(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{')) {
    try {
      const json = JSON.parse(trimmed) as unknown;
      if (json !== null && typeof json === 'object' && !Array.isArray(json)) return fromJson(json as Record<string, unknown>);
    } catch {
      // Not JSON after all: read it as lines.
    }
  }
  if (looksLikeUserAgent(trimmed)) return userAgentFields('browser', trimmed);
  return fromLines(trimmed);
}

/** `browser`, `browser_os`, `browser_device` from a User-Agent, plus the raw string. */
export function userAgentFields(key: string, ua: string): Record<string, string> {
  const raw = ua.trim().replace(/^user[- ]?agent\s*[:=]\s*/i, '');
  const parsed = parseUserAgent(raw);
  return { user_agent: raw, [key]: parsed.browser, [`${key}_os`]: parsed.os, [`${key}_device`]: parsed.device };
}

function fromJson(json: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  const put = (rawKey: string, value: unknown): void => {
    const key = normaliseKey(rawKey);
    const text = scalarText(value);
    if (key === undefined || text === undefined) return;
    if (key === 'user_agent' && looksLikeUserAgent(text)) Object.assign(fields, userAgentFields('browser', text));
    else fields[key] = text;
  };
  const isTriage = json.schema === ENV_SCHEMA;
  for (const [sectionKey, section] of Object.entries(json)) {
    if (isTriage && (sectionKey === 'schema' || sectionKey === 'captured_at' || sectionKey === 'redacted' || sectionKey === 'triage')) continue;
    if (section !== null && typeof section === 'object' && !Array.isArray(section)) {
      // Our sections and envinfo's (System, Binaries, Browsers, npmPackages...) hold the fields.
      for (const [key, value] of Object.entries(section as Record<string, unknown>)) put(key, value);
    } else {
      put(sectionKey, section);
    }
  }
  return fields;
}

/** A field value: strings and numbers as they are, envinfo's `{ version, path }` as the version. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === 'Not Found' ? 'not found' : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const version = record.version ?? record.installed;
    if (typeof version === 'string') return version;
  }
  return undefined;
}

function fromLines(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  const envinfo = lines.some((line) => ENVINFO_SECTIONS.test(line.trim()));
  for (const rawLine of lines) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || ENVINFO_SECTIONS.test(line)) continue;
    if (looksLikeUserAgent(line)) {
      Object.assign(fields, userAgentFields('browser', line));
      continue;
    }
    const pair = splitPair(line);
    if (!pair) continue;
    const key = normaliseKey(pair.key);
    if (key === undefined) continue;
    let value = pair.value;
    if (key === 'user_agent' && looksLikeUserAgent(value)) {
      Object.assign(fields, userAgentFields('browser', value));
      continue;
    }
    if (envinfo) value = envinfoValue(key, value);
    fields[key] = value;
  }
  return fields;
}

/** `key: value`, `key = value`, `key=value` or a Markdown table row `| key | value |`. */
function splitPair(line: string): { key: string; value: string } | undefined {
  const row = /^\|\s*([^|]+?)\s*\|\s*(.*?)\s*\|\s*$/.exec(line);
  if (row) {
    const [, key = '', value = ''] = row;
    // Header and separator rows of a Markdown table.
    if (/^:?-{2,}:?$/.test(key) || (/^(?:key|field|name)$/i.test(key) && /^value$/i.test(value))) return undefined;
    return value === '' ? undefined : { key, value: unquote(value.replace(/\\\|/g, '|')) };
  }
  const match = /^[-*]?\s*(\p{L}[\p{L}\p{N}_ .()/-]{0,60}?)\s*(?::\s+|:$|\s*=\s*)(.*)$/u.exec(line);
  if (!match) return undefined;
  const value = unquote(match[2]!.trim().replace(/,$/, ''));
  if (value === '') return undefined;
  return { key: match[1]!, value };
}

function unquote(value: string): string {
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
    return value.slice(1, -1);
  }
  return value;
}

/** envinfo writes `20.11.0 - /usr/local/bin/node` and `Not Found`; the shell as `5.9 - /bin/zsh`. */
function envinfoValue(key: string, value: string): string {
  if (value === 'Not Found') return 'not found';
  const split = /^(.*?) - (\S.*)$/.exec(value);
  if (!split) return value;
  const [, version = '', path = ''] = split;
  if (key === 'shell') {
    const name = path.split(/[\\/]/).pop() ?? path;
    return `${name} ${version}`.trim();
  }
  return version;
}

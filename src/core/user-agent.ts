/**
 * A pasted User-Agent string, split into what a support report needs: the browser and its
 * version, the operating system and the kind of device. ua-parser-js 1.x (MIT) does the parsing.
 *
 * Two things a User-Agent cannot tell, and this does not pretend to: Windows 11 sends "Windows NT
 * 10.0" like Windows 10 (so it reads "Windows 10 or 11"), and Safari, Chrome and Firefox on a Mac
 * freeze the macOS version at 10.15.7 (or 10.15), so the version is reported as unknown. What the
 * customer said (statedOperatingSystem) outranks either guess.
 */
import UAParser from 'ua-parser-js';

export interface ParsedUserAgent {
  /** `Chrome 126.0.0.0`, `Mobile Safari 17.5`, `unknown`. */
  readonly browser: string;
  /** `Windows 10 or 11`, `iOS 17.5`, `macOS (version not sent by the browser)`, `unknown`. */
  readonly os: string;
  /** `desktop`, `iPhone (mobile)`, `iPad (tablet)`. */
  readonly device: string;
}

/** Whether a string looks like a browser's User-Agent (and not an answer like "Chrome"). */
export function looksLikeUserAgent(text: string): boolean {
  const line = text.trim();
  if (line.includes('\n') || line.length < 20) return false;
  return /^Mozilla\/\d/.test(line) || /\b(?:AppleWebKit|Gecko|Chrome|CriOS|Firefox|FxiOS|Safari|Edg|OPR)\/\d/.test(line);
}

export function parseUserAgent(ua: string): ParsedUserAgent {
  const result = UAParser(ua.trim().replace(/^user-agent:\s*/i, ''));
  return {
    browser: joinName(result.browser.name, result.browser.version) || 'unknown',
    os: osName(result.os.name, result.os.version),
    device: deviceName(result.device),
  };
}

function joinName(name: string | undefined, version: string | undefined): string {
  return [name, version].filter(Boolean).join(' ');
}

function osName(name: string | undefined, version: string | undefined): string {
  if (!name) return 'unknown';
  if (name === 'Mac OS') {
    // Browsers have sent 10_15_7 (Firefox 10.15) since macOS 11: the real version is unknown.
    if (version === '10.15.7' || version === '10.15') return MAC_FROZEN;
    return joinName('macOS', version);
  }
  // "Windows NT 10.0" is sent by Windows 10 and Windows 11 alike.
  if (name === 'Windows' && version === '10') return 'Windows 10 or 11';
  return joinName(name, version);
}

function deviceName(device: { model?: string; type?: string; vendor?: string }): string {
  if (!device.type) return 'desktop';
  const model = device.model ?? device.vendor ?? 'unknown device';
  return `${model} (${device.type})`;
}

const MAC_FROZEN = 'macOS (version not sent by the browser: it reports 10.15.7 on every macOS since 11)';

/** Whether a parsed OS is a guess the User-Agent cannot settle (Windows 10 or 11, a frozen macOS). */
export function isUncertainOs(os: string): boolean {
  return os === 'Windows 10 or 11' || os === MAC_FROZEN;
}

/**
 * The operating system the customer named in their own words ("I'm on Windows 11", "macOS
 * Sonoma 14.5"), or undefined. Only the families a User-Agent is unsure about are looked for.
 */
export function statedOperatingSystem(text: string): string | undefined {
  const windows = /\bWin(?:dows)?\s*(1[01])\b/i.exec(text);
  if (windows) return `Windows ${windows[1]}`;
  const mac = /\bmac\s?OS(?:\s+X)?\s+((?:Sequoia|Sonoma|Ventura|Monterey|Big Sur|Tahoe)(?:\s+\d+(?:\.\d+)*)?|\d+(?:\.\d+)*)/i.exec(text);
  if (mac) return `macOS ${mac[1]}`;
  const name = /\b(Sequoia|Sonoma|Ventura|Monterey|Big Sur|Tahoe)\b/.exec(text);
  return name ? `macOS ${name[1]}` : undefined;
}

/** The OS for a report: what the customer stated outranks the User-Agent's guess, which is kept beside it. */
export function reconcileOs(parsed: string, stated: string | undefined): string {
  if (stated === undefined || stated.trim() === '' || stated.trim().toLowerCase() === parsed.toLowerCase()) return parsed;
  return `${stated.trim()} (as the customer said; the User-Agent says ${parsed})`;
}

/**
 * A pasted User-Agent string, split into what a support report needs: the browser and its
 * version, the operating system and the kind of device. ua-parser-js 1.x (MIT) does the parsing.
 *
 * Two things a User-Agent cannot tell, and this does not pretend to: Windows 11 sends "Windows NT
 * 10.0" (so it reads as Windows 10), and Safari and Chrome on a Mac freeze the macOS version at
 * 10.15.7.
 */
import UAParser from 'ua-parser-js';

export interface ParsedUserAgent {
  /** `Chrome 126.0.0.0`, `Mobile Safari 17.5`, `unknown`. */
  readonly browser: string;
  /** `Windows 10`, `iOS 17.5`, `macOS (10.15.7 or later)`, `unknown`. */
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
    // Browsers have sent 10_15_7 since macOS 11; the real version is that or later.
    if (version === '10.15.7') return 'macOS (10.15.7 or later)';
    return joinName('macOS', version);
  }
  return joinName(name, version);
}

function deviceName(device: { model?: string; type?: string; vendor?: string }): string {
  if (!device.type) return 'desktop';
  const model = device.model ?? device.vendor ?? 'unknown device';
  return `${model} (${device.type})`;
}

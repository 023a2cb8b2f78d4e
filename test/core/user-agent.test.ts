import { describe, expect, it } from 'vitest';
import { looksLikeUserAgent, parseUserAgent } from '../../src/core/user-agent.js';

const UA = {
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87',
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  pixel: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.122 Mobile Safari/537.36',
};

describe('parseUserAgent', () => {
  it.each([
    ['Chrome on Windows', UA.chromeWindows, { browser: 'Chrome 126.0.0.0', os: 'Windows 10 or 11', device: 'desktop' }],
    ['Edge on Windows', UA.edgeWindows, { browser: 'Edge 126.0.2592.87', os: 'Windows 10 or 11', device: 'desktop' }],
    ['Safari on iPhone', UA.iphone, { browser: 'Mobile Safari 17.5', os: 'iOS 17.5', device: 'iPhone (mobile)' }],
    ['Safari on iPad', UA.ipad, { browser: 'Mobile Safari 17.5', os: 'iOS 17.5', device: 'iPad (tablet)' }],
    ['Safari on a Mac (frozen version)', UA.safariMac, { browser: 'Safari 17.5', os: 'macOS (version not sent by the browser: it reports 10.15.7 on every macOS since 11)', device: 'desktop' }],
    ['Firefox on Linux', UA.firefoxLinux, { browser: 'Firefox 127.0', os: 'Linux', device: 'desktop' }],
    ['Chrome on Android', UA.pixel, { browser: 'Chrome 126.0.6478.122', os: 'Android 14', device: 'Pixel 8 (mobile)' }],
  ])('%s', (_name, ua, expected) => {
    expect(parseUserAgent(ua)).toEqual(expected);
  });

  it('accepts a pasted "User-Agent:" header line', () => {
    expect(parseUserAgent(`User-Agent: ${UA.firefoxLinux}`).browser).toBe('Firefox 127.0');
  });

  it('says unknown for something that is not a User-Agent', () => {
    expect(parseUserAgent('no idea')).toEqual({ browser: 'unknown', os: 'unknown', device: 'desktop' });
  });
});

describe('looksLikeUserAgent', () => {
  it('recognises User-Agents and rejects plain answers', () => {
    expect(looksLikeUserAgent(UA.chromeWindows)).toBe(true);
    expect(looksLikeUserAgent(UA.firefoxLinux)).toBe(true);
    expect(looksLikeUserAgent('Chrome')).toBe(false);
    expect(looksLikeUserAgent('Chrome 126 on Windows 11')).toBe(false);
    expect(looksLikeUserAgent(`${UA.chromeWindows}\nsecond line`)).toBe(false);
  });
});

describe('what a User-Agent cannot tell', () => {
  it('finds the OS a customer named, and lets it outrank the guess', async () => {
    const { statedOperatingSystem, reconcileOs } = await import('../../src/core/user-agent.js');
    expect(statedOperatingSystem('Export fails on my Windows 11 laptop')).toBe('Windows 11');
    expect(statedOperatingSystem('I updated to macOS Sonoma 14.5 yesterday')).toBe('macOS Sonoma 14.5');
    expect(statedOperatingSystem('It fails in Chrome')).toBeUndefined();
    expect(reconcileOs('Windows 10 or 11', 'Windows 11')).toBe('Windows 11 (as the customer said; the User-Agent says Windows 10 or 11)');
    expect(reconcileOs('Windows 10 or 11', undefined)).toBe('Windows 10 or 11');
  });

  it('puts the stated OS in the report environment', async () => {
    const { buildReport } = await import('../../src/core/report.js');
    const { sampleBugCase } = await import('../helpers/sample-case.js');
    const base = sampleBugCase();
    const report = buildReport({ ...base, intake: { ...base.intake, description: 'On Windows 11, exporting to PDF spins forever.' } });
    expect(report.environment.browser_os).toBe('Windows 11 (as the customer said; the User-Agent says Windows 10 or 11)');
    expect(buildReport(base).environment.browser_os).toBe('Windows 10 or 11');
  });
});

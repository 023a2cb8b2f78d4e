/**
 * Environment probes. `detect` probes spawn nothing: they read node:os, process, Intl, the
 * environment and a release file. Tool versions (git, npm, browsers...) read a file when the
 * version is written down somewhere (npm's package.json, Firefox's application.ini, a macOS app's
 * Info.plist, Chrome's versioned folder on Windows) and otherwise run `<tool> --version`.
 * Everything runs concurrently, each command with its own timeout; a probe that fails records why.
 */
import { statSync } from 'node:fs';
import { access, readFile, readdir, readlink, realpath } from 'node:fs/promises';
import * as os from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { TriageError } from '../core/errors.js';
import type { DetectProbe, EnvField } from '../core/model.js';
import { DETECT_PROBES } from '../core/model.js';
import { probeValue, runCommand } from './run-command.js';
import { escapeRegExp } from '../core/escape-regexp.js';

/** Everything the detect probes look at, gathered once so the naming logic stays testable. */
export interface SystemFacts {
  readonly platform: NodeJS.Platform;
  /** os.release(): kernel release (`6.1.0-21-amd64`, `23.5.0`, `10.0.22631`). */
  readonly release: string;
  /** os.version(): `#1 SMP ...`, `Darwin Kernel Version ...`, `Windows 10 Pro`. */
  readonly version: string;
  readonly arch: string;
  readonly cpuModels: readonly string[];
  readonly parallelism: number;
  readonly totalMemory: number;
  readonly freeMemory: number;
  readonly nodeVersion: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Text of /etc/os-release (Linux). */
  readonly osRelease?: string;
  /** ProductVersion from /System/Library/CoreServices/SystemVersion.plist (macOS). */
  readonly macProductVersion?: string;
  readonly locale: string;
  readonly timeZone: string;
  /** Minutes east of UTC right now. */
  readonly utcOffsetMinutes: number;
}

export async function readSystemFacts(env: NodeJS.ProcessEnv = process.env): Promise<SystemFacts> {
  const platform = process.platform;
  const [osRelease, macPlist] = await Promise.all([
    platform === 'linux' || platform === 'android'
      ? readText('/etc/os-release').then((t) => t ?? readText('/usr/lib/os-release'))
      : Promise.resolve(undefined),
    platform === 'darwin' ? readText('/System/Library/CoreServices/SystemVersion.plist') : Promise.resolve(undefined),
  ]);
  // Intl's first use loads ICU data (10–20 ms); the environment and /etc/localtime usually say the same for free.
  let intl: Intl.ResolvedDateTimeFormatOptions | undefined;
  const intlOptions = (): Intl.ResolvedDateTimeFormatOptions => (intl ??= Intl.DateTimeFormat().resolvedOptions());
  const locale = localeFromEnv(env) ?? intlOptions().locale;
  const timeZone = (await timeZoneFromSystem(env, platform)) ?? intlOptions().timeZone;
  const cpus = os.cpus();
  return {
    platform,
    release: os.release(),
    version: os.version(),
    arch: process.arch,
    cpuModels: cpus.map((c) => c.model),
    parallelism: os.availableParallelism(),
    totalMemory: os.totalmem(),
    freeMemory: os.freemem(),
    nodeVersion: process.versions.node,
    env,
    osRelease,
    macProductVersion: macPlist === undefined ? undefined : plistString(macPlist, 'ProductVersion'),
    locale,
    timeZone,
    utcOffsetMinutes: -new Date().getTimezoneOffset(),
  };
}

/** `en_US.UTF-8` → `en-US`, from LC_ALL, LC_MESSAGES or LANG; `C`/`POSIX` are what ICU calls en-US. */
export function localeFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const raw = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  if (!raw) return undefined;
  const base = raw.split(/[.@]/)[0] ?? '';
  if (base === 'C' || base === 'POSIX') return 'en-US';
  return /^[a-z]{2,3}(?:_[A-Za-z]{2,4})?$/.test(base) ? base.replace('_', '-') : undefined;
}

/** TZ, or the zone /etc/localtime links to (`/usr/share/zoneinfo/Europe/Berlin`), or /etc/timezone. */
async function timeZoneFromSystem(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<string | undefined> {
  const tz = env.TZ?.replace(/^:/, '');
  if (tz && /^[A-Za-z]+(?:[/_+-][A-Za-z0-9_+-]+)*$/.test(tz)) return tz;
  if (platform === 'win32' || tz) return undefined;
  const link = await readlink('/etc/localtime').catch(() => undefined);
  const zone = link ? /zoneinfo\/(.+)$/.exec(link)?.[1] : undefined;
  if (zone) return zone;
  return (await readText('/etc/timezone'))?.trim() || undefined;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The value of one `detect:` probe. Pure: everything comes from `facts`. */
export function detectValue(probe: DetectProbe, facts: SystemFacts): string {
  switch (probe) {
    case 'os':
      return osName(facts);
    case 'os_version':
      return osVersion(facts);
    case 'arch':
      return facts.arch;
    case 'cpus':
      return cpuSummary(facts);
    case 'memory':
      return `${gib(facts.totalMemory)} total, ${gib(facts.freeMemory)} free`;
    case 'node':
      return facts.nodeVersion;
    case 'shell':
      return shellName(facts);
    case 'terminal':
      return terminalName(facts.env);
    case 'locale':
      return localeName(facts);
    case 'timezone':
      return `${facts.timeZone} (UTC${formatOffset(facts.utcOffsetMinutes)})`;
  }
}

export function detectAll(facts: SystemFacts): Record<DetectProbe, string> {
  const values = {} as Record<DetectProbe, string>;
  for (const probe of DETECT_PROBES) values[probe] = detectValue(probe, facts);
  return values;
}

/** `KEY=value` lines of an os-release file, quotes removed. */
export function parseOsRelease(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    let value = match[2]!.trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
    }
    values[match[1]!] = value;
  }
  return values;
}

/** macOS marketing names by major version. */
const MACOS_NAMES: Readonly<Record<string, string>> = {
  '10.12': 'Sierra',
  '10.13': 'High Sierra',
  '10.14': 'Mojave',
  '10.15': 'Catalina',
  '11': 'Big Sur',
  '12': 'Monterey',
  '13': 'Ventura',
  '14': 'Sonoma',
  '15': 'Sequoia',
  '26': 'Tahoe',
};

/** macOS major version from the Darwin kernel release: 23.x → 14, 16.x → 10.12, 25.x → 26. */
export function macOSVersionFromDarwin(release: string): string | undefined {
  const major = Number.parseInt(release, 10);
  if (!Number.isFinite(major) || major < 5) return undefined;
  if (major >= 25) return String(major + 1);
  if (major >= 20) return String(major - 9);
  return `10.${major - 4}`;
}

export function macOSName(productVersion: string): string {
  const [major = '', minor = ''] = productVersion.split('.');
  const key = major === '10' ? `10.${minor}` : major;
  const name = MACOS_NAMES[key];
  return name ? `macOS ${key} ${name}` : `macOS ${key}`;
}

/**
 * Windows 11 reports NT 10.0 and a registry ProductName of "Windows 10": only the build number
 * (22000 and later) tells them apart.
 */
export function windowsName(release: string, version: string): string {
  const [major = 0, minor = 0, build = 0] = release.split('.').map((n) => Number.parseInt(n, 10) || 0);
  if (/server/i.test(version)) return version.trim();
  let name: string;
  if (major === 10) name = build >= 22000 ? 'Windows 11' : 'Windows 10';
  else if (major === 6 && minor === 3) name = 'Windows 8.1';
  else if (major === 6 && minor === 2) name = 'Windows 8';
  else if (major === 6 && minor === 1) name = 'Windows 7';
  else name = `Windows NT ${major}.${minor}`;
  // Keep the edition ("Pro", "Home") from os.version(), whatever number it claims.
  const edition = /^Windows (?:\d+(?:\.\d+)?|NT [\d.]+)\s+(.+)$/i.exec(version.trim())?.[1];
  return edition ? `${name} ${edition}` : name;
}

export function osName(facts: SystemFacts): string {
  switch (facts.platform) {
    case 'linux': {
      const info = facts.osRelease ? parseOsRelease(facts.osRelease) : {};
      return info.PRETTY_NAME || [info.NAME, info.VERSION].filter(Boolean).join(' ') || `Linux ${facts.release}`;
    }
    case 'darwin': {
      const version = facts.macProductVersion ?? macOSVersionFromDarwin(facts.release);
      return version ? macOSName(version) : `Darwin ${facts.release}`;
    }
    case 'win32':
      return windowsName(facts.release, facts.version);
    case 'android':
      return 'Android';
    case 'freebsd':
      return `FreeBSD ${facts.release}`;
    default:
      return `${facts.platform} ${facts.release}`;
  }
}

export function osVersion(facts: SystemFacts): string {
  switch (facts.platform) {
    case 'linux': {
      const info = facts.osRelease ? parseOsRelease(facts.osRelease) : {};
      const distro = info.VERSION_ID ?? info.BUILD_ID;
      return distro ? `${distro} (kernel ${facts.release})` : facts.release;
    }
    case 'darwin':
      return facts.macProductVersion ?? macOSVersionFromDarwin(facts.release) ?? facts.release;
    default:
      // Windows: 10.0.22631 (the build number is what support needs).
      return facts.release;
  }
}

export function cpuSummary(facts: SystemFacts): string {
  const models = facts.cpuModels.map((m) => m.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const count = facts.cpuModels.length || facts.parallelism;
  const distinct = [...new Set(models)];
  // Hybrid chips list performance and efficiency cores separately; one line per model.
  if (distinct.length > 1) {
    return distinct.map((m) => `${models.filter((x) => x === m).length} × ${m}`).join(', ');
  }
  return `${count} × ${distinct[0] ?? 'unknown CPU'}`;
}

export function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function shellName(facts: SystemFacts): string {
  const { env } = facts;
  if (env.SHELL) return `${basename(env.SHELL)} (${env.SHELL})`;
  if (facts.platform === 'win32') {
    // cmd.exe defines PROMPT; PowerShell does not. Best effort: neither tells its version.
    if (env.PROMPT) return env.ComSpec ? `cmd.exe (${env.ComSpec})` : 'cmd.exe';
    if (env.PSModulePath) return 'PowerShell';
    if (env.ComSpec) return basename(env.ComSpec.replace(/\\/g, '/'));
  }
  return 'unknown';
}

/** The terminal emulator, from the variables each one sets, then TERM. */
export function terminalName(env: Readonly<Record<string, string | undefined>>): string {
  const withVersion = (name: string, version?: string): string => (version ? `${name} ${version}` : name);
  let name: string | undefined;
  if (env.TERM_PROGRAM) name = withVersion(env.TERM_PROGRAM, env.TERM_PROGRAM_VERSION);
  else if (env.WT_SESSION) name = 'Windows Terminal';
  else if (env.TERMINAL_EMULATOR?.includes('JetBrains')) name = 'JetBrains terminal';
  else if (env.KITTY_WINDOW_ID) name = 'kitty';
  else if (env.ALACRITTY_SOCKET || env.ALACRITTY_LOG) name = 'Alacritty';
  else if (env.WEZTERM_EXECUTABLE) name = 'WezTerm';
  else if (env.KONSOLE_VERSION) name = withVersion('Konsole', env.KONSOLE_VERSION);
  else if (env.GNOME_TERMINAL_SCREEN || env.GNOME_TERMINAL_SERVICE) name = 'GNOME Terminal';
  else if (env.VTE_VERSION) name = withVersion('VTE terminal', env.VTE_VERSION);
  else if (env.ConEmuPID) name = 'ConEmu';
  const multiplexer = env.TMUX ? 'tmux' : env.STY ? 'screen' : undefined;
  const parts = [name, multiplexer && `in ${multiplexer}`].filter(Boolean).join(' ');
  if (parts && env.TERM) return `${parts} (TERM=${env.TERM})`;
  if (parts) return parts;
  if (env.TERM) return env.TERM;
  return 'unknown';
}

export function localeName(facts: SystemFacts): string {
  const { env } = facts;
  const variable = env.LC_ALL ? ['LC_ALL', env.LC_ALL] : env.LC_MESSAGES ? ['LC_MESSAGES', env.LC_MESSAGES] : env.LANG ? ['LANG', env.LANG] : undefined;
  return variable ? `${facts.locale} (${variable[0]}=${variable[1]})` : facts.locale;
}

// ---------------------------------------------------------------------------------------------
// Playbook env fields

export interface CaptureOptions {
  /** Whether the playbook's directory is trusted to run commands (docs/cli.md, Trust). */
  readonly trusted: boolean;
  /** Named in the error when commands are not allowed (a playbook path or directory). */
  readonly source?: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Facts to use instead of reading this machine's (tests). */
  readonly facts?: SystemFacts;
}

/**
 * Captures the `detect` and `run` fields (ask fields are skipped: they are asked, not captured).
 * All fields run concurrently, each `run` with its own timeout; a failure is recorded as the
 * field's value (`timed out after 5000 ms`, `exited 127: command not found`) and never stops the rest.
 * Throws before running anything when a field would run a command and `trusted` is false.
 */
export async function captureEnvFields(fields: readonly EnvField[], options: CaptureOptions): Promise<Record<string, string>> {
  const runFields = fields.filter((f) => f.source.kind === 'run');
  if (runFields.length > 0 && !options.trusted) {
    const first = runFields[0]!;
    const argv = first.source.kind === 'run' ? first.source.argv.join(' ') : '';
    throw new TriageError(
      'commands-not-trusted',
      `${options.source ? `${options.source} ` : 'This playbook '}wants to run commands (env field \`${first.key}\`: \`${argv}\`), and its directory is not trusted.`,
      { hint: 'Trust the directory with `triage trust <dir>`, or allow commands for this run with --allow-commands.' },
    );
  }
  const needsFacts = fields.some((f) => f.source.kind === 'detect');
  const facts = needsFacts ? (options.facts ?? (await readSystemFacts(options.env ?? process.env))) : undefined;
  const entries = await Promise.all(
    fields.map(async (field): Promise<[string, string] | undefined> => {
      const { source } = field;
      if (source.kind === 'detect') return [field.key, detectValue(source.probe, facts!)];
      if (source.kind === 'run') {
        const result = await runCommand(source.argv, { timeoutMs: source.timeoutMs, cwd: options.cwd, env: options.env });
        return [field.key, probeValue(result)];
      }
      return undefined;
    }),
  );
  const values: Record<string, string> = {};
  for (const entry of entries) if (entry) values[entry[0]] = entry[1];
  return values;
}

// ---------------------------------------------------------------------------------------------
// Tool and browser versions for `triage env`

export const NOT_FOUND = 'not found';

export interface ToolVersionOptions {
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  /** Keys to probe (default: all). */
  readonly only?: ReadonlySet<string>;
}

export const BINARY_KEYS = ['git', 'npm', 'yarn', 'pnpm', 'python', 'docker'] as const;
export const BROWSER_KEYS = ['chrome', 'chromium', 'firefox', 'edge', 'safari'] as const;

interface ToolSpec {
  readonly key: string;
  /** Executable names tried on PATH, first found wins. */
  readonly names: readonly string[];
  readonly args?: readonly string[];
  /** npm package whose package.json next to the executable holds the version. */
  readonly packageName?: string;
  /** Firefox keeps `Version=` in application.ini beside its binary. */
  readonly applicationIni?: boolean;
}

function binarySpecs(platform: NodeJS.Platform): ToolSpec[] {
  return [
    { key: 'git', names: ['git'] },
    { key: 'npm', names: ['npm'], packageName: 'npm' },
    { key: 'yarn', names: ['yarn'], packageName: 'yarn' },
    { key: 'pnpm', names: ['pnpm'], packageName: 'pnpm' },
    { key: 'python', names: platform === 'win32' ? ['python', 'py'] : ['python3', 'python'] },
    { key: 'docker', names: ['docker'] },
  ];
}

function linuxBrowserSpecs(): ToolSpec[] {
  return [
    { key: 'chrome', names: ['google-chrome', 'google-chrome-stable'] },
    { key: 'chromium', names: ['chromium', 'chromium-browser'] },
    { key: 'firefox', names: ['firefox', 'firefox-esr'], applicationIni: true },
    { key: 'edge', names: ['microsoft-edge', 'microsoft-edge-stable'] },
  ];
}

const MAC_APPS: Readonly<Record<string, string>> = {
  chrome: 'Google Chrome.app',
  chromium: 'Chromium.app',
  firefox: 'Firefox.app',
  edge: 'Microsoft Edge.app',
  safari: 'Safari.app',
};

/**
 * The first executable called `name` on PATH, as a shell would find it (PATHEXT on Windows).
 * Synchronous stats: a few dozen cost well under a millisecond, less than reading every PATH folder.
 */
export function findOnPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  const pathVar = env.PATH ?? env.Path ?? '';
  const dirs = [...new Set(pathVar.split(platform === 'win32' ? ';' : delimiter).filter(Boolean))];
  const extensions = platform === 'win32' ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean) : [''];
  for (const dir of dirs) {
    for (const ext of extensions) {
      const candidate = join(dir, name + ext);
      const info = statSync(candidate, { throwIfNoEntry: false });
      if (info?.isFile() && (platform === 'win32' || (info.mode & 0o111) !== 0)) return candidate;
    }
  }
  return undefined;
}

/** The first `1.2.3`-like version in a tool's output (`git version 2.39.5` → `2.39.5`). */
export function extractVersion(output: string): string {
  const match = /\d+(?:\.\d+)+[0-9A-Za-z.+_-]*/.exec(output);
  if (match) return match[0].replace(/[-+._]+$/, '');
  return output.split(/\r?\n/)[0]?.trim() ?? '';
}

/** A string value from an XML property list. */
export function plistString(xml: string, key: string): string | undefined {
  return new RegExp(`<key>${escapeRegExp(key)}</key>\\s*<string>([^<]*)</string>`).exec(xml)?.[1]?.trim() || undefined;
}

/** `Version=115.12.0esr` from a Mozilla application.ini. */
export function applicationIniVersion(text: string): string | undefined {
  return /^Version=(.+)$/m.exec(text)?.[1]?.trim() || undefined;
}

/** The highest `126.0.6478.127`-style folder name (how Chrome and Edge install on Windows). */
export function highestVersionName(names: readonly string[]): string | undefined {
  const versions = names.filter((n) => /^\d+(\.\d+)+$/.test(n));
  const compare = (a: string, b: string): number => {
    const x = a.split('.').map(Number);
    const y = b.split('.').map(Number);
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const d = (x[i] ?? 0) - (y[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  };
  return versions.sort(compare).at(-1);
}

async function packageVersionNear(executable: string, packageName: string): Promise<string | undefined> {
  const candidates: string[] = [join(dirname(executable), 'node_modules', packageName, 'package.json')];
  try {
    let dir = dirname(await realpath(executable));
    for (let i = 0; i < 3; i++) {
      candidates.push(join(dir, 'package.json'));
      dir = dirname(dir);
    }
  } catch {
    // Fall through to the other candidate.
  }
  for (const file of candidates) {
    const text = await readText(file);
    if (!text) continue;
    try {
      const pkg = JSON.parse(text) as { name?: string; version?: string };
      if (pkg.name === packageName && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Not JSON; keep looking.
    }
  }
  return undefined;
}

async function readFirstWord(path: string): Promise<string | undefined> {
  const text = await readText(path);
  return text
    ?.split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim())
    .find(Boolean)
    ?.split(/\s+/)[0];
}

/**
 * pyenv's shims are bash scripts that take 40–150 ms just to pick a version. Resolve the choice
 * the way pyenv does (PYENV_VERSION, a `.python-version` up from the working directory, the global
 * `version` file) and use the real interpreter, whose folder name is usually its version.
 */
export async function resolvePyenvShim(
  executable: string,
  name: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<{ version?: string; executable?: string } | undefined> {
  const root = env.PYENV_ROOT ?? join(os.homedir(), '.pyenv');
  if (dirname(executable) !== join(root, 'shims')) return undefined;
  let version = env.PYENV_VERSION?.split(':')[0]?.trim() || undefined;
  for (let dir = cwd; version === undefined; dir = dirname(dir)) {
    version = await readFirstWord(join(dir, '.python-version'));
    if (dirname(dir) === dir) break;
  }
  version ??= (await readFirstWord(join(root, 'version'))) ?? 'system';
  if (version === 'system') return undefined;
  const real = join(root, 'versions', version, 'bin', name);
  if (!(await access(real).then(() => true, () => false))) return undefined;
  return /^\d+\.\d+\.\d+$/.test(version) ? { version } : { executable: real };
}

async function probeTool(spec: ToolSpec, options: ToolVersionOptions, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<string> {
  let name: string | undefined;
  let executable: string | undefined;
  for (const candidate of spec.names) {
    executable = findOnPath(candidate, env, platform);
    if (executable) {
      name = candidate;
      break;
    }
  }
  if (name === undefined || executable === undefined) return NOT_FOUND;
  if (spec.key === 'python') {
    const pyenv = await resolvePyenvShim(executable, name, env, process.cwd());
    if (pyenv?.version) return pyenv.version;
    if (pyenv?.executable) executable = pyenv.executable;
  }
  if (spec.packageName) {
    const version = await packageVersionNear(executable, spec.packageName);
    if (version) return version;
  }
  if (spec.applicationIni) {
    const ini = await realpath(executable)
      .then((real) => readText(join(dirname(real), 'application.ini')))
      .catch(() => undefined);
    const version = ini === undefined ? undefined : applicationIniVersion(ini);
    if (version) return version;
  }
  const result = await runCommand([executable, ...(spec.args ?? ['--version'])], { timeoutMs: options.timeoutMs, env });
  if (result.passed) return extractVersion(`${result.stdout}\n${result.stderr}`.trim());
  return probeValue(result);
}

async function macAppVersion(key: string, options: ToolVersionOptions, env: NodeJS.ProcessEnv): Promise<string> {
  const app = MAC_APPS[key];
  if (!app) return NOT_FOUND;
  const roots = key === 'safari' ? ['/Applications'] : ['/Applications', join(os.homedir(), 'Applications')];
  for (const root of roots) {
    const plist = join(root, app, 'Contents', 'Info.plist');
    const text = await readText(plist);
    if (text === undefined) continue;
    const version = plistString(text, 'CFBundleShortVersionString');
    if (version) return version;
    // A binary plist: let `defaults` read it.
    const result = await runCommand(['defaults', 'read', plist.replace(/\.plist$/, ''), 'CFBundleShortVersionString'], {
      timeoutMs: options.timeoutMs,
      env,
    });
    return result.passed ? result.stdout.trim() : probeValue(result);
  }
  return NOT_FOUND;
}

async function windowsBrowserVersion(key: string, env: NodeJS.ProcessEnv): Promise<string> {
  const programFiles = [env.ProgramFiles, env['ProgramFiles(x86)'], env.LOCALAPPDATA].filter((d): d is string => Boolean(d));
  const folders: Readonly<Record<string, readonly string[]>> = {
    chrome: ['Google\\Chrome\\Application'],
    chromium: ['Chromium\\Application'],
    edge: ['Microsoft\\Edge\\Application'],
  };
  if (key === 'firefox') {
    for (const root of programFiles) {
      const ini = await readText(join(root, 'Mozilla Firefox', 'application.ini'));
      const version = ini === undefined ? undefined : applicationIniVersion(ini);
      if (version) return version;
    }
    return NOT_FOUND;
  }
  for (const root of programFiles) {
    for (const folder of folders[key] ?? []) {
      const names = await readdir(join(root, folder)).catch(() => undefined);
      const version = names && highestVersionName(names);
      if (version) return version;
    }
  }
  return NOT_FOUND;
}

/**
 * Versions of common tools and browsers, each probed concurrently with `timeoutMs`.
 * Absent tools are `not found` without spawning anything; failures say why.
 */
export async function captureToolVersions(
  options: ToolVersionOptions,
): Promise<{ binaries: Record<string, string>; browsers: Record<string, string> }> {
  const platform = options.platform ?? process.platform;
  // Tools must not prompt or download (corepack would offer to fetch yarn/pnpm).
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), COREPACK_ENABLE_DOWNLOAD_PROMPT: '0', COREPACK_ENABLE_NETWORK: '0' };
  const wanted = (key: string): boolean => !options.only || options.only.has(key);
  const binarySpecsWanted = binarySpecs(platform).filter((s) => wanted(s.key));
  // Safari exists only on macOS; elsewhere it is not worth a line.
  const browserKeys = BROWSER_KEYS.filter((key) => wanted(key) && (key !== 'safari' || platform === 'darwin'));
  const linuxBrowsers = new Map(linuxBrowserSpecs().map((s) => [s.key, s]));

  const browserVersion = (key: string): Promise<string> => {
    if (platform === 'darwin') return macAppVersion(key, options, env);
    if (platform === 'win32') return key === 'safari' ? Promise.resolve(NOT_FOUND) : windowsBrowserVersion(key, env);
    const spec = linuxBrowsers.get(key);
    return spec ? probeTool(spec, options, env, platform) : Promise.resolve(NOT_FOUND);
  };

  const [binaryValues, browserValues] = await Promise.all([
    Promise.all(binarySpecsWanted.map((spec) => probeTool(spec, options, env, platform))),
    Promise.all(browserKeys.map(browserVersion)),
  ]);
  const binaries: Record<string, string> = {};
  binarySpecsWanted.forEach((spec, i) => (binaries[spec.key] = binaryValues[i]!));
  const browsers: Record<string, string> = {};
  browserKeys.forEach((key, i) => (browsers[key] = browserValues[i]!));
  return { binaries, browsers };
}

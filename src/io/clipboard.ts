/**
 * `--copy`: the system clipboard through clipboardy (pbcopy on macOS, clip/PowerShell on Windows
 * and WSL, wl-copy on Wayland, xsel on X11, with its own bundled xsel as a fallback). Loaded
 * with import() only when asked, so no other command pays for it.
 *
 * A headless server or an SSH session has no clipboard: that is a normal situation, not an
 * error. The result says why in a few words and the caller still prints the text.
 */
export type CopyResult = { readonly copied: true } | { readonly copied: false; readonly reason: string };

export interface CopyOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  /** A clipboard tool waiting on a display that never answers must not hang the command. */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;

function isWsl(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.WSL_DISTRO_NAME || env.WSL_INTEROP);
}

/** Why copying failed, in a few words for a one-line message. */
export function clipboardFailureReason(error: unknown, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (platform === 'linux' && !isWsl(env) && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return 'no X11 or Wayland display, as on a server or over SSH';
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/find the `?xsel`?|ENOENT|not found/i.test(message)) return 'no clipboard tool found (install xsel, xclip or wl-clipboard)';
  if (/display/i.test(message)) return 'cannot reach the display server';
  const first = message.split(/(?<=\.)\s|\n/)[0]?.trim() ?? '';
  return first.length > 100 ? `${first.slice(0, 97)}...` : first || 'the clipboard tool failed';
}

export async function copyToClipboard(text: string, options: CopyOptions = {}): Promise<CopyResult> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  let timer: NodeJS.Timeout | undefined;
  try {
    const { default: clipboard } = await import('clipboardy');
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the clipboard did not answer in time')), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      timer.unref();
    });
    await Promise.race([clipboard.write(text), timeout]);
    return { copied: true };
  } catch (error) {
    return { copied: false, reason: clipboardFailureReason(error, env, platform) };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * A throwaway PostgreSQL server for tests: `initdb` a cluster in a temp directory, start it on a
 * free localhost port, hand out fresh databases, stop and delete it in teardown.
 *
 * Needs the server binaries (Debian: `apt-get install postgresql`; .ci/run installs them). When
 * they are missing this throws: the PostgreSQL suite must fail, never skip silently. PostgreSQL
 * refuses to run as root, so as root the cluster runs as the `postgres` user (or `nobody`).
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export interface PostgresServer {
  readonly port: number;
  readonly binDir: string;
  /** A URL for `database` on this server. */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): string;
  stop(): void;
}

export function findPostgresBinDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (env.PG_BIN_DIR) candidates.push(env.PG_BIN_DIR);
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(root, v, 'bin')));
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/** uid/gid of a non-root account to run the server as, when we are root. */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const name of ['postgres', 'nobody']) {
    const entry = passwd.find((line) => line.startsWith(`${name}:`));
    if (entry) {
      const [, , uid, gid] = entry.split(':');
      return { uid: Number(uid), gid: Number(gid) };
    }
  }
  throw new Error('Running as root and found neither a `postgres` nor a `nobody` account to run PostgreSQL as.');
}

export async function startPostgres(): Promise<PostgresServer> {
  const binDir = findPostgresBinDir();
  if (!binDir) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or PG_BIN_DIR. ' +
        'Install them (Debian: apt-get install -y postgresql; .ci/run does this) to run the PostgreSQL suite.',
    );
  }
  const account = serverAccount();
  // As root the server runs as another user, who must reach the directory: /tmp always allows
  // that, a private TMPDIR may not.
  const dir = mkdtempSync(join(account ? '/tmp' : tmpdir(), 'triage-pg-'));
  if (account) chownSync(dir, account.uid, account.gid);
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const run = (bin: string, args: string[], options: SpawnSyncOptions = {}): void => {
    const result = spawnSync(join(binDir, bin), args, {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' },
      ...(account ?? {}),
      ...options,
    });
    if (result.status !== 0) {
      const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
      throw new Error(`${bin} ${args.join(' ')} failed (${result.status ?? result.signal}): ${String(result.stderr)}${String(result.stdout)}\n${log}`);
    }
  };
  run('initdb', ['-D', dataDir, '-U', 'triage', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  const serverOptions = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=100',
  ].join(' ');
  run('pg_ctl', ['-D', dataDir, '-o', serverOptions, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    spawnSync(join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], {
      cwd: dir,
      stdio: 'ignore',
      timeout: 30_000,
      ...(account ?? {}),
    });
    rmSync(dir, { recursive: true, force: true });
  };
  // A crashed or interrupted test run must not leave a server behind.
  process.once('exit', stop);
  const url = (database = 'postgres'): string => `postgres://triage@127.0.0.1:${port}/${database}`;
  return {
    port,
    binDir,
    url,
    createDatabase(name) {
      run('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'triage', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE "${name}"`]);
      return url(name);
    },
    stop,
  };
}

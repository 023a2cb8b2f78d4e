/**
 * A throwaway Request Tracker 5 for tests: a copy of the database the Debian package seeded, a
 * private site configuration, and RT's standalone server on a free 127.0.0.1 port. Stopping it
 * ends the whole process group and deletes the directory.
 *
 * Needs the Debian packages request-tracker5, rt5-db-sqlite and rt5-standalone (.ci/run installs
 * them). Without them this throws: the RT suite must fail, never skip.
 *
 * Why each step:
 * - Debian's site configuration directory sets the database; RT reads `RT_SITE_CONFIG` (a file) and
 *   `RT_SITE_CONFIG_DIR` (instead of both site directories), so pointing both at private paths
 *   leaves Debian's settings out entirely.
 * - The copied database gets root's password re-hashed with bcrypt cost 4 (RT checks the password
 *   on every REST request; at the seeded cost 12 that is about 0.25 s a request, at 4 under 0.03 s), an
 *   auth token for root, and the CreateTicket and ReplyToTicket rights for Everyone, so customer
 *   mail through the mail gateway creates tickets and adds messages as the customer.
 * - `$MailCommand = 'testfile'`: RT writes its outgoing mail to a temp file, never to a mailer.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RT_SERVER = '/usr/share/request-tracker5/libexec/rt-server';
const DEBIAN_DB_CONFIG = '/etc/request-tracker5/RT_SiteConfig.d/51-dbconfig-common.pm';
const DEFAULT_DB = '/var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb';
const READY_WITHIN_MS = 30_000;

export const RT_ROOT = { user: 'root', password: 'password' } as const;

export interface Customer {
  readonly email: string;
  readonly name: string;
}

export interface MailAttachment {
  readonly filename: string;
  readonly text: string;
}

export interface HistoryEntry {
  readonly id: string;
  readonly type: string;
  readonly creator: string;
  /** The transaction's text/plain content (its first text part). */
  readonly content: string;
}

export interface RtServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT`, RT's web and REST base. */
  readonly url: string;
  /** An RT auth token for root (`Authorization: token …`). */
  readonly rootToken: string;
  /** Creates the customer's user record, then a ticket from the customer's mail; returns its id. */
  createTicketAsCustomer(customer: Customer, subject: string, text: string, attachments?: readonly MailAttachment[]): Promise<string>;
  /** A later message from the customer on the ticket, through the mail gateway. */
  addCustomerMessage(ticketId: string, customer: Customer, text: string): Promise<void>;
  /** The ticket's transactions, oldest first, with each one's text. */
  history(ticketId: string): Promise<HistoryEntry[]>;
  /** GET below /REST/2.0 as root; the parsed JSON body. */
  rest(path: string): Promise<unknown>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** The SQLite database dbconfig-common seeded when the package was installed. */
function seededDatabase(): string {
  const configured = existsSync(DEBIAN_DB_CONFIG) ? /Set\s*\(\s*\$DatabaseName,\s*'([^']+)'\s*\.\s*'\/'\s*\.\s*\$dbc_dbname/.exec(readFileSync(DEBIAN_DB_CONFIG, 'utf8')) : null;
  const dbName = existsSync(DEBIAN_DB_CONFIG) ? /\$dbc_dbname\s*=\s*'([^']+)'/.exec(readFileSync(DEBIAN_DB_CONFIG, 'utf8'))?.[1] : undefined;
  const path = configured && dbName ? join(configured[1]!, dbName) : DEFAULT_DB;
  if (!existsSync(path)) {
    throw new Error(`Request Tracker's SQLite database was not found at ${path}. Reinstall rt5-db-sqlite (apt-get install --reinstall rt5-db-sqlite) so dbconfig-common seeds it.`);
  }
  return path;
}

function siteConfig(dir: string, port: number): string {
  return [
    "Set($DatabaseType, 'SQLite');",
    `Set($DatabaseName, '${join(dir, 'rtdb')}');`,
    "Set($rtname, 'rt.test');",
    "Set($Organization, 'rt.test');",
    "Set($WebDomain, '127.0.0.1');",
    `Set($WebPort, ${port});`,
    "Set($WebPath, '');",
    `Set($WebBaseURL, 'http://127.0.0.1:${port}');`,
    "Set($CorrespondAddress, 'support@rt.test');",
    "Set($CommentAddress, 'support-comment@rt.test');",
    "Set($MailCommand, 'testfile');",
    // RT re-hashes a password at this cost when it checks it; above the stored cost it would
    // re-hash root's at the default 12 on the first request.
    'Set($BcryptCost, 4);',
    'Set($LogToSyslog, undef);',
    'Set($LogToFile, undef);',
    "Set($LogToSTDERR, 'error');",
    "Set($Timezone, 'UTC');",
    '1;',
    '',
  ].join('\n');
}

/** Perl (RT's own dependencies: DBI, DBD::SQLite, Crypt::Eksblowfish) that prepares the copy. */
const PREPARE_DB = String.raw`
use strict; use warnings;
use DBI; use Digest::SHA qw(sha512); use Crypt::Eksblowfish::Bcrypt qw(en_base64 bcrypt_hash);
my ($path, $password, $token) = @ARGV;
sub hash { my $salt = join '', map { chr int rand 256 } 1 .. 16;
  return join '!', '', 'bcrypt', '04', en_base64($salt) . en_base64(bcrypt_hash({ key_nul => 1, cost => 4, salt => $salt }, sha512($_[0]))) }
my $db = DBI->connect("dbi:SQLite:dbname=$path", '', '', { RaiseError => 1 });
my ($root) = $db->selectrow_array(q{SELECT id FROM Users WHERE Name = 'root'});
$db->do(q{UPDATE Users SET Password = ? WHERE id = ?}, undef, hash($password), $root);
$db->do(q{INSERT INTO AuthTokens (Owner, Token, Description, Creator, Created, LastUpdatedBy, LastUpdated) VALUES (?, ?, 'tests', ?, CURRENT_TIMESTAMP, ?, CURRENT_TIMESTAMP)}, undef, $root, hash($token), $root, $root);
my ($everyone) = $db->selectrow_array(q{SELECT id FROM Groups WHERE Domain = 'SystemInternal' AND Name = 'Everyone'});
$db->do(q{INSERT INTO ACL (PrincipalType, PrincipalId, RightName, ObjectType, ObjectId, Creator, Created, LastUpdatedBy, LastUpdated) VALUES ('Group', ?, ?, 'RT::System', 1, 1, CURRENT_TIMESTAMP, 1, CURRENT_TIMESTAMP)}, undef, $everyone, $_) for qw(CreateTicket ReplyToTicket);
print "$root\n";
`;

function prepareDatabase(dir: string): string {
  const path = join(dir, 'rtdb');
  copyFileSync(seededDatabase(), path);
  const secret = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const result = spawnSync('perl', ['-e', PREPARE_DB, path, RT_ROOT.password, secret], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`Preparing the RT test database failed: ${result.stderr || result.error?.message}`);
  return `1-${result.stdout.trim()}-${secret}`;
}

function basicAuth(): string {
  return `Basic ${Buffer.from(`${RT_ROOT.user}:${RT_ROOT.password}`).toString('base64')}`;
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`rt-server exited before answering:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      const response = await fetch(`${url}/REST/2.0/queues/all`, { headers: { authorization: basicAuth() }, signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`rt-server did not answer REST2 within ${READY_WITHIN_MS / 1000} s:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    const force = setTimeout(() => kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    kill('SIGTERM');
  });
}

/** An RFC 822 message from the customer, with text attachments as MIME parts. */
function customerMail(customer: Customer, subject: string, text: string, attachments: readonly MailAttachment[]): string {
  const head = [`From: ${customer.name} <${customer.email}>`, 'To: support@rt.test', `Subject: ${subject}`, 'MIME-Version: 1.0'];
  if (attachments.length === 0) return [...head, 'Content-Type: text/plain; charset=utf-8', '', text, ''].join('\n');
  const boundary = 'triage-test-boundary';
  const parts = [
    ['Content-Type: text/plain; charset=utf-8', '', text],
    ...attachments.map((a) => [`Content-Type: text/plain; charset=utf-8; name="${a.filename}"`, `Content-Disposition: attachment; filename="${a.filename}"`, '', a.text]),
  ];
  return [...head, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...parts.flatMap((p) => [`--${boundary}`, ...p]), `--${boundary}--`, ''].join('\n');
}

/** Starts a private RT; call `stop()` in afterAll. */
export async function startRtServer(): Promise<RtServer> {
  if (!existsSync(RT_SERVER)) {
    throw new Error(`Request Tracker 5 is not installed (${RT_SERVER} is missing). Install it: apt-get install -y --no-install-recommends request-tracker5 rt5-db-sqlite rt5-standalone (.ci/run does this).`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'triage-rt-'));
  const siteDir = join(dir, 'site.d');
  mkdirSync(siteDir);
  const rootToken = prepareDatabase(dir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  writeFileSync(join(dir, 'RT_SiteConfig.pm'), siteConfig(dir, port));
  const logFile = join(dir, 'rt-server.log');
  const log = openSync(logFile, 'a');
  const child = spawn(RT_SERVER, ['--port', String(port), '--max-workers', '3'], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, RT_SITE_CONFIG: join(dir, 'RT_SiteConfig.pm'), RT_SITE_CONFIG_DIR: siteDir, TMPDIR: dir },
  });
  closeSync(log);
  const stop = async () => {
    await stopGroup(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return makeServer(url, port, rootToken, stop);
}

function makeServer(url: string, port: number, rootToken: string, stop: () => Promise<void>): RtServer {
  const rest = async (path: string, init: { method?: string; body?: unknown } = {}): Promise<unknown> => {
    const response = await fetch(`${url}/REST/2.0${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: basicAuth(), 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`RT ${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as unknown;
  };
  const mailGateway = async (mail: string, ticketId?: string): Promise<void> => {
    const form = new URLSearchParams({ queue: 'General', action: 'correspond', message: mail, ...(ticketId ? { ticket: ticketId } : {}) });
    const response = await fetch(`${url}/REST/1.0/NoAuth/mail-gateway`, { method: 'POST', body: form });
    const text = await response.text();
    if (!text.startsWith('ok')) throw new Error(`RT mail gateway: ${response.status} ${text}`);
  };
  return {
    port,
    url,
    rootToken,
    rest: (path) => rest(path),
    stop,
    async createTicketAsCustomer(customer, subject, text, attachments = []) {
      await rest('/user', { method: 'POST', body: { Name: customer.email, EmailAddress: customer.email, RealName: customer.name } }).catch((error: Error) => {
        if (!/already exists/i.test(error.message)) throw error;
      });
      await mailGateway(customerMail(customer, subject, text, attachments));
      const found = (await rest(`/tickets?query=${encodeURIComponent(`Requestor = '${customer.email}'`)}&orderby=id&order=DESC&per_page=1`)) as { items: { id: string }[] };
      const id = found.items[0]?.id;
      if (!id) throw new Error(`RT created no ticket for ${customer.email}`);
      return String(id);
    },
    async addCustomerMessage(ticketId, customer, text) {
      await mailGateway(customerMail(customer, `Re: [rt.test #${ticketId}] follow-up`, text, []), ticketId);
    },
    async history(ticketId) {
      const page = (await rest(`/ticket/${ticketId}/history?fields=Type,Creator&per_page=100`)) as { items: { id: string; Type: string; Creator: { id: string } }[] };
      const parts = (await rest(`/ticket/${ticketId}/attachments?fields=TransactionId,ContentType,Content&per_page=100`)) as { items: { TransactionId: string; ContentType: string; Content: string }[] };
      return page.items.map((item) => ({
        id: String(item.id),
        type: item.Type,
        creator: item.Creator.id,
        content: parts.items.find((p) => String(p.TransactionId) === String(item.id) && p.ContentType === 'text/plain')?.Content ?? '',
      }));
    },
  };
}

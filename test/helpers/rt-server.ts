/**
 * A throwaway Request Tracker 5 for tests: a private site configuration, a new SQLite database in
 * a temp directory, and RT's standalone server on a free 127.0.0.1 port. Stopping it ends the
 * whole process group and deletes the directory.
 *
 * Needs the Debian packages request-tracker5, rt5-db-sqlite and rt5-standalone (.ci/run installs
 * them). Without them this throws: the RT suite must fail, never skip.
 *
 * Why each step:
 * - Debian's site configuration directory sets the database; RT reads `RT_SITE_CONFIG` (a file) and
 *   `RT_SITE_CONFIG_DIR` (instead of both site directories), so pointing both at private paths
 *   leaves Debian's settings out entirely.
 * - `rt-setup-database --action init` fills the database (about 1.5 s): RT's schema and initial
 *   data with root/password. Then RT's own API adds what the tests need (see SETUP_RT), including
 *   the rights that let customer mail through the mail gateway create tickets and add messages
 *   as the customer. That database is made once and copied for each server (templateDatabase).
 * - `$BcryptCost = 4`: RT checks the password on every REST request; at the default cost 12 that
 *   is about 0.25 s a request, at 4 under 0.03 s.
 * - `$MailCommand = 'testfile'`: RT writes its outgoing mail to a temp file, never to a mailer.
 * - RT's cache, session and var directories move into the temp directory too: the packaged ones
 *   belong to www-data, so a test run by another user could not start RT otherwise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { freePort } from './free-port.js';

const RT_SERVER = '/usr/share/request-tracker5/libexec/rt-server';
const RT_SETUP_DATABASE = '/usr/sbin/rt-setup-database-5';
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

export interface CustomerMailOptions {
  readonly attachments?: readonly MailAttachment[];
  /** Queue "Tagged" has the "Tags" custom field, "General" none. */
  readonly queue?: 'General' | 'Tagged';
  /** The body as the only (HTML) part, as some mail programs send it. */
  readonly html?: boolean;
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
  createTicketAsCustomer(customer: Customer, subject: string, text: string, options?: CustomerMailOptions): Promise<string>;
  /** A later message from the customer on the ticket, through the mail gateway. */
  addCustomerMessage(ticketId: string, customer: Customer, text: string): Promise<void>;
  /** The ticket's transactions, oldest first, with each one's text. */
  history(ticketId: string): Promise<HistoryEntry[]>;
  stop(): Promise<void>;
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
    'Set($BcryptCost, 4);',
    'Set($LogToSyslog, undef);',
    'Set($LogToFile, undef);',
    "Set($LogToSTDERR, 'error');",
    "Set($Timezone, 'UTC');",
    // Not settings but paths from RT's build; the packaged ones belong to www-data.
    `$RT::VarPath = '${join(dir, 'var')}';`,
    `$RT::MasonDataDir = '${join(dir, 'mason')}';`,
    `$RT::MasonSessionDir = '${join(dir, 'sessions')}';`,
    '1;',
    '',
  ].join('\n');
}

/**
 * Perl on RT's own API, run after the schema and initial data are in: Everyone may create and
 * answer tickets (customer mail through the gateway), a "Tagged" queue whose tickets have a "Tags"
 * custom field, and an auth token for root, printed.
 */
const SETUP_RT = String.raw`
use strict; use warnings;
use lib '/usr/share/request-tracker5/lib';
use RT;
RT::LoadConfig();
RT::Init();
my $system = RT->SystemUser;
sub check { my ($ok, $msg) = @_; die "$msg\n" unless $ok; return $ok }
my $everyone = RT::Group->new($system);
$everyone->LoadSystemInternalGroup('Everyone');
check($everyone->PrincipalObj->GrantRight(Right => $_, Object => RT->System)) for qw(CreateTicket ReplyToTicket);
my $queue = RT::Queue->new($system);
check($queue->Create(Name => 'Tagged'));
my $field = RT::CustomField->new($system);
check($field->Create(Name => 'Tags', Type => 'FreeformMultiple', LookupType => RT::Ticket->CustomFieldLookupType));
check($field->AddToObject($queue));
my $root = RT::User->new($system);
$root->Load('root');
my ($id, $msg, $token) = RT::AuthToken->new(RT::CurrentUser->new($root))->Create(Owner => $root->Id, Description => 'tests');
die "$msg\n" unless $id;
print "$token\n";
`;

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, what: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env, timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${what} failed: ${result.error?.message ?? ''}${result.stderr.slice(-2000)}`);
  return result.stdout;
}

/** A new SQLite database with RT's schema and initial data (root/password), then the test setup; returns root's token. */
function createDatabase(env: NodeJS.ProcessEnv): string {
  run(RT_SETUP_DATABASE, ['--action', 'init', '--skip-create'], env, 'rt-setup-database');
  return run('perl', ['-e', SETUP_RT], env, 'Setting up the test RT').trim().split('\n').pop()!;
}

const TEMPLATE_LOCK_STALE_MS = 120_000;
/** Kept between test runs (each run's temporary directory is removed at its end). */
const TEMPLATE_PARENT = resolve(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'triage');

/**
 * The database every test RT starts from, made once per RT build and setup script and then copied:
 * making it is two Perl processes loading all of RT (about 3.5 s of CPU), copying it a millisecond.
 * Test files start their servers in parallel, so the first one makes it under a lock directory and
 * the others wait for it; the finished template appears by rename, whole or not at all. Templates
 * of other RT builds are removed when a new one is made.
 */
async function templateDatabase(): Promise<{ database: string; rootToken: string }> {
  const rtBuild = [RT_SETUP_DATABASE, RT_SERVER].map((file) => statSync(file)).map((stat) => `${stat.size}:${stat.mtimeMs}`).join(',');
  const key = createHash('sha256').update(`${rtBuild}\n${SETUP_RT}\n${siteConfig('DIR', 0)}`).digest('hex').slice(0, 16);
  mkdirSync(TEMPLATE_PARENT, { recursive: true });
  const template = join(TEMPLATE_PARENT, `rt-template-${key}`);
  const lock = `${template}.lock`;
  const deadline = Date.now() + READY_WITHIN_MS * 2;
  while (!existsSync(join(template, 'token'))) {
    if (Date.now() > deadline) throw new Error(`The test RT database template ${template} did not appear; remove ${lock} if no test run is making it.`);
    try {
      mkdirSync(lock);
    } catch {
      const lockedAt = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - lockedAt > TEMPLATE_LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (!existsSync(join(template, 'token'))) makeTemplate(template);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return { database: join(template, 'rtdb'), rootToken: readFileSync(join(template, 'token'), 'utf8') };
}

function makeTemplate(template: string): void {
  const build = mkdtempSync(`${template}.build-`);
  try {
    const rootToken = createDatabase(writeSiteConfig(build, 0));
    writeFileSync(join(build, 'token'), rootToken);
    renameSync(build, template);
    const parent = dirname(template);
    for (const name of readdirSync(parent)) {
      if (/^rt-template-[0-9a-f]+$/.test(name) && join(parent, name) !== template) rmSync(join(parent, name), { recursive: true, force: true });
    }
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
}

function basicAuth(): string {
  return `Basic ${Buffer.from(`${RT_ROOT.user}:${RT_ROOT.password}`).toString('base64')}`;
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
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
function customerMail(customer: Customer, subject: string, text: string, { attachments = [], html = false }: CustomerMailOptions = {}): string {
  const head = [`From: ${customer.name} <${customer.email}>`, 'To: support@rt.test', `Subject: ${subject}`, 'MIME-Version: 1.0'];
  if (attachments.length === 0) return [...head, `Content-Type: text/${html ? 'html' : 'plain'}; charset=utf-8`, '', text, ''].join('\n');
  const boundary = 'triage-test-boundary';
  const parts = [
    ['Content-Type: text/plain; charset=utf-8', '', text],
    ...attachments.map((a) => [`Content-Type: text/plain; charset=utf-8; name="${a.filename}"`, `Content-Disposition: attachment; filename="${a.filename}"`, '', a.text]),
  ];
  return [...head, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...parts.flatMap((p) => [`--${boundary}`, ...p]), `--${boundary}--`, ''].join('\n');
}

/** Starts a private RT; call `stop()` in afterAll. */
export async function startRtServer(): Promise<RtServer> {
  if (!existsSync(RT_SERVER) || !existsSync(RT_SETUP_DATABASE)) {
    throw new Error(`Request Tracker 5 is not installed (${RT_SERVER} or ${RT_SETUP_DATABASE} is missing). Install it: apt-get install -y --no-install-recommends request-tracker5 rt5-db-sqlite rt5-standalone (.ci/run does this).`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'triage-rt-'));
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child) await stopGroup(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const env = writeSiteConfig(dir, port);
    const { database, rootToken } = await templateDatabase();
    copyFileSync(database, join(dir, 'rtdb'));
    const logFile = join(dir, 'rt-server.log');
    child = spawnServer(port, env, logFile);
    const url = `http://127.0.0.1:${port}`;
    await waitUntilReady(url, child, logFile);
    return makeServer(url, port, rootToken, stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The private site configuration and the directories it names; the environment that selects it. */
function writeSiteConfig(dir: string, port: number): NodeJS.ProcessEnv {
  const siteDir = join(dir, 'site.d');
  for (const sub of [siteDir, join(dir, 'var'), join(dir, 'mason'), join(dir, 'sessions')]) mkdirSync(sub);
  writeFileSync(join(dir, 'RT_SiteConfig.pm'), siteConfig(dir, port));
  return { ...process.env, RT_SITE_CONFIG: join(dir, 'RT_SiteConfig.pm'), RT_SITE_CONFIG_DIR: siteDir, TMPDIR: dir };
}

/** rt-server in a process group of its own, so stopping ends its workers too. */
function spawnServer(port: number, env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const log = openSync(logFile, 'a');
  try {
    return spawn(RT_SERVER, ['--port', String(port), '--max-workers', '3'], { detached: true, stdio: ['ignore', log, log], env });
  } finally {
    closeSync(log);
  }
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
  const mailGateway = async (mail: string, target: { ticket: string } | { queue: string }): Promise<void> => {
    const form = new URLSearchParams({ action: 'correspond', message: mail, ...target });
    const response = await fetch(`${url}/REST/1.0/NoAuth/mail-gateway`, { method: 'POST', body: form });
    const text = await response.text();
    if (!text.startsWith('ok')) throw new Error(`RT mail gateway: ${response.status} ${text}`);
  };
  return {
    port,
    url,
    rootToken,
    stop,
    async createTicketAsCustomer(customer, subject, text, options = {}) {
      await rest('/user', { method: 'POST', body: { Name: customer.email, EmailAddress: customer.email, RealName: customer.name } }).catch((error: Error) => {
        if (!/Name in use/i.test(error.message)) throw error;
      });
      await mailGateway(customerMail(customer, subject, text, options), { queue: options.queue ?? 'General' });
      const found = (await rest(`/tickets?query=${encodeURIComponent(`Requestor = '${customer.email}'`)}&orderby=id&order=DESC&per_page=1`)) as { items: { id: string }[] };
      const id = found.items[0]?.id;
      if (!id) throw new Error(`RT created no ticket for ${customer.email}`);
      return String(id);
    },
    async addCustomerMessage(ticketId, customer, text) {
      await mailGateway(customerMail(customer, `Re: [rt.test #${ticketId}] follow-up`, text), { ticket: ticketId });
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

// The local mail catcher: Mailpit (a real SMTP server that keeps what it receives and shows it in
// a browser and over a JSON API), built by scripts/mailpit/build.sh into .cache/bin like FerretDB.
// The embedded default points SMTP_URL at it; the integration tests read the caught mail through
// its API (test/support/mailbox.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, onExitCleanup, spawnManaged, tail, waitUntilReady } from './managed-process';
import { repoRoot } from './repo-root';

export const MAILPIT_VERSION = 'v1.33.1';

export interface MailCatcher {
  /** Where kibble sends: smtp://127.0.0.1:<port> (no TLS, no auth: loopback only). */
  smtpUrl: string;
  /** Mailpit's web view and API (/api/v1/...). */
  webUrl: string;
  stop(): Promise<void>;
}

export interface MailCatcherOptions {
  /** Folder of Mailpit's database (kept between starts); default a temporary folder removed on stop. */
  dataDir?: string;
  /** Build Mailpit when its binary is missing (needs Go). Default true. */
  build?: boolean;
  log?: (message: string) => void;
  timeoutMs?: number;
}

const PORT_ATTEMPTS = 3;

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const binary = mailpitPath();
  if (!isBuilt(binary)) {
    if (options.build === false) throw new Error(`Mailpit ${MAILPIT_VERSION} is not built: run scripts/mailpit/build.sh`);
    buildMailpit(options.log);
  }
  const temporary = options.dataDir === undefined;
  const dataDir = temporary ? mkdtempSync(join(tmpdir(), 'kibble-mailpit-')) : resolve(options.dataDir ?? '');
  mkdirSync(dataDir, { recursive: true });
  const removeTemporary = (): void => {
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  };
  const unregister = onExitCleanup(removeTemporary);
  for (let attempt = 1; ; attempt++) {
    const [smtpPort, webPort] = [await freePort(), await freePort()];
    const proc = spawnManaged('mailpit', binary, [
      `--smtp=127.0.0.1:${smtpPort}`,
      `--listen=127.0.0.1:${webPort}`,
      `--database=${join(dataDir, 'mailpit.db')}`,
      // No internet here, and a catcher has nothing to check for.
      '--disable-version-check',
      '--quiet',
    ]);
    const webUrl = `http://127.0.0.1:${webPort}`;
    try {
      await waitUntilReady(proc, async () => (await fetch(`${webUrl}/readyz`)).ok, { timeoutMs: options.timeoutMs ?? 20_000, what: `answer on ${webUrl}/readyz` });
    } catch (error) {
      await proc.stop(2_000);
      if (attempt < PORT_ATTEMPTS && /address already in use/i.test(proc.output())) continue;
      removeTemporary();
      unregister();
      throw error;
    }
    return {
      smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
      webUrl,
      async stop() {
        await proc.stop();
        removeTemporary();
        unregister();
      },
    };
  }
}

function mailpitPath(): string {
  return join(repoRoot(), '.cache', 'bin', 'mailpit');
}

/** build.sh writes the version it built next to the binary (Mailpit's own `version` asks GitHub). */
function isBuilt(binary: string): boolean {
  const stamp = `${binary}.version`;
  return existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === MAILPIT_VERSION;
}

function buildMailpit(log: ((message: string) => void) | undefined): void {
  log?.(`building Mailpit ${MAILPIT_VERSION} into ${mailpitPath()} (first run only: seconds with a warm Go cache, minutes without)`);
  const result = spawnSync('bash', [join(repoRoot(), 'scripts', 'mailpit', 'build.sh')], {
    encoding: 'utf8',
    stdio: log ? ['ignore', process.stderr, process.stderr] : ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0 || !isBuilt(mailpitPath())) {
    const output = log ? '(its output is above)' : tail(`${result.stdout}${result.stderr}`);
    throw new Error(`building Mailpit failed (scripts/mailpit/build.sh, exit ${result.status}):\n${output}`);
  }
}

/** Reads what Mailpit caught through its JSON API, for the /dev/mail page (http/deps.ts CaughtMailReader). */
export function caughtMailReader(webUrl: string) {
  const get = async (path: string): Promise<unknown> => {
    const response = await fetch(`${webUrl}${path}`, { signal: AbortSignal.timeout(5_000) });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`the mail catcher answered ${response.status} to ${path}`);
    return response.json();
  };
  interface Listed {
    ID: string;
    To: Array<{ Address: string }> | null;
    Subject: string;
    Created: string;
  }
  return {
    async list(limit: number) {
      const body = (await get(`/api/v1/messages?limit=${limit}`)) as { messages: Listed[] } | undefined;
      return (body?.messages ?? []).map((m) => ({ id: m.ID, to: (m.To ?? []).map((to) => to.Address).join(', '), subject: m.Subject, receivedAt: new Date(m.Created) }));
    },
    async read(id: string) {
      if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) return undefined;
      const m = (await get(`/api/v1/message/${id}`)) as (Omit<Listed, 'Created'> & { Text: string; Date: string }) | undefined;
      return m === undefined ? undefined : { to: (m.To ?? []).map((to) => to.Address).join(', '), subject: m.Subject, text: m.Text, receivedAt: new Date(m.Date) };
    },
  };
}

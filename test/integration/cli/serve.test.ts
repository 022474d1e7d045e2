import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../src/runtime/embedded/managed-process';
import { readStackFile } from '../../../src/runtime/embedded/stack-file';
import { chainProfile } from '../../../src/chain/profiles';
import { loadOrCreateDevKeys } from '../../../src/config/dev-keys';

const ROOT = join(__dirname, '../../..');
const PASSWORD = 'correct horse battery staple';

/** Only what a newcomer's shell has: nothing of kibble's configuration, so the embedded default runs. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR', 'GOPATH', 'GOCACHE', 'GOMODCACHE', 'GOFLAGS', 'GOPROXY'];
  return { ...Object.fromEntries(keep.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]])), LOG_LEVEL: 'warn', ...extra };
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startServe(env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, ['bin/kibble.js', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Processes whose command line mentions the data folder (FerretDB, the bcoin node). */
function processesUsing(dataDir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dataDir) && !line.includes('ps -eo'));
}

describe('npm start (kibble serve) on the embedded default', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kibble-serve-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function runOnce(port: number, during: (base: string) => Promise<void>): Promise<string> {
    const started = startServe(cleanEnv({ DATA_DIR: dataDir, PORT: String(port) }));
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor('/readyz to answer 200', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined), 90_000);
      await during(base);
    } finally {
      started.child.kill('SIGTERM');
    }
    const exit = await started.exited;
    expect({ exit, stopped: started.output().includes('kibble: stopped') }).toEqual({ exit: { code: 0, signal: null }, stopped: true });
    expect(processesUsing(dataDir)).toEqual([]);
    return started.output();
  }

  it('starts database, node, scanner, settlement and API on a temporary data folder, stops cleanly on SIGTERM, and reuses everything on the second start', async () => {
    const port = await freePort();
    const first = await runOnce(port, async (base) => {
      const created = await fetch(`${base}/api/v1/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: 'newcomer', password: PASSWORD }) });
      expect(created.status).toBe(201);
      const { operatorToken } = loadOrCreateDevKeys(join(dataDir, 'dev-keys.json'), chainProfile('bcoin-regtest'));
      const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${operatorToken}` } });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/kibble_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/accounts",status="201"\} 1/);
      // Another shell, same DATA_DIR, no MONGODB_URI: the command finds this stack.
      const status = spawnSync(process.execPath, ['bin/kibble.js', 'settlement-status', '2020-01', '--json'], { cwd: ROOT, env: cleanEnv({ DATA_DIR: dataDir }), encoding: 'utf8' });
      expect({ code: status.status, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(status.stdout)).toMatchObject({ period: '2020-01', state: 'open' });
      // The stack names its test-price server too, for `kibble settle` in another shell.
      const stack = readStackFile(dataDir);
      expect(stack.state === 'running' ? stack.stack.priceSourceUrl : stack.state).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3\/simple\/price$/);
    });
    // The stack file is this run's while it runs, and gone after a clean stop.
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);
    expect(first).toMatch(/database: embedded ferretdb at mongodb:\/\/127\.0\.0\.1:\d+\/kibble /);
    expect(first).toMatch(/development keys generated in/);
    expect(first).toMatch(/settlement: cron "0 0 1 \* \*" \(UTC\)/);
    expect(first).toMatch(new RegExp(`HTTP API: http://127.0.0.1:${port}/api/v1`));
    expect(first).toMatch(new RegExp(`web pages: http://127.0.0.1:${port}/ `));

    const second = await runOnce(port, async (base) => {
      // The account of the first run is still there: the database kept its data.
      const signedIn = await fetch(`${base}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: 'newcomer', password: PASSWORD }) });
      expect(signedIn.status).toBe(200);
    });
    expect(second).toMatch(/development keys reused from/);
  }, 240_000);
});

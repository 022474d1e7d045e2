import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../../src/runtime/embedded/managed-process';
import { AddressDeriver } from '../../../src/keys/hd';
import { createSigner } from '../../../src/signer/hd-signer';
import { chainProfile } from '../../../src/chain/profiles';
import { REQUIRED_IN_PRODUCTION } from '../../../src/config/config';
import { loadOrCreateDevKeys } from '../../../src/config/dev-keys';
import { uriOfDatabase, useTestDatabase } from '../../support/database';
import { useRegtestNode } from '../../support/regtest';

const ROOT = join(__dirname, '../../..');

/** Only what a deployment's shell has, plus kibble's configuration. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR'];
  return { ...Object.fromEntries(keep.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]])), LOG_LEVEL: 'warn', ...extra };
}

function runBuilt(outDir: string, env: NodeJS.ProcessEnv): { status: number; stderr: string } {
  try {
    execFileSync(process.execPath, [join(outDir, 'src/cli/entry.js'), 'serve'], { cwd: ROOT, env, encoding: 'utf8', stdio: 'pipe' });
    return { status: 0, stderr: '' };
  } catch (error) {
    return error as { status: number; stderr: string };
  }
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('npm run build, then NODE_ENV=production node dist/src/cli/entry.js serve', () => {
  const db = useTestDatabase();
  const node = useRegtestNode('bcoin');
  // Inside the project, so that the compiled files find node_modules as dist/ does (git-ignored).
  const outDir = mkdtempSync(join(ROOT, '.dist-test-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  beforeAll(() => {
    // The build script as `npm run build` runs it, without npm's wrapper and without the type
    // check, which `npm test` ran over these sources already: tsc emits the same files either way.
    execFileSync(process.execPath, ['scripts/build/build.js', '--out-dir', outDir, '--no-type-check'], { cwd: ROOT, stdio: 'pipe' });
  }, 180_000);

  it('serves with a full production configuration: /readyz 200, the static files, and SIGTERM exits 0', async () => {
    const chain = node.chain;
    const wallet = createSigner(chain, { mnemonic: 'legal winner thank year wave sausage worth useful legal winner thank yellow' });
    const feeWallet = createSigner(chain, { mnemonic: 'letter advice cage absurd amount doctor acoustic avoid letter advice cage above' });
    const port = await freePort();
    const env = cleanEnv({
      NODE_ENV: 'production',
      PORT: String(port),
      PUBLIC_URL: 'https://kibble.example',
      MONGODB_URI: uriOfDatabase(db),
      CHAIN: chain.name,
      CHAIN_RPC_URL: node.rpcUrl,
      WALLET_XPUB: wallet.accountXpub(),
      FEE_ADDRESS: new AddressDeriver(chain, feeWallet.accountXpub()).depositAddress(0),
      OPERATOR_TOKEN: randomBytes(24).toString('hex'),
    });
    const child: ChildProcess = spawn(process.execPath, [join(outDir, 'src/cli/entry.js'), 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => { resolve({ code, signal }); }));
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor('/readyz to answer 200', async () => (await fetch(`${base}/readyz`)).status === 200, 60_000);
      // The pages' static files are found from the compiled router too.
      const css = await fetch(`${base}/static/kibble.css`);
      expect({ status: css.status, type: css.headers.get('content-type') }).toEqual({ status: 200, type: expect.stringContaining('text/css') });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output).toContain('kibble: stopped');
  }, 120_000);

  it('refuses production mode with a missing setting, naming it', () => {
    const result = runBuilt(outDir, cleanEnv({ NODE_ENV: 'production', DATA_DIR: outDir }));
    expect(result.status).toBe(2);
    // config's own list: a setting production comes to require is checked here without an edit
    for (const key of REQUIRED_IN_PRODUCTION) {
      expect(result.stderr).toContain(`${key}: required when NODE_ENV=production`);
    }
  });

  it('refuses production mode with the development keys of the data folder, naming each', () => {
    const keys = loadOrCreateDevKeys(join(outDir, 'dev-keys.json'), chainProfile('bcoin-regtest'));
    const failure = runBuilt(outDir, cleanEnv({
      NODE_ENV: 'production',
      DATA_DIR: outDir,
      MONGODB_URI: 'mongodb://127.0.0.1:1/kibble',
      CHAIN: 'bcoin-regtest',
      CHAIN_RPC_URL: 'http://x:y@127.0.0.1:1/',
      WALLET_XPUB: keys.walletXpub,
      FEE_ADDRESS: keys.feeAddress,
      OPERATOR_TOKEN: keys.operatorToken,
      PUBLIC_URL: 'https://kibble.example',
    }));
    expect(failure.status).toBe(2);
    expect(failure.stderr).toMatch(/refuses development keys/);
    for (const key of ['WALLET_XPUB', 'FEE_ADDRESS', 'OPERATOR_TOKEN']) expect(failure.stderr).toContain(`${key}: is the development`);
  });
});

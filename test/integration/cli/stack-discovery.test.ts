import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadOrCreateDevKeys } from '../../../src/config/dev-keys';
import { SettlementModel } from '../../../src/db/models';
import { writeStackFile, type EmbeddedStack } from '../../../src/runtime/embedded/stack-file';
import { startTestPriceServer, type TestPriceServer } from '../../../src/runtime/embedded/test-prices';
import { setFiatBudget } from '../../../src/services/accounts/fiat-settings';
import { flattr } from '../../../src/services/clicks/clicks';
import { registerThing } from '../../../src/services/things/things';
import { uriOfDatabase, useTestDatabase } from '../../support/database';
import { useRegtestNode } from '../../support/regtest';
import { createAccount, credit, doge } from '../services/seed';

// The kibble command in a shell of its own (bin/kibble.js, as a user runs it): with no
// MONGODB_URI it finds the embedded stack through DATA_DIR/stack.json, and it refuses a database
// without kibble data instead of answering for it.
const ROOT = join(__dirname, '../../..');
const run = promisify(execFile);
const CONFIRMED_MONTH = '2026-11';
/** A month with a budget in euros, for `settle --plan` (planned, never stored). */
const EURO_MONTH = '2026-09';

/** Only what a shell has, plus `extra`: none of the test run's configuration. */
function shellEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR'];
  return { ...Object.fromEntries(keep.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]])), LOG_LEVEL: 'warn', ...extra };
}

async function kibble(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/kibble.js', ...args], { cwd: ROOT, env, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The PID of a process that has exited (what a killed `kibble serve` leaves in its stack file). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('kibble commands find the embedded stack and refuse a database without kibble data', () => {
  const db = useTestDatabase();
  const node = useRegtestNode('bcoin');
  const dataDir = mkdtempSync(join(tmpdir(), 'kibble-stack-'));

  let testPrices: TestPriceServer;

  beforeAll(async () => {
    await SettlementModel.create({ _id: CONFIRMED_MONTH, period: CONFIRMED_MONTH, state: 'confirmed', closedAt: new Date('2026-12-01T00:00:00Z') });
    // The stack's test-price server, as `kibble serve` on the embedded default starts it.
    testPrices = await startTestPriceServer([{ currency: 'EUR', rate: '0.10' }], node.chain.priceCoinId);
    // A donor whose budget is 5 EUR flattred in EURO_MONTH: planning it needs a EUR price.
    const donor = await createAccount('euro-donor');
    const creator = await createAccount('creator');
    await credit(donor, doge(100));
    await setFiatBudget(donor, '5', 'EUR', undefined, new Date());
    const thing = await registerThing(creator, { url: 'https://blog.example.org/euro', title: 'Euro' }, new Date('2026-09-01T00:00:00Z'));
    await flattr(donor, thing.id, new Date('2026-09-10T12:00:00Z'));
    // The stack's development keys: settle derives change addresses from their xpub.
    loadOrCreateDevKeys(join(dataDir, 'dev-keys.json'), node.chain);
  });
  afterAll(async () => {
    await testPrices.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function stackFile(pid: number, extra: Partial<EmbeddedStack> = {}): void {
    writeStackFile(dataDir, { pid, startedAt: new Date().toISOString(), chain: node.chain.name, mongodbUri: uriOfDatabase(db), chainRpcUrl: node.rpcUrl, httpUrl: 'http://127.0.0.1:1/', ...extra });
  }

  it('without MONGODB_URI, settlement-status reads the running stack named in DATA_DIR/stack.json', async () => {
    stackFile(process.pid);
    const result = await kibble(shellEnv({ DATA_DIR: dataDir }), 'settlement-status', CONFIRMED_MONTH, '--json');
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toMatchObject({ period: CONFIRMED_MONTH, state: 'confirmed' });
  }, 60_000);

  it("without MONGODB_URI, settle plans a month of fiat budgets at the running stack's test prices", async () => {
    stackFile(process.pid, { priceSourceUrl: testPrices.url });
    const result = await kibble(shellEnv({ DATA_DIR: dataDir }), 'settle', EURO_MONTH, '--plan', '--json');
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const plan = JSON.parse(result.stdout) as { rates: Array<{ currency: string; rate: string; source: string }>; totals: { donorsCharged: number } };
    expect(plan.rates.map(({ currency, rate, source }) => ({ currency, rate, source }))).toEqual([{ currency: 'EUR', rate: '0.1', source: new URL(testPrices.url).host }]);
    expect(plan.totals.donorsCharged).toBe(1);

    // A stack that serves no test prices (EMBEDDED_TEST_PRICES empty): the refusal names the fix.
    stackFile(process.pid);
    const refused = await kibble(shellEnv({ DATA_DIR: dataDir }), 'settle', EURO_MONTH, '--plan');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`--rate EUR=<price of one ${node.chain.ticker}>`);
  }, 90_000);

  it('a stack file whose process is gone is named as stale, not used', async () => {
    const pid = deadPid();
    stackFile(pid);
    const result = await kibble(shellEnv({ DATA_DIR: dataDir }), 'settlement-status', CONFIRMED_MONTH);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`is not running (process ${pid} is gone)`);
    expect(result.stdout).toBe('');
  }, 60_000);

  it('with no stack file and no MONGODB_URI it says how to start one', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'kibble-nostack-'));
    try {
      const result = await kibble(shellEnv({ DATA_DIR: empty }), 'settlement-status', CONFIRMED_MONTH);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/no embedded stack is running on DATA_DIR .*npm start/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses a database without kibble data (exit 2) and creates nothing in it', async () => {
    const emptyName = `${db.name}_empty`;
    const env = shellEnv({ MONGODB_URI: uriOfDatabase({ uri: db.uri, name: emptyName }), CHAIN: node.chain.name, CHAIN_RPC_URL: node.rpcUrl });
    const result = await kibble(env, 'settlement-status', CONFIRMED_MONTH);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the database "${emptyName}"`);
    expect(result.stderr).toContain('holds no kibble data');
    expect(result.stdout).toBe('');
    expect(await db.connection.getClient().db(emptyName).listCollections().toArray()).toEqual([]);
  }, 60_000);

  it('a URI without a database name means the "kibble" database, never an empty default one', async () => {
    // The embedded default's database is "kibble"; copy the test month there for this case.
    const kibbleDb = db.connection.getClient().db('kibble');
    await kibbleDb.collection('settlements').insertOne({ _id: CONFIRMED_MONTH as unknown as never, period: CONFIRMED_MONTH, state: 'confirmed', transactions: [], createdAt: new Date(), updatedAt: new Date() });
    try {
      const env = shellEnv({ MONGODB_URI: db.uri, CHAIN: node.chain.name, CHAIN_RPC_URL: node.rpcUrl });
      const result = await kibble(env, 'settlement-status', CONFIRMED_MONTH, '--json');
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(result.stdout)).toMatchObject({ period: CONFIRMED_MONTH, state: 'confirmed' });
    } finally {
      await kibbleDb.dropDatabase();
    }
  }, 60_000);
});

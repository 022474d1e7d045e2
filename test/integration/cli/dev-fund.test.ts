import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { RunningLoop } from '../../../src/jobs/repeat';
import { createLogger } from '../../../src/log';
import { COIN } from '../../../src/money/amount';
import { JsonRpcChainClient } from '../../../src/node/rpc-client';
import { DevFaucet } from '../../../src/runtime/embedded/dev-faucet';
import { startRegtestMiner } from '../../../src/runtime/embedded/regtest-miner';
import { writeStackFile } from '../../../src/runtime/embedded/stack-file';
import { listen, type RunningServer } from '../../../src/runtime/listen';
import { DepositScanner } from '../../../src/services/wallet-watch/scanner';
import { runKibble } from '../../support/cli';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, expectError, TEST_OPERATOR_TOKEN, testConfig } from '../../support/http';
import { postForm, signUpWeb, type WebUser } from '../../support/web';
import { useRegtestNode } from '../../support/regtest';

const MIN_CONFIRMATIONS = 2;
const BLOCK_SECONDS = 1;

/**
 * The embedded stack's first month without outside help (issue 17 item 1), on the test's bcoin
 * regtest node standing in for the embedded one: the faucet (its key under a temporary DATA_DIR)
 * and the miner (a block a second) run against it, `kibble dev fund` finds the app through
 * DATA_DIR's stack.json, and nobody mines by hand: the deposits are credited after blocks
 * the miner made.
 */
describe('test coins on the embedded regtest stack: faucet, miner, `kibble dev fund`, the donor page form', () => {
  useTestDatabase();
  const node = useRegtestNode('bcoin');
  const dataDir = mkdtempSync(join(tmpdir(), 'kibble-dev-fund-'));
  let faucet: DevFaucet;
  let miner: RunningLoop;
  let server: RunningServer;
  let scanner: DepositScanner;
  const env: Record<string, string | undefined> = {};
  const t = createTestApp({
    config: testConfig({ MIN_CONFIRMATIONS: String(MIN_CONFIRMATIONS) }),
    testCoins: { send: (address, amount) => faucet.send(address, amount), blockSeconds: BLOCK_SECONDS },
  });

  beforeAll(async () => {
    const rpc = new JsonRpcChainClient(node.rpcUrl);
    faucet = DevFaucet.open({ dataDir, chain: node.chain, rpc, embeddedNode: true });
    expect(await faucet.prepare()).toBe(node.chain.coinbaseMaturity + 10);
    miner = startRegtestMiner({ chain: node.chain, embeddedNode: true }, { intervalSeconds: BLOCK_SECONDS, mineBlock: () => faucet.mineBlock(), log: createLogger('silent') });
    scanner = new DepositScanner({ rpc, chain: node.chain, minConfirmations: MIN_CONFIRMATIONS, log: createLogger('silent'), clock: () => new Date(), startHeight: 0 });
    server = await listen(t.app, '127.0.0.1', 0);
    writeStackFile(dataDir, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      chain: 'regtest',
      mongodbUri: 'mongodb://unused.invalid/kibble',
      chainRpcUrl: 'http://unused.invalid',
      httpUrl: `http://127.0.0.1:${server.port}/`,
      blockSeconds: BLOCK_SECONDS,
    });
    for (const [key, value] of Object.entries({ DATA_DIR: dataDir, OPERATOR_TOKEN: TEST_OPERATOR_TOKEN, MIN_CONFIRMATIONS: String(MIN_CONFIRMATIONS), LOG_LEVEL: 'silent' })) {
      env[key] = process.env[key];
      process.env[key] = value;
    }
  }, 60_000);

  afterAll(async () => {
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = value;
    }
    await miner.stop();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Scans (as the server's scanner loop would) until the balance is `expected`; the miner makes the blocks. */
  async function balanceBecomes(user: WebUser, expected: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let balance = '';
    while (Date.now() < deadline) {
      await scanner.scanOnce();
      const me = await request(t.app).get('/api/v1/me').set('Authorization', bearer(user.token));
      balance = (me.body as { balance: string }).balance;
      if (balance === expected) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the balance stayed ${balance}, not ${expected}, for ${timeoutMs} ms`);
  }

  it('`kibble dev fund <handle> <amount>` sends test coins; the deposit is credited after the auto-mined blocks', async () => {
    const donor = await signUpWeb(t);
    const tipBefore = await node.rpc<number>('getblockcount');
    const result = await runKibble('dev', 'fund', donor.handle, '25');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^sent 25 DOGE to ${donor.depositAddress} in [0-9a-f]{64}\\n`));
    expect(result.stdout).toContain(`after ${MIN_CONFIRMATIONS} confirmations; the embedded node mines a block every ${BLOCK_SECONDS} s`);
    await balanceBecomes(donor, '25');
    expect(await node.rpc<number>('getblockcount')).toBeGreaterThanOrEqual(tipBefore + MIN_CONFIRMATIONS);
  }, 60_000);

  it('`kibble dev fund <address> <amount>` pays an address; bad input exits 1 with the reason', async () => {
    const donor = await signUpWeb(t);
    expect((await runKibble('dev', 'fund', donor.depositAddress, '1.5')).exitCode).toBe(0);
    await balanceBecomes(donor, '1.5');
    const tooSmall = await runKibble('dev', 'fund', donor.handle, '0.001');
    expect(tooSmall).toMatchObject({ exitCode: 1, stdout: '' });
    expect(tooSmall.stderr).toBe('kibble dev fund: send at least 0.01 DOGE: smaller amounts are dust on this chain [amount-invalid]\n');
    expect((await runKibble('dev', 'fund', donor.handle, '1001')).stderr).toMatch(/\[amount-too-large\]\n$/);
    expect((await runKibble('dev', 'fund', 'nobody-here', '1')).stderr).toBe('kibble dev fund: no account with the handle "nobody-here" [not-found]\n');
  }, 60_000);

  it('the donor page sends test coins from its form (with CSRF) and says when they count', async () => {
    const donor = await signUpWeb(t);
    const page = await donor.agent.get('/donor');
    expect(page.text).toContain('<form id="test-coins-form" method="post" action="/donor/test-coins" class="stack">');
    expect(page.text).toContain('<h3 id="test-coins-heading">Send test coins</h3>');

    const refused = await donor.agent.post('/donor/test-coins').type('form').send({ amount: '5' });
    expect(refused.status).toBe(403);

    const bad = await postForm(donor.agent, '/donor', '/donor/test-coins', { amount: '10,5' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/<p class="error" id="field-amount-error" role="alert">[^<]+<\/p>/);

    const sent = await postForm(donor.agent, '/donor', '/donor/test-coins', { amount: '7.5' });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/donor?saved=test-coins');
    const after = await donor.agent.get('/donor?saved=test-coins');
    expect(after.text).toContain(`count in your balance after ${MIN_CONFIRMATIONS} confirmations (a block every ${BLOCK_SECONDS} s: about ${MIN_CONFIRMATIONS * BLOCK_SECONDS} s)`);
    await balanceBecomes(donor, '7.5');
    const credited = await donor.agent.get('/donor');
    expect(credited.text).toContain('<span id="balance">7.5\u00a0DOGE</span>');
  }, 60_000);

  it('the faucet tells what it holds; a payment above it is refused as insufficient-funds', async () => {
    const { spendable } = await faucet.balance();
    expect(spendable).toBeGreaterThan(500n * COIN);
    const donor = await signUpWeb(t);
    await expect(faucet.send(donor.depositAddress, spendable + COIN)).rejects.toMatchObject({ code: 'insufficient-funds' });
  });

  it('a stack without a faucet (any other chain or node) has no form, and the API route refuses', async () => {
    const plain = createTestApp();
    const donor = await signUpWeb(plain);
    expect((await donor.agent.get('/donor')).text).not.toContain('test-coins-form');
    const res = await request(plain.app).post('/api/v1/dev/fund').set('Authorization', bearer(TEST_OPERATOR_TOKEN)).send({ to: donor.handle, amount: '1' });
    expectError(res, 403, 'dev-chain-only');
    expectError(await request(t.app).post('/api/v1/dev/fund').set('Authorization', bearer(donor.token)).send({ to: donor.handle, amount: '1' }), 403, 'forbidden');
  });

  it('`kibble dev fund` with no embedded stack running for DATA_DIR says so', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'kibble-no-stack-'));
    process.env.DATA_DIR = empty;
    try {
      const result = await runKibble('dev', 'fund', 'someone', '1');
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`no embedded kibble is running for DATA_DIR=${empty}`);
    } finally {
      process.env.DATA_DIR = dataDir;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

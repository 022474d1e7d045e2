import request from 'supertest';
import { flattr } from '../../../src/services/clicks/clicks';
import { createTestApp, bearer, expectError, TEST_OPERATOR_TOKEN } from '../../support/http';
import { uriOfDatabase } from '../../support/database';
import { doge } from '../../support/money';
import { SETTLEMENT_MNEMONIC, useSettlementWorld } from '../../support/settlement-world';
import { runKibbleProcess } from '../../support/cli';

describe('operators: the admin API and `kibble settle`', () => {
  const world = useSettlementWorld();
  const t = createTestApp();
  const operator = bearer(TEST_OPERATOR_TOKEN);

  beforeAll(() => {
    t.deps.settlement = world.service();
    t.clock.set('2026-06-15T00:00:00Z'); // April and May have ended for the admin listing
  });

  async function monthWithClicks(period: string, day = 5): Promise<void> {
    const donor = await world.donor(doge(4));
    await world.fund(donor, doge(10));
    const [year, month] = period.split('-').map(Number) as [number, number];
    for (let i = 0; i < 2; i++) await flattr(donor.id, await world.thing(await world.creator()), new Date(Date.UTC(year, month - 1, day + i)));
  }

  it('lets only the operator token in', async () => {
    expectError(await request(t.app).get('/api/v1/admin/settlements'), 401, 'unauthorized');
    expectError(await request(t.app).get('/api/v1/admin/settlements').set('Authorization', bearer('not-the-operator-token-at-all-0000000')), 403, 'forbidden');
    const account = await t.signUp();
    expectError(await request(t.app).post('/api/v1/admin/settlements/2026-04/execute').set('Authorization', bearer(account.token)), 403, 'forbidden');
  });

  it('answers a readable 400 for a malformed period', async () => {
    const res = expectError(await request(t.app).get('/api/v1/admin/settlements/2026-13').set('Authorization', operator), 400, 'validation-failed');
    expect(res.message).toMatch(/period/);
  });

  it('plans (dry run), executes and reports a month over HTTP', async () => {
    await monthWithClicks('2026-04');
    const list = await request(t.app).get('/api/v1/admin/settlements').set('Authorization', operator);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ settlements: [], due: ['2026-04'] });

    const plan = await request(t.app).post('/api/v1/admin/settlements/2026-04/plan').set('Authorization', operator);
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({ period: '2026-04', stored: false, state: 'open', totals: { charged: '4', serviceFee: '0.4', clicks: 2 }, buildError: null });
    expect(plan.body.creators.map((c: { paid: string }) => c.paid)).toEqual(['1.8', '1.8']);
    expect(plan.body.transactions).toHaveLength(1);
    // a dry run stores nothing
    expect((await request(t.app).get('/api/v1/admin/settlements/2026-04').set('Authorization', operator)).body).toMatchObject({ state: 'open', transactions: [] });

    const executed = await request(t.app).post('/api/v1/admin/settlements/2026-04/execute').set('Authorization', operator);
    expect(executed.status).toBe(200);
    expect(executed.body).toMatchObject({ period: '2026-04', state: 'broadcast', lastError: null, summary: { charged: '4', paidToCreators: '3.6' } });
    expect(executed.body.transactions).toEqual([expect.objectContaining({ state: 'broadcast', confirmations: 0 })]);

    const again = await request(t.app).post('/api/v1/admin/settlements/2026-04/rebroadcast').set('Authorization', operator);
    expect(again.status).toBe(200);
    expect(again.body.transactions.map((tx: { txid: string }) => tx.txid)).toEqual(executed.body.transactions.map((tx: { txid: string }) => tx.txid));

    const stored = await request(t.app).post('/api/v1/admin/settlements/2026-04/plan').set('Authorization', operator);
    expect(stored.body).toMatchObject({ stored: true, state: 'broadcast' });
  });

  it('refuses a month that has not ended without closeNow, and a later month before an earlier one is confirmed', async () => {
    const current = new Date().toISOString().slice(0, 7);
    const early = await request(t.app).post(`/api/v1/admin/settlements/${current}/execute`).set('Authorization', operator);
    expect(expectError(early, 409, 'settlement-refused').message).toMatch(/has not ended yet.*--close-now/);
    await monthWithClicks('2026-05');
    const blocked = await request(t.app).post('/api/v1/admin/settlements/2026-05/execute').set('Authorization', operator);
    expect(expectError(blocked, 409, 'settlement-refused').message).toMatch(/settle 2026-04 first/);
  });

  it('runs the same through `kibble settle` and `settlement-status`', async () => {
    await world.mineAndScan(2);
    await world.service().followConfirmations();
    const env = {
      ...process.env,
      MONGODB_URI: uriOfDatabase(world.db),
      CHAIN: 'bcoin-regtest',
      CHAIN_RPC_URL: world.node.rpcUrl,
      MIN_CONFIRMATIONS: '2',
      WALLET_MNEMONIC: SETTLEMENT_MNEMONIC,
      FEE_ADDRESS: world.feeAddress,
      LOG_LEVEL: 'silent',
    };
    const kibble = (...args: string[]) => runKibbleProcess(args, { env, timeout: 60_000 });

    const plan = await kibble('settle', '2026-05', '--plan');
    expect(plan.stdout).toMatch(/Settlement plan for 2026-05 \(dry run: nothing is stored/);
    expect(plan.stdout).toMatch(/Donors charged: 1, clicks: 2, charged in all: 4/);
    expect(plan.stdout).toMatch(/Transactions: 1, \d+ bytes/);

    const executed = JSON.parse((await kibble('settle', '2026-05', '--execute', '--json')).stdout) as { state: string; transactions: unknown[] };
    expect(executed).toMatchObject({ state: 'broadcast', transactions: [expect.objectContaining({ state: 'broadcast' })] });

    const status = await kibble('settlement-status', '2026-05');
    expect(status.stdout).toMatch(/^Settlement 2026-05: broadcast/);

    const usage = await kibble('settle', '2026-05').catch((error: unknown) => error as { code: number; stderr: string });
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringMatching(/choose exactly one of --plan, --execute, --rebroadcast/) });
    const badPeriod = await kibble('settle', 'May', '--plan').catch((error: unknown) => error as { code: number; stderr: string });
    expect(badPeriod).toMatchObject({ code: 2, stderr: expect.stringMatching(/not a UTC month/) });
  });
});

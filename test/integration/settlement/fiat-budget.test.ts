import { createOutbound } from '../../../src/net/outbound';
import { replayPayday } from '../../../src/proofs/replay';
import { setFiatBudget } from '../../../src/services/accounts/fiat-settings';
import { flattr } from '../../../src/services/clicks/clicks';
import { PriceService } from '../../../src/services/prices/prices';
import { paydaySnapshot } from '../../../src/services/settlement/payday-snapshot';
import { findSettlement, type Settlement } from '../../../src/services/settlement/settlement-store';
import { deploymentEnv, runKibble, runKibbleProcess } from '../../support/cli';
import { rejectedCode } from '../../support/errors';
import { doge } from '../../support/money';
import { deadPriceUrl, startPriceServer, type PriceServer } from '../../support/price-server';
import { MIN_CONFIRMATIONS, SETTLEMENT_MNEMONIC, useSettlementWorld, type Donor } from '../../support/settlement-world';

const PERIOD = '2026-08';
const IN_AUGUST = (day: number) => new Date(Date.UTC(2026, 7, day, 12));

/**
 * A month with a budget in euros on the real database and regtest node: planning converts it at
 * the price then (floor to the koinu), refuses without a price and says how to give one, settles
 * at the operator's `settle --rate`, stores the rate, and replay recomputes the month from it.
 */
describe('a monthly budget in a fiat currency', () => {
  const world = useSettlementWorld();
  let server: PriceServer;
  let euroDonor: Donor;
  let coinDonor: Donor;
  const pricesAt = (url: string) => new PriceService({ url, coinId: 'dogecoin', cacheSeconds: 60 }, { fetch: createOutbound({ allowPrivate: true }), clock: () => new Date() });

  beforeAll(async () => {
    server = await startPriceServer({ dogecoin: { eur: 0.12345, usd: 0.13 } });
    const creators = [await world.creator(), await world.creator()];
    const things = await Promise.all(creators.map((creator) => world.thing(creator)));
    euroDonor = await world.donor(0n);
    coinDonor = await world.donor(doge(3));
    const set = await setFiatBudget(euroDonor.id, '5', 'EUR', pricesAt(server.url), new Date());
    // The estimate at the price when it was set; the month converts at the price then.
    expect(set.estimate).toBe(4_050_222_762n);
    await world.fund(euroDonor, doge(100));
    await world.fund(coinDonor, doge(10));
    await flattr(euroDonor.id, things[0] as string, IN_AUGUST(2));
    await flattr(euroDonor.id, things[1] as string, IN_AUGUST(3));
    await flattr(coinDonor.id, things[1] as string, IN_AUGUST(4));
  });
  afterAll(() => server.close());

  it('plans at the price source\'s rate: 5 EUR at 0.12345 EUR/DOGE is 4050222762 koinu (floored)', async () => {
    const view = await world.service({ prices: pricesAt(server.url) }).plan(PERIOD);
    expect(view.stored).toBe(false);
    const euro = view.plan.donors.find((d) => d.donorId === euroDonor.id);
    expect(euro).toMatchObject({ budget: 4_050_222_762n, charge: 4_050_222_762n, fiatBudget: { currency: 'EUR', amount: '5' } });
    expect(view.plan.donors.find((d) => d.donorId === coinDonor.id)?.charge).toBe(doge(3));
    expect(view.plan.rates).toEqual([{ currency: 'EUR', rate: '0.12345', at: expect.any(String) as string, source: new URL(server.url).host }]);
  });

  it('refuses to plan when the price source is down, saying how to give a rate', async () => {
    const down = world.service({ prices: pricesAt(await deadPriceUrl()) });
    expect(await rejectedCode(down.execute(PERIOD))).toBe('price-unavailable');
    const stopped = await findSettlement(PERIOD);
    expect(stopped?.state).toBe('closed');
    expect(stopped?.lastError).toMatch(/no price could be had for EUR.*kibble settle 2026-08 --execute --rate EUR=<price of one DOGE>/);
  });

  it('`settle --rate` refuses a malformed rate, then settles the month at the operator\'s rate and stores it', async () => {
    const refused = await runKibble('settle', PERIOD, '--execute', '--rate', 'EUR=1e-3');
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/--rate/);

    const env = deploymentEnv(world.db, world.chain, world.node.rpcUrl, { MIN_CONFIRMATIONS: String(MIN_CONFIRMATIONS), WALLET_MNEMONIC: SETTLEMENT_MNEMONIC, FEE_ADDRESS: world.feeAddress });
    const { stdout } = await runKibbleProcess(['settle', PERIOD, '--execute', '--rate', 'EUR=0.125', '--json'], { env, timeout: 90_000 });
    expect(JSON.parse(stdout)).toMatchObject({ state: 'broadcast' });
    await world.mineAndScan(MIN_CONFIRMATIONS);
    const [settlement] = (await world.service().followConfirmations()) as [Settlement];
    expect(settlement.state).toBe('confirmed');

    // A later price changes nothing: the stored plan is the month.
    server.answer = { dogecoin: { eur: 0.5 } };
    const stored = await world.service({ prices: pricesAt(server.url) }).plan(PERIOD);
    expect(stored.stored).toBe(true);
    expect(stored.plan.rates).toEqual([{ currency: 'EUR', rate: '0.125', at: expect.any(String) as string, source: 'operator' }]);
    // 5 / 0.125 = 40 DOGE exactly; 10% fee, the rest over two flattrs.
    expect(stored.plan.donors.find((d) => d.donorId === euroDonor.id)).toMatchObject({ budget: doge(40), charge: doge(40), fee: doge(4) });
    expect(stored.plan.totals.charged).toBe(doge(43));
    // One `kibble` process: slow to start on a loaded machine.
  }, 150_000);

  it('replay recomputes the month from its snapshot, rate included, and notices an edited rate', async () => {
    const snapshot = await paydaySnapshot(PERIOD);
    expect(snapshot.rates).toEqual([{ currency: 'EUR', rate: '0.125', at: expect.any(String) as string, source: 'operator' }]);
    expect(snapshot.donors.filter((d) => d.fiatBudget !== undefined).map((d) => d.fiatBudget)).toEqual([{ currency: 'EUR', amount: '5' }]);
    expect(replayPayday(snapshot).matches).toBe(true);
    const edited = replayPayday({ ...snapshot, rates: [{ ...(snapshot.rates?.[0] as NonNullable<typeof snapshot.rates>[number]), rate: '0.1' }] });
    expect(edited.matches).toBe(false);
    expect(edited.items.find((i) => i.name === 'plan totals')?.status).toBe('mismatch');
  });
});

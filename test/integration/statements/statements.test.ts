import request from 'supertest';
import { addressFromOutputScript } from '../../../src/chain/address';
import { parseBlock } from '../../../src/chain/block/block-parser';
import { type Settlement } from '../../../src/db/settlement';
import { parseCoins } from '../../../src/money/amount';
import { flattr } from '../../../src/services/clicks/clicks';
import { subscribe } from '../../../src/services/subscriptions/subscriptions';
import { parseCsv } from '../../../src/http/csv';
import { issueSessionFor } from '../../../src/http/session-issuing';
import { bearer, createTestApp, expectError } from '../../support/http';
import { doge } from '../../support/money';
import { MIN_CONFIRMATIONS, useSettlementWorld, type Creator, type Donor } from '../../support/settlement-world';

const PERIOD = '2026-10';
const IN_OCTOBER = (day: number) => new Date(Date.UTC(2026, 9, day, 12));
const coins = (text: string): bigint => parseCoins(text, { maxMoney: 10n ** 18n });

interface Gift { creatorId: string; amount: string; status: string; payout: { txid: string; vout: number; amount: string; confirmations: number | null } | null; returnsOn: { period: string; date: string } | null }
interface Flattr { thingId: string; creatorId: string; source: string; value: string; thingTitle: string | null }
interface StatementBody {
  period: string;
  settlementState: string;
  donor: { charge: string; fee: string; distributed: string; flattrs: Flattr[]; creators: Gift[]; refunds: unknown[] };
  creator: null | { supporters: number; things: Array<{ thingId: string; flattrs: number; amount: string }>; carriedIn: string; credited: string; paid: string; carriedOut: string; outcome: string; payouts: Array<{ txid: string; vout: number; amount: string; confirmations: number | null }> };
}

/**
 * Statements of one settled month (issue 15) against the chain: three donors (one charged its
 * balance, one with a subscription click), four creators (one without a payout address, one
 * below dust). Each creator's listed payouts are compared with the outputs of the mined block's
 * transactions at the listed vouts; each donor's flattrs sum to charge - fee; the CSV parses back
 * to the JSON figures.
 */
describe('statements of a settled month', () => {
  const world = useSettlementWorld();
  const t = createTestApp();
  let donors: { big: Donor; short: Donor; tiny: Donor };
  let creators: { one: Creator; two: Creator; unclaimed: Creator; dusty: Creator };
  let settlement: Settlement;
  const tokens = new Map<string, string>();

  const statementOf = async (id: string): Promise<StatementBody> => {
    const res = await request(t.app).get(`/api/v1/me/statements/${PERIOD}`).set('Authorization', bearer(tokens.get(id) as string));
    expect(res.status).toBe(200);
    return res.body as StatementBody;
  };

  beforeAll(async () => {
    creators = { one: await world.creator(), two: await world.creator(), unclaimed: await world.creator({ payoutAddress: null }), dusty: await world.creator() };
    const things = {
      one: await world.thing(creators.one),
      two: await world.thing(creators.two),
      twoMore: await world.thing(creators.two),
      unclaimed: await world.thing(creators.unclaimed),
      dusty: await world.thing(creators.dusty),
    };
    donors = { big: await world.donor(doge(10)), short: await world.donor(doge(6)), tiny: await world.donor(doge('0.02')) };
    await world.fund(donors.big, doge(50));
    await world.fund(donors.short, doge('3.00000001'));
    await world.fund(donors.tiny, doge(1));
    await flattr(donors.big.id, things.one, IN_OCTOBER(2));
    await flattr(donors.big.id, things.two, IN_OCTOBER(3));
    await subscribe(donors.big.id, things.unclaimed, IN_OCTOBER(4));
    await subscribe(donors.short.id, things.twoMore, IN_OCTOBER(1));
    await flattr(donors.short.id, things.one, IN_OCTOBER(20));
    await flattr(donors.tiny.id, things.one, IN_OCTOBER(6));
    await flattr(donors.tiny.id, things.two, IN_OCTOBER(7));
    await flattr(donors.tiny.id, things.dusty, IN_OCTOBER(8));

    const service = world.service();
    await service.execute(PERIOD);
    await world.mineAndScan(MIN_CONFIRMATIONS);
    [settlement] = (await service.followConfirmations()) as [Settlement];
    expect(settlement.state).toBe('confirmed');

    t.deps.chainTip = () => world.rpc.getBlockCount();
    t.clock.set('2026-11-15T12:00:00Z'); // October is a past month on the donor page
    for (const person of [...Object.values(donors), ...Object.values(creators)]) tokens.set(person.id, (await issueSessionFor(t.deps, person.id, t.clock())).token);
  }, 180_000);

  it("sums each donor's flattrs to charge - fee, with the planner's split and each creator's payout or reason", async () => {
    const big = await statementOf(donors.big.id);
    expect(big.donor).toMatchObject({ charge: '10', fee: '1', distributed: '9' });
    expect(big.donor.flattrs.map((f) => [f.creatorId, f.source, f.value])).toEqual([
      [creators.one.id, 'button', '3'],
      [creators.two.id, 'button', '3'],
      [creators.unclaimed.id, 'subscription', '3'],
    ]);
    const gifts = new Map(big.donor.creators.map((gift) => [gift.creatorId, gift]));
    expect(gifts.get(creators.one.id)).toMatchObject({ amount: '3', status: 'paid', returnsOn: null, payout: { confirmations: MIN_CONFIRMATIONS } });
    // Unclaimed amounts go back with the settlement of the month UNCLAIMED_MONTHS (6) later.
    expect(gifts.get(creators.unclaimed.id)).toEqual({ creatorId: creators.unclaimed.id, creatorHandle: expect.any(String), amount: '3', status: 'no-payout-address', payout: null, returnsOn: { period: '2027-04', date: '2027-05-01T00:00:00.000Z' } });

    const short = await statementOf(donors.short.id);
    // Charged its balance (below its budget); the odd koinu goes to the button click, counted first.
    expect(short.donor).toMatchObject({ charge: '3.00000001', fee: '0.3' });
    expect(short.donor.flattrs.map((f) => [f.source, f.value])).toEqual([['button', '1.35000001'], ['subscription', '1.35']]);

    const tiny = await statementOf(donors.tiny.id);
    expect(tiny.donor.creators.find((gift) => gift.creatorId === creators.dusty.id)).toMatchObject({ amount: '0.006', status: 'below-dust', payout: null });

    for (const statement of [big, short, tiny]) {
      const worth = statement.donor.flattrs.reduce((sum, f) => sum + coins(f.value), 0n);
      expect(worth).toBe(coins(statement.donor.charge) - coins(statement.donor.fee));
      expect(statement.creator).toBeNull();
    }
  });

  it("matches each creator's listed payouts with the outputs of the mined transactions at the listed vouts", async () => {
    const txs = new Map<string, { outputs: Array<{ value: bigint; script: Uint8Array }> }>();
    for (const tx of settlement.transactions) {
      const block = parseBlock(await world.rpc.getRawBlock(await world.rpc.getBlockHash(tx.blockHeight as number)), { auxpow: false });
      const mined = block.transactions.find((candidate) => candidate.txid === tx.txid);
      if (mined === undefined) throw new Error(`${tx.txid} is not in block ${tx.blockHeight}`);
      txs.set(tx.txid, mined);
    }
    const expectedPaid = { one: doge(3) + doge('1.35000001') + doge('0.006'), two: doge(3) + doge('1.35') + doge('0.006') };
    for (const [name, creator] of Object.entries(creators)) {
      const statement = (await statementOf(creator.id)).creator;
      if (statement === null) throw new Error(`${name} has no creator statement`);
      let onChain = 0n;
      for (const payout of statement.payouts) {
        const output = txs.get(payout.txid)?.outputs[payout.vout];
        if (output === undefined) throw new Error(`${payout.txid}:${payout.vout} is not a settlement output`);
        expect(addressFromOutputScript(world.chain, output.script)).toBe(creator.payoutAddress);
        onChain += output.value;
        expect(payout.confirmations).toBe(MIN_CONFIRMATIONS);
      }
      expect(statement.payouts.reduce((sum, payout) => sum + coins(payout.amount), 0n)).toBe(onChain);
      expect(coins(statement.paid)).toBe(onChain);
      expect(statement.things.reduce((sum, thing) => sum + coins(thing.amount), 0n)).toBe(coins(statement.credited));
      if (name === 'one' || name === 'two') expect(onChain).toBe(expectedPaid[name]);
    }
    const two = (await statementOf(creators.two.id)).creator;
    expect(two).toMatchObject({ supporters: 3, outcome: 'paid', carriedOut: '0' });
    expect(two?.things.map((thing) => thing.flattrs).sort()).toEqual([1, 2]);
    expect((await statementOf(creators.unclaimed.id)).creator).toMatchObject({ outcome: 'no-payout-address', paid: '0', carriedOut: '3', payouts: [] });
    expect((await statementOf(creators.dusty.id)).creator).toMatchObject({ outcome: 'below-dust', paid: '0', carriedOut: '0.006', supporters: 1, payouts: [] });
  });

  it('gives the same figures as CSV: one row per flattr, per thing and per payout', async () => {
    for (const person of [donors.big, donors.tiny, creators.one]) {
      const json = await statementOf(person.id);
      const res = await request(t.app).get(`/api/v1/me/statements/${PERIOD}.csv`).set('Authorization', bearer(tokens.get(person.id) as string));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="kibble-statement-${PERIOD}.csv"`);
      const [header, ...rows] = parseCsv(res.text) as [string[], ...string[][]];
      const column = (name: string) => header.indexOf(name);
      const ofKind = (kind: string) => rows.filter((row) => row[column('kind')] === kind);
      expect(ofKind('flattr').map((row) => row[column('amount')])).toEqual(json.donor.flattrs.map((f) => f.value));
      const gifts = new Map(json.donor.creators.map((gift) => [gift.creatorId, gift]));
      expect(ofKind('flattr').map((row) => [row[column('status')], row[column('txid')], row[column('vout')]])).toEqual(
        json.donor.flattrs.map((f) => {
          const gift = gifts.get(f.creatorId) as Gift;
          return [gift.status, gift.payout?.txid ?? '', gift.payout === null ? '' : String(gift.payout.vout)];
        }),
      );
      expect(ofKind('fee').map((row) => row[column('amount')])).toEqual(json.donor.flattrs.length > 0 ? [json.donor.fee] : []);
      expect(ofKind('thing').map((row) => [row[column('flattrs')], row[column('amount')]])).toEqual((json.creator?.things ?? []).map((thing) => [String(thing.flattrs), thing.amount]));
      expect(ofKind('payout').map((row) => `${row[column('txid')]}:${row[column('vout')]}:${row[column('amount')]}`)).toEqual((json.creator?.payouts ?? []).map((p) => `${p.txid}:${p.vout}:${p.amount}`));
    }
  });

  it('lists deposits, credited ones included, with txid:vout and when they were credited', async () => {
    const res = await request(t.app).get('/api/v1/me/deposits?limit=5').set('Authorization', bearer(tokens.get(donors.short.id) as string));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1, offset: 0, limit: 5 });
    expect(res.body.deposits).toEqual([expect.objectContaining({ amount: '3.00000001', status: 'credited', outpoint: expect.stringMatching(/^[0-9a-f]{64}:\d+$/), creditedAt: expect.any(String) })]);
    expect(res.body.deposits[0].confirmations).toBeGreaterThanOrEqual(MIN_CONFIRMATIONS);
    expectError(await request(t.app).get('/api/v1/me/deposits?limit=1000').set('Authorization', bearer(tokens.get(donors.short.id) as string)), 400, 'validation-failed');
  });

  it('shows the same on the pages: the link from the donor page, the statement, the deposit history', async () => {
    const cookie = `kibble_session=${tokens.get(donors.big.id) as string}`;
    const donorPage = await request(t.app).get('/donor').set('Cookie', cookie);
    expect(donorPage.status).toBe(200);
    expect(donorPage.text).toContain(`href="/me/statements/${PERIOD}"`);
    const page = await request(t.app).get(`/me/statements/${PERIOD}`).set('Cookie', cookie);
    expect(page.status).toBe(200);
    const json = await statementOf(donors.big.id);
    const paid = json.donor.creators.find((gift) => gift.creatorId === creators.one.id)?.payout;
    expect(page.text).toContain(`${paid?.txid}:${paid?.vout}`);
    expect(page.text).toContain('unclaimed: the creator has no payout address; returns to you on May 1, 2027 if still unclaimed');
    expect(page.text).toContain('<caption>Every counted flattr and what it was worth</caption>');
    const deposits = await request(t.app).get('/me/deposits').set('Cookie', cookie);
    expect(deposits.status).toBe(200);
    const listed = (await request(t.app).get('/api/v1/me/deposits').set('Authorization', bearer(tokens.get(donors.big.id) as string))).body as { deposits: Array<{ outpoint: string }> };
    expect(listed.deposits).toHaveLength(1);
    expect(deposits.text).toContain(listed.deposits[0]?.outpoint);
    const notPlanned = await request(t.app).get('/me/statements/2026-09').set('Cookie', cookie);
    expect(notPlanned.status).toBe(404);
  });

  it('speaks French on the statement and deposits pages to a browser that asks for it, English by default', async () => {
    const cookie = `kibble_session=${tokens.get(donors.short.id) as string}`;
    const french = (path: string) => request(t.app).get(path).set('Cookie', cookie).set('Accept-Language', 'fr-FR,fr;q=0.8');
    const page = await french(`/me/statements/${PERIOD}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="fr">');
    expect(page.text).toContain('Relevé : octobre 2026');
    expect(page.text).toContain('<span id="settlement-state" data-state="confirmed">confirmé</span>');
    expect(page.text).toContain('<caption>Chaque flattr compté et ce qu&#39;il a valu</caption>');
    expect(page.text).toContain('<dd id="statement-charge">3,00000001\u00a0DOGE</dd>');
    expect(page.text).toContain('<td>20 oct. 2026, 12:00 UTC</td>');
    expect(page.text).toContain('<td>abonnement</td><td class="num">1,35\u00a0DOGE</td>');
    const deposits = await french('/me/deposits');
    expect(deposits.status).toBe(200);
    expect(deposits.text).toContain('<caption>Dépôts, les plus récents en premier</caption>');
    expect(deposits.text).toContain('<td class="num">3,00000001\u00a0DOGE</td>');

    const english = await request(t.app).get(`/me/statements/${PERIOD}`).set('Cookie', cookie);
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('Statement October 2026');
    expect(english.text).toContain('<dd id="statement-charge">3.00000001\u00a0DOGE</dd>');
    expect(english.text).toContain('<td>subscription</td><td class="num">1.35\u00a0DOGE</td>');
  });

  it('answers 404 for a month not planned and 400 for a malformed one', async () => {
    const token = bearer(tokens.get(donors.big.id) as string);
    expectError(await request(t.app).get('/api/v1/me/statements/2026-09').set('Authorization', token), 404, 'not-found');
    expectError(await request(t.app).get('/api/v1/me/statements/2026-13').set('Authorization', token), 400, 'validation-failed');
    expectError(await request(t.app).get(`/api/v1/me/statements/${PERIOD}`), 401, 'unauthorized');
  });
});

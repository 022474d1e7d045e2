import { Types } from 'mongoose';
import { ClickModel } from '../../../src/db/click';
import { SettlementModel } from '../../../src/db/settlement';
import { clicksOf, flattr } from '../../../src/services/clicks/clicks';
import { subscribe, unsubscribe } from '../../../src/services/subscriptions/subscriptions';
import { registerThing } from '../../../src/services/things/things';
import { useTestDatabase } from '../../support/database';
import { codeOf, createAccount, credit, doge } from './seed';

const MARCH = new Date('2026-03-10T12:00:00Z');
const FEE_BPS = 1000;
let thingCounter = 0;

async function newThing(ownerId: string): Promise<string> {
  thingCounter += 1;
  return (await registerThing(ownerId, { url: `https://things.example/${thingCounter}`, title: `Thing ${thingCounter}` }, MARCH)).id;
}

const minutesAfter = (date: Date, minutes: number): Date => new Date(date.getTime() + minutes * 60_000);

describe('flattr', () => {
  useTestDatabase();

  it('records one click for the period of `now`, owned by the thing’s creator', async () => {
    const [creator, donor] = [await createAccount('creator'), await createAccount('donor')];
    const thingId = await newThing(creator);
    const click = await flattr(donor, thingId, new Date('2026-02-28T23:59:59Z'));
    expect(click).toEqual({ id: `2026-02:${donor}:${thingId}`, period: '2026-02', donorId: donor, thingId, creatorId: creator, at: new Date('2026-02-28T23:59:59Z'), source: 'button' });
  });

  it('answers 409 already-flattred to the second click of a period, and counts the next period again', async () => {
    const [creator, donor] = [await createAccount('creator'), await createAccount('donor')];
    const thingId = await newThing(creator);
    await flattr(donor, thingId, MARCH);
    expect(await codeOf(flattr(donor, thingId, new Date('2026-03-31T23:59:59Z')))).toBe('already-flattred');
    expect((await flattr(donor, thingId, new Date('2026-04-01T00:00:00Z'))).period).toBe('2026-04');
    // another donor is not affected
    await flattr(await createAccount('other'), thingId, MARCH);
  });

  it('gives exactly one click to 20 concurrent flattrs of one thing by one donor', async () => {
    const [creator, donor] = [await createAccount('creator'), await createAccount('donor')];
    const thingId = await newThing(creator);
    const codes = await Promise.all(Array.from({ length: 20 }, (_, i) => codeOf(flattr(donor, thingId, minutesAfter(MARCH, i)))));
    expect(codes.filter((code) => code === 'resolved')).toHaveLength(1);
    expect(codes.filter((code) => code === 'already-flattred')).toHaveLength(19);
    expect(await ClickModel.countDocuments({ donorId: new Types.ObjectId(donor), thingId: new Types.ObjectId(thingId) })).toBe(1);
  });

  it('answers 403 own-thing on one’s own thing and 404 on unknown or malformed things', async () => {
    const creator = await createAccount('creator');
    const thingId = await newThing(creator);
    expect(await codeOf(flattr(creator, thingId, MARCH))).toBe('own-thing');
    expect(await codeOf(flattr(creator, new Types.ObjectId().toHexString(), MARCH))).toBe('not-found');
    expect(await codeOf(flattr(creator, 'not-an-id', MARCH))).toBe('not-found');
    expect(await ClickModel.countDocuments({ donorId: new Types.ObjectId(creator) })).toBe(0);
  });
});

describe('clicksOf', () => {
  useTestDatabase();

  /** A donor with `budget` and `balance`, and `count` things by one creator, clicked a minute apart. */
  async function donorWithClicks(budget: bigint, balance: bigint, count: number): Promise<{ donor: string; creator: string; things: string[] }> {
    const [creator, donor] = [await createAccount('creator'), await createAccount('donor', budget)];
    if (balance > 0n) await credit(donor, balance);
    const things: string[] = [];
    for (let i = 0; i < count; i++) {
      const thingId = await newThing(creator);
      await flattr(donor, thingId, minutesAfter(MARCH, i));
      things.push(thingId);
    }
    return { donor, creator, things };
  }

  it('worked example: budget 5 DOGE, 3 clicks, fee 10% -> 1.5 DOGE a click', async () => {
    const { donor, creator, things } = await donorWithClicks(doge(5), doge(7), 3);
    const result = await clicksOf(donor, '2026-03', FEE_BPS, MARCH);
    expect(result.totals).toEqual({ charge: doge(5), fee: doge('0.5'), clickCount: 3 });
    expect(result.clicks.map((click) => [click.thingId, click.value])).toEqual(things.map((thingId) => [thingId, 150_000_000n]));
    expect(result.clicks.every((click) => click.source === 'button' && click.creatorId === creator && click.id !== null)).toBe(true);
  });

  it('charges the balance when it is below the budget, remainder koinu to the earliest clicks', async () => {
    const { donor } = await donorWithClicks(doge(5), 10n, 3);
    const result = await clicksOf(donor, '2026-03', 0, MARCH);
    expect(result.clicks.map((click) => click.value)).toEqual([4n, 3n, 3n]);
    expect(result.totals).toEqual({ charge: 10n, fee: 0n, clickCount: 3 });
  });

  it('is worth nothing without a balance or with a paused budget', async () => {
    const { donor: broke } = await donorWithClicks(doge(5), 0n, 2);
    const { donor: paused } = await donorWithClicks(0n, doge(5), 2);
    for (const donor of [broke, paused]) {
      const result = await clicksOf(donor, '2026-03', FEE_BPS, MARCH);
      expect(result.clicks.map((click) => click.value)).toEqual([0n, 0n]);
      expect(result.totals).toEqual({ charge: 0n, fee: 0n, clickCount: 2 });
    }
  });

  it('counts only the requested period', async () => {
    const { donor, creator, things } = await donorWithClicks(doge(5), doge(5), 1);
    await flattr(donor, await newThing(creator), new Date('2026-02-15T00:00:00Z'));
    await flattr(donor, await newThing(creator), new Date('2026-04-01T00:00:00Z'));
    const march = await clicksOf(donor, '2026-03', FEE_BPS, MARCH);
    expect(march.clicks.map((click) => [click.thingId, click.value])).toEqual([[things[0], doge('4.5')]]);
    expect((await clicksOf(donor, '2026-01', FEE_BPS, MARCH)).totals).toEqual({ charge: 0n, fee: 0n, clickCount: 0 });
  });

  it('adds one click per active subscription to a thing not clicked, after the real clicks', async () => {
    const { donor, creator, things } = await donorWithClicks(doge(5), doge(5), 1);
    const [clickedId = '', subscribedId] = [things[0], await newThing(creator)];
    await subscribe(donor, clickedId, minutesAfter(MARCH, 5)); // already clicked: no extra click
    const subscription = await subscribe(donor, subscribedId, minutesAfter(MARCH, 6));
    const ended = await subscribe(donor, await newThing(creator), minutesAfter(MARCH, 7));
    await unsubscribe(donor, ended.id);
    await subscribe(donor, await newThing(creator), minutesAfter(MARCH, 60)); // after `now`

    const result = await clicksOf(donor, '2026-03', FEE_BPS, minutesAfter(MARCH, 30));
    expect(result.totals).toEqual({ charge: doge(5), fee: doge('0.5'), clickCount: 2 });
    expect(result.clicks).toEqual([
      expect.objectContaining({ thingId: clickedId, source: 'button', value: doge('2.25') }),
      { id: null, thingId: subscribedId, creatorId: creator, at: null, source: 'subscription', subscriptionId: subscription.id, value: doge('2.25') },
    ]);
    // made in March: nothing for February, which ended before (its settlement is simply late)
    expect((await clicksOf(donor, '2026-02', FEE_BPS, minutesAfter(MARCH, 30))).totals.clickCount).toBe(0);
  });

  it('stops implying subscription clicks once the period is closed (they are stored clicks then)', async () => {
    // A period of its own: the settlement document would change every other test's March.
    const june = new Date('2026-06-10T00:00:00Z');
    const [creator, donor] = [await createAccount('creator'), await createAccount('donor', doge(5))];
    await credit(donor, doge(5));
    await flattr(donor, await newThing(creator), june);
    await subscribe(donor, await newThing(creator), june);
    expect((await clicksOf(donor, '2026-06', FEE_BPS, june)).totals.clickCount).toBe(2);
    await SettlementModel.create({ _id: '2026-06', period: '2026-06', state: 'closed' });
    expect((await clicksOf(donor, '2026-06', FEE_BPS, june)).totals.clickCount).toBe(1);
  });

  it('never returns another donor’s clicks or subscriptions', async () => {
    const { donor, creator } = await donorWithClicks(doge(5), doge(5), 2);
    const other = await createAccount('other', doge(5));
    await credit(other, doge(5));
    await subscribe(donor, await newThing(creator), MARCH);
    const otherResult = await clicksOf(other, '2026-03', FEE_BPS, MARCH);
    // Their own funds only: budget and balance of 5 each.
    expect(otherResult).toEqual({ period: '2026-03', clicks: [], totals: { charge: 0n, fee: 0n, clickCount: 0 }, funds: { monthlyBudget: doge(5), balance: doge(5) } });
    const theirThing = await newThing(creator);
    await flattr(other, theirThing, MARCH);
    const mine = await clicksOf(donor, '2026-03', FEE_BPS, MARCH);
    expect(mine.clicks.map((click) => click.thingId)).not.toContain(theirThing);
    expect(mine.totals.clickCount).toBe(3);
  });

  it('refuses a malformed period and an unknown donor', async () => {
    const donor = await createAccount('donor');
    expect(await codeOf(clicksOf(donor, '2026-13', FEE_BPS, MARCH))).toBe('period-invalid');
    expect(await codeOf(clicksOf(donor, '2026-3', FEE_BPS, MARCH))).toBe('period-invalid');
    expect(await codeOf(clicksOf(new Types.ObjectId().toHexString(), '2026-03', FEE_BPS, MARCH))).toBe('not-found');
  });
});

import { Types } from 'mongoose';
import { CUSTODY_ACCOUNT, creatorAccount, donorAccount } from '../../../src/money/ledger';
import { flattr } from '../../../src/services/clicks/clicks';
import { recordJournal } from '../../../src/services/ledger/ledger-store';
import { CREATOR_PAYOUT_KIND, creatorStats, thingClickCount } from '../../../src/services/stats';
import { registerThing } from '../../../src/services/things/things';
import { useTestDatabase } from '../../support/database';
import { codeOf, createAccount, doge } from './seed';

const JAN = new Date('2026-01-20T00:00:00Z');
const FEB = new Date('2026-02-20T00:00:00Z');
const MARCH = new Date('2026-03-10T12:00:00Z');
let thingCounter = 0;

async function newThing(ownerId: string): Promise<string> {
  thingCounter += 1;
  return (await registerThing(ownerId, { url: `https://stats.example/${thingCounter}`, title: `Thing ${thingCounter}` }, JAN)).id;
}

/** What a settlement of `period` would write: the donor's charge credited to the creator. */
async function settle(period: string, donor: string, creator: string, amount: bigint): Promise<void> {
  await recordJournal({
    id: `test-settlement:${period}:${donor}:${creator}`,
    kind: 'settlement',
    period,
    lines: [
      { account: donorAccount(donor), amount: -amount },
      { account: creatorAccount(creator), amount },
    ],
  }, MARCH);
}

/** A payout: the creator is owed less, the coins leave custody. */
async function payOut(period: string, creator: string, amount: bigint): Promise<void> {
  await recordJournal({
    id: `test-payout:${period}:${creator}`,
    kind: CREATOR_PAYOUT_KIND,
    period,
    lines: [
      { account: creatorAccount(creator), amount: -amount },
      { account: CUSTODY_ACCOUNT, amount },
    ],
  }, MARCH);
}

describe('stats service', () => {
  useTestDatabase();

  it('counts flattrs per period and distinct supporters, and splits earned (paid) from owed', async () => {
    const [creator, other] = [await createAccount('creator'), await createAccount('other-creator')];
    const [d1, d2, d3] = [await createAccount('d1'), await createAccount('d2'), await createAccount('d3')];
    const [t1, t2, otherThing] = [await newThing(creator), await newThing(creator), await newThing(other)];
    await flattr(d3, t2, JAN);
    await flattr(d1, t1, FEB);
    await flattr(d1, t1, MARCH);
    await flattr(d2, t1, MARCH);
    await flattr(d2, t2, MARCH);
    await flattr(d1, otherThing, MARCH); // another creator's flattr counts for nobody here

    await settle('2026-01', d3, creator, doge(3));
    await payOut('2026-01', creator, doge(2)); // 1 DOGE stays owed (say, below dust)
    await settle('2026-02', d1, creator, doge('0.5'));
    await settle('2026-01', d1, other, doge(9));
    await payOut('2026-01', other, doge(9));

    expect(await creatorStats(creator, MARCH)).toEqual({
      period: '2026-03',
      flattrsThisPeriod: 3,
      flattrsAllTime: 5,
      distinctSupporters: 3,
      earned: doge(2),
      owed: doge('1.5'),
      perPeriod: [
        { period: '2026-01', flattrs: 1, earned: doge(2) },
        { period: '2026-02', flattrs: 1, earned: 0n },
        { period: '2026-03', flattrs: 3, earned: 0n },
      ],
    });
    // `now` picks the period whose flattrs are "this period"
    expect((await creatorStats(creator, FEB)).flattrsThisPeriod).toBe(1);
  });

  it('is all zeros for a creator without things or payouts', async () => {
    expect(await creatorStats(await createAccount('newcomer'), MARCH)).toEqual({
      period: '2026-03', flattrsThisPeriod: 0, flattrsAllTime: 0, distinctSupporters: 0, earned: 0n, owed: 0n, perPeriod: [],
    });
  });

  it('counts a thing’s flattrs of one period for its button', async () => {
    const creator = await createAccount('creator');
    const thing = await newThing(creator);
    for (const [i, at] of [MARCH, MARCH, FEB].entries()) await flattr(await createAccount(`fan${i}`), thing, at);
    expect(await thingClickCount(thing, '2026-03')).toBe(2);
    expect(await thingClickCount(thing, '2026-02')).toBe(1);
    expect(await thingClickCount(new Types.ObjectId().toHexString(), '2026-03')).toBe(0);
    expect(await codeOf(thingClickCount('nope', '2026-03'))).toBe('not-found');
    expect(await codeOf(thingClickCount(thing, 'March'))).toBe('period-invalid');
  });
});

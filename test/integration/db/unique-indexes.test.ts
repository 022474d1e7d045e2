import { Types } from 'mongoose';
import {
  ALL_MODELS,
  AccountModel,
  allocateCounterValue,
  ClickModel,
  clickKey,
  depositKey,
  DepositModel,
  isDuplicateKeyError,
  LedgerEntryModel,
  SubscriptionModel,
  ThingModel,
  tryClaim,
} from '../../../src/db/models';
import { insertEachOnce } from '../../../src/db/group-commit';
import { RateLimitHitModel } from '../../../src/db/rate-limit-hit';
import { ledgerEntryId } from '../../../src/money/ledger';
import { useTestDatabase } from '../../support/database';
import { testDatabaseKind } from '../../support/env';

async function expectDuplicateKey(write: Promise<unknown>): Promise<void> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  expect(isDuplicateKeyError(error)).toBe(true);
  expect((error as { code?: unknown }).code).toBe(11000);
}

describe('unique indexes make repeated writes fail with E11000', () => {
  const db = useTestDatabase();

  // connectDatabase creates a missing collection together with all its indexes (one command,
  // which DocumentDB builds at once): every schema index must really be there, fields in order.
  it('every collection and every schema index exists after connecting', async () => {
    const collections = (await db.native.listCollections().toArray()).map((c) => c.name);
    for (const model of ALL_MODELS) {
      expect(collections).toContain(model.collection.collectionName);
      const stored = (await model.collection.indexes()).map((index) => ({ key: Object.entries(index.key), unique: index.unique === true, ordered: Boolean((index as { enableOrderedIndex?: unknown }).enableOrderedIndex) }));
      // Ordered on DocumentDB (src/db/ordered-index.ts); FerretDB refuses the option.
      const declared = model.schema.indexes().map(([key, options]) => ({ key: Object.entries(key), unique: options.unique === true, ordered: testDatabaseKind() === 'documentdb' }));
      expect(stored).toEqual(expect.arrayContaining(declared));
      expect(stored).toHaveLength(declared.length + 1); // and _id
    }
  });
  const [donorId, thingId, creatorId] = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];

  it('one click per donor, thing and period', async () => {
    // The click's `_id` is its natural key: a second click of the pair in the period is refused.
    const click = { _id: clickKey('2026-03', donorId, thingId), period: '2026-03', donorId, thingId, creatorId, at: new Date('2026-03-05T10:00:00Z') };
    await ClickModel.create(click);
    await expectDuplicateKey(ClickModel.create({ ...click, at: new Date('2026-03-06T10:00:00Z') }));
    // same donor and thing in another period is a new click
    await ClickModel.create({ ...click, _id: clickKey('2026-04', donorId, thingId), period: '2026-04', at: new Date('2026-04-01T00:00:00Z') });
    expect(await ClickModel.countDocuments({ donorId, thingId })).toBe(2);
  });

  it('one deposit per txid:vout', async () => {
    const txid = 'ab'.repeat(32);
    const deposit = {
      _id: depositKey(txid, 1), txid, vout: 1, address: 'addr', accountId: donorId, amount: 5n,
      blockHash: 'cd'.repeat(32), blockHeight: 10, seenAt: new Date(),
    };
    await DepositModel.create(deposit);
    await expectDuplicateKey(DepositModel.create({ ...deposit, amount: 6n }));
    await DepositModel.create({ ...deposit, _id: depositKey(txid, 0), vout: 0 });
    expect(await DepositModel.countDocuments({ txid })).toBe(2);
  });

  it('one account per deposit index', async () => {
    await AccountModel.create({ handle: 'first', passwordHash: 'x', depositIndex: 7 });
    await expectDuplicateKey(AccountModel.create({ handle: 'second', passwordHash: 'x', depositIndex: 7 }));
  });

  it('handles are unique regardless of case', async () => {
    const alice = await AccountModel.create({ handle: 'Alice', passwordHash: 'x', depositIndex: 100 });
    expect(alice.handle).toBe('Alice');
    expect(alice.handleKey).toBe('alice');
    await expectDuplicateKey(AccountModel.create({ handle: 'aLICE', passwordHash: 'x', depositIndex: 101 }));
    await expectDuplicateKey(AccountModel.create({ handle: 'alice', passwordHash: 'x', depositIndex: 102 }));
  });

  it('a ledger journal written twice changes nothing (its entries are keyed by journal and account)', async () => {
    const journal = [
      { journalId: 'deposit:t:0', account: 'custody', amount: 100n, kind: 'deposit' },
      { journalId: 'deposit:t:0', account: `donor:${donorId.toHexString()}`, amount: -100n, kind: 'deposit' },
    ].map((entry) => ({ _id: ledgerEntryId(entry.journalId, entry.account), ...entry }));
    await LedgerEntryModel.insertMany(journal);
    await expectDuplicateKey(LedgerEntryModel.insertMany(journal, { ordered: false }));
    expect(await LedgerEntryModel.countDocuments({ journalId: 'deposit:t:0' })).toBe(2);
  });

  it('one subscription per donor and thing; one thing per URL', async () => {
    await SubscriptionModel.create({ donorId, thingId });
    await expectDuplicateKey(SubscriptionModel.create({ donorId, thingId, active: false }));
    await ThingModel.create({ url: 'https://example.org/a', title: 'A', ownerId: creatorId });
    await expectDuplicateKey(ThingModel.create({ url: 'https://example.org/a', title: 'B', ownerId: donorId }));
  });

  it('the atomic $inc counter hands out distinct values to 50 concurrent callers', async () => {
    const values = await Promise.all(Array.from({ length: 50 }, () => allocateCounterValue('concurrency-test')));
    expect(new Set(values).size).toBe(50);
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(await allocateCounterValue('concurrency-test')).toBe(50);
  });

  it('a claim is won by exactly one of 50 concurrent callers', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => tryClaim('lease:test:1', `instance-${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('an unordered batch insert says of each document whether it was inserted or a duplicate (insertEachOnce)', async () => {
    const hit = (n: number) => ({ _id: `batch-window#${n}`, window: 'batch-window', expiresAt: new Date('2026-03-01T00:01:00Z') });
    expect(await insertEachOnce(RateLimitHitModel, [hit(0)])).toEqual(['inserted']);
    // stored before, new, repeated within the batch, new
    expect(await insertEachOnce(RateLimitHitModel, [hit(0), hit(1), hit(1), hit(2)])).toEqual(['duplicate', 'inserted', 'duplicate', 'inserted']);
    expect((await RateLimitHitModel.find({ window: 'batch-window' }).lean()).map((row) => row._id).sort()).toEqual(['batch-window#0', 'batch-window#1', 'batch-window#2']);
    expect(await insertEachOnce(RateLimitHitModel, [])).toEqual([]);
  });
});

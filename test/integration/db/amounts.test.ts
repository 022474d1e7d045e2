import { Types } from 'mongoose';
import { AccountModel, LedgerEntryModel, SettlementModel } from '../../../src/db/models';
import { ledgerEntryId } from '../../../src/money/ledger';
import { useTestDatabase } from '../../support/database';

const MAX_MONEY = 10_000_000_000n * 100_000_000n; // Dogecoin, in koinu
const AMOUNTS = [0n, 1n, 2n ** 53n + 1n, MAX_MONEY, -1n, -(2n ** 53n + 1n), -MAX_MONEY];

describe('bigint amounts in MongoDB', () => {
  const db = useTestDatabase();

  it('runs in a database of its own', () => {
    expect(db.name).toMatch(/^kibble_test_amounts_[0-9a-f]{8}$/);
    expect(db.native.databaseName).toBe(db.name);
  });

  it.each(AMOUNTS)('round-trips %p through documents and lean() as bigint', async (amount) => {
    const journalId = `amounts:${amount}`;
    await LedgerEntryModel.create({ _id: ledgerEntryId(journalId, 'custody'), journalId, account: 'custody', amount, kind: 'test' });

    const doc = await LedgerEntryModel.findOne({ journalId }).orFail();
    expect(typeof doc.amount).toBe('bigint');
    expect(doc.amount).toBe(amount);

    const lean = await LedgerEntryModel.findOne({ journalId }).lean().orFail();
    expect(typeof lean.amount).toBe('bigint');
    expect(lean.amount).toBe(amount);

    // queried by value, too (bigint is cast to Long in the filter)
    expect(await LedgerEntryModel.countDocuments({ journalId, amount })).toBe(1);
  });

  it('stores amounts as BSON Long (int64), not double', async () => {
    const raw = db.native.collection('ledger_entries');
    const total = await raw.countDocuments({ journalId: /^amounts:/ });
    expect(total).toBe(AMOUNTS.length);
    expect(await raw.countDocuments({ journalId: /^amounts:/, amount: { $type: 'long' } })).toBe(AMOUNTS.length);
    expect(await raw.countDocuments({ journalId: /^amounts:/, amount: { $type: 'double' } })).toBe(0);

    const unpromoted = await raw.findOne({ journalId: `amounts:${MAX_MONEY}` }, { promoteLongs: false, useBigInt64: false });
    expect(unpromoted?.['amount']?._bsontype).toBe('Long');
    expect(unpromoted?.['amount']?.toString()).toBe(MAX_MONEY.toString());
  });

  it('sums signed amounts exactly with $group', async () => {
    // One accumulator per $group: FerretDB 1.24 returns 0 for every accumulator after the first.
    const [all] = await LedgerEntryModel.aggregate<{ total: bigint }>([
      { $match: { journalId: /^amounts:/ } },
      { $group: { _id: null, total: { $sum: '$amount' } } },
    ]);
    expect(all?.total).toBe(0n); // each amount has its negative (0 included)

    const [positive] = await LedgerEntryModel.aggregate<{ total: bigint }>([
      { $match: { journalId: /^amounts:/, amount: { $gt: 0n } } },
      { $group: { _id: null, total: { $sum: '$amount' } } },
    ]);
    expect(typeof positive?.total).toBe('bigint');
    expect(positive?.total).toBe(1n + 2n ** 53n + 1n + MAX_MONEY);
  });

  it('reads nested amounts (settlement summary and transactions) as bigint', async () => {
    await SettlementModel.create({
      _id: '2026-01',
      period: '2026-01',
      state: 'signed',
      summary: {
        donorsCharged: 1, clicks: 3, creatorsPaid: 3, charged: MAX_MONEY, serviceFee: 1n, creditedToCreators: MAX_MONEY - 1n,
        refunded: 0n, paidToCreators: 0n, feePaymentPaid: 0n, networkFee: 0n, carried: 0n, transactionCount: 1, totalBytes: 226,
      },
      transactions: [{ txid: 'a'.repeat(64), raw: '00', bytes: 226, worstCaseBytes: 226, fee: 2n ** 53n + 1n, inputs: ['b'.repeat(64) + ':0'] }],
    });
    const lean = await SettlementModel.findById('2026-01').lean().orFail();
    expect(lean.summary?.charged).toBe(MAX_MONEY);
    expect(lean.transactions[0]?.fee).toBe(2n ** 53n + 1n);
  });

  it('defaults an account budget to 0n and updates it atomically with $inc', async () => {
    const account = await AccountModel.create({ handle: 'Amounts', passwordHash: 'x', depositIndex: 0 });
    expect(account.monthlyBudget).toBe(0n);
    await AccountModel.updateOne({ _id: account._id }, { $inc: { monthlyBudget: 2n ** 53n + 1n } });
    const lean = await AccountModel.findById(account._id).lean().orFail();
    expect(lean.monthlyBudget).toBe(2n ** 53n + 1n);
    expect(lean._id).toBeInstanceOf(Types.ObjectId);
  });
});

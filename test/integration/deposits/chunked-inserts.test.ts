import { Types } from 'mongoose';
import { DepositModel } from '../../../src/db/models';
import { insertDeposits, type NewDeposit } from '../../../src/services/wallet-watch/deposit-store';
import { INSERT_CHUNK } from '../../../src/services/wallet-watch/insert-once';
import { useTestDatabase } from '../../support/database';

/** A block that pays more deposits than one insert takes is stored in chunks, repeatably. */
describe('chunked deposit inserts', () => {
  useTestDatabase();

  const txid = 'ab'.repeat(32);
  const ACCOUNTS = Array.from({ length: 13 }, () => new Types.ObjectId().toHexString());
  const deposits: NewDeposit[] = Array.from({ length: INSERT_CHUNK * 2 + 7 }, (_, vout) => ({
    txid,
    vout,
    address: `address-${vout}`,
    accountId: ACCOUNTS[vout % ACCOUNTS.length] as string,
    amount: BigInt(vout + 1) * 1_000n,
    coinbase: false,
    blockHash: 'cd'.repeat(32),
    blockHeight: 100,
    seenAt: new Date('2026-12-01T00:00:00Z'),
  }));

  it('stores every deposit of the block across chunks, and a repeat adds none and says so', async () => {
    // One deposit of the third chunk is there already: that chunk still inserts the others.
    expect(await insertDeposits([deposits[INSERT_CHUNK * 2 + 3] as NewDeposit])).toBe(true);

    expect(await insertDeposits(deposits)).toBe(false);
    expect(await DepositModel.countDocuments({ txid })).toBe(deposits.length);

    expect(await insertDeposits(deposits)).toBe(false);
    expect(await DepositModel.countDocuments({ txid })).toBe(deposits.length);
    const last = await DepositModel.findById(`${txid}:${deposits.length - 1}`).lean();
    expect(last?.amount).toBe(BigInt(deposits.length) * 1_000n);
  });

  it('answers true when the whole block is new', async () => {
    const fresh = deposits.slice(0, INSERT_CHUNK + 1).map((deposit) => ({ ...deposit, txid: 'ef'.repeat(32) }));
    expect(await insertDeposits(fresh)).toBe(true);
    expect(await DepositModel.countDocuments({ txid: 'ef'.repeat(32) })).toBe(fresh.length);
  });

  it('refuses a deposit the schema rejects instead of leaving it out silently', async () => {
    // An unordered insertMany skips invalid documents without a word unless told to throw.
    const invalid = { ...(deposits[0] as NewDeposit), txid: '01'.repeat(32), accountId: 'not-an-object-id' };
    await expect(insertDeposits([invalid])).rejects.toThrow(/accountId/);
    expect(await DepositModel.countDocuments({ txid: '01'.repeat(32) })).toBe(0);
  });
});

import { SettlementModel } from '../../../src/db/settlement';
import {
  closeMonth,
  findSettlement,
  markAllocationWritten,
  markBroadcast,
  markConfirmed,
  markPlanned,
  markSigned,
  markSubscriptionClicksAdded,
  recordLastError,
  recordTransactions,
  requireSettlement,
  type Settlement,
  type SettlementSummary,
  type SettlementTransaction,
} from '../../../src/services/settlement/settlement-store';
import { useTestDatabase } from '../../support/database';

// The settlement store's moves on the real test database: each moves only from the states it
// starts from, and from any other state writes nothing at all and answers false.

const SUMMARY: SettlementSummary = {
  donorsCharged: 1,
  clicks: 3,
  creatorsPaid: 1,
  charged: 500_000_000n,
  serviceFee: 50_000_000n,
  creditedToCreators: 450_000_000n,
  refunded: 0n,
  paidToCreators: 450_000_000n,
  feePaymentPaid: 0n,
  networkFee: 226_000n,
  carried: 0n,
  transactionCount: 1,
  totalBytes: 226,
};

function transaction(txid: string, state: SettlementTransaction['state'] = 'signed'): SettlementTransaction {
  return { txid, raw: `01${txid}`, bytes: 225, worstCaseBytes: 226, fee: 226_000n, inputs: [`${'ab'.repeat(32)}:0`], state };
}

const at = (minute: number) => new Date(Date.UTC(2026, 7, 1, 0, minute));

/** Brings `period` to `state` through the moves themselves. */
async function settlementIn(period: string, state: Settlement['state']): Promise<void> {
  expect(await closeMonth(period, { closedAt: at(0), closedEarly: false })).toBe(true);
  if (state === 'closed') return;
  expect(await markSubscriptionClicksAdded(period, at(1))).toBe(true);
  expect(await markPlanned(period, { planAttempt: 'a1', planChunks: 1, summary: SUMMARY }, at(2))).toBe(true);
  if (state === 'planned') return;
  expect(await markAllocationWritten(period, at(3))).toBe(true);
  expect(await markSigned(period, [transaction('11'.repeat(32))], at(4))).toBe(true);
  if (state === 'signed') return;
  expect(await markBroadcast(period, at(5))).toBe(true);
  if (state === 'broadcast') return;
  expect(await markConfirmed(period, at(6))).toBe(true);
}

/** The stored document, as the database has it (for "nothing changed" comparisons). */
async function raw(period: string): Promise<unknown> {
  return SettlementModel.collection.findOne({ _id: period as never });
}

describe('the settlement store moves only from the expected state', () => {
  useTestDatabase();
  /** Each refusal case gets a month of its own. */
  let months = 0;

  it('walks closed -> planned -> signed -> broadcast -> confirmed, clearing the last error on each move forward', async () => {
    await settlementIn('2026-01', 'planned');
    await recordLastError('2026-01', 'invariant 2 failed', at(3));
    expect((await requireSettlement('2026-01')).lastError).toBe('invariant 2 failed');
    expect(await markSigned('2026-01', [transaction('22'.repeat(32))], at(4))).toBe(true);
    const signed = await requireSettlement('2026-01');
    expect(signed).toMatchObject({ state: 'signed', planAttempt: 'a1', planChunks: 1, updatedAt: at(4) });
    expect(signed.lastError).toBeUndefined();
    expect(signed.transactions.map((tx) => tx.txid)).toEqual(['22'.repeat(32)]);
    expect(await markBroadcast('2026-01', at(5))).toBe(true);
    expect(await recordTransactions('2026-01', [{ ...transaction('22'.repeat(32), 'confirmed'), blockHeight: 7 }], at(6))).toBe(true);
    expect(await markConfirmed('2026-01', at(7))).toBe(true);
    expect(await requireSettlement('2026-01')).toMatchObject({ state: 'confirmed', transactions: [{ state: 'confirmed', blockHeight: 7 }], updatedAt: at(7) });
  });

  it('closes a month once: a second close changes nothing', async () => {
    expect(await closeMonth('2026-02', { closedAt: at(0), closedEarly: true })).toBe(true);
    const before = await raw('2026-02');
    expect(await closeMonth('2026-02', { closedAt: at(9), closedEarly: false })).toBe(false);
    expect(await raw('2026-02')).toEqual(before);
    expect(await findSettlement('2026-02')).toMatchObject({ state: 'closed', closedEarly: true, closedAt: at(0) });
  });

  it('does not sign a month that is already broadcast: the stored transactions stay the ones sent', async () => {
    await settlementIn('2026-03', 'broadcast');
    const before = await raw('2026-03');
    expect(await markSigned('2026-03', [transaction('33'.repeat(32))], at(30))).toBe(false);
    expect(await raw('2026-03')).toEqual(before);
    expect((await requireSettlement('2026-03')).transactions.map((tx) => tx.txid)).toEqual(['11'.repeat(32)]);
  });

  const plan = { planAttempt: 'b2', planChunks: 2, summary: SUMMARY };
  const other = transaction('44'.repeat(32), 'broadcast');
  it.each([
    ['planned', 'planned', (period: string) => markPlanned(period, plan, at(30))],
    ['planned', 'signed', (period: string) => markPlanned(period, plan, at(30))],
    ['subscription clicks added', 'planned', (period: string) => markSubscriptionClicksAdded(period, at(30))],
    ['allocation written', 'signed', (period: string) => markAllocationWritten(period, at(30))],
    ['signed', 'closed', (period: string) => markSigned(period, [other], at(30))],
    ['signed', 'signed', (period: string) => markSigned(period, [other], at(30))],
    ['signed', 'confirmed', (period: string) => markSigned(period, [other], at(30))],
    ['broadcast', 'planned', (period: string) => markBroadcast(period, at(30))],
    ['broadcast', 'confirmed', (period: string) => markBroadcast(period, at(30))],
    ['transactions updated', 'planned', (period: string) => recordTransactions(period, [other], at(30))],
    ['transactions updated', 'confirmed', (period: string) => recordTransactions(period, [other], at(30))],
    ['confirmed', 'signed', (period: string) => markConfirmed(period, at(30))],
    ['confirmed', 'confirmed', (period: string) => markConfirmed(period, at(30))],
  ] as const)('refuses to mark %s from %s and writes nothing', async (_move, state, move) => {
    const period = `${2027 + Math.floor(months / 12)}-${String((months % 12) + 1).padStart(2, '0')}`;
    months += 1;
    await settlementIn(period, state);
    const before = await raw(period);
    expect(await move(period)).toBe(false);
    expect(await raw(period)).toEqual(before);
  });

  it('moves nothing for a month that was never closed, and creates no document', async () => {
    expect(await markPlanned('2026-05', { planAttempt: 'c3', planChunks: 1, summary: SUMMARY }, at(1))).toBe(false);
    expect(await markSigned('2026-05', [transaction('55'.repeat(32))], at(1))).toBe(false);
    expect(await markBroadcast('2026-05', at(1))).toBe(false);
    expect(await markConfirmed('2026-05', at(1))).toBe(false);
    expect(await findSettlement('2026-05')).toBeNull();
  });
});

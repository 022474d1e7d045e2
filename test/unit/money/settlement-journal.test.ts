import fc from 'fast-check';
import { assertBalancedJournal, CUSTODY_ACCOUNT, PLATFORM_FEES_ACCOUNT } from '../../../src/money/ledger';
import { parseWithBigints, stringifyWithBigints } from '../../../src/money/bigint-json';
import { CREATOR_PAYOUT_KIND, payoutJournal } from '../../../src/money/settlement-journal';

describe('payoutJournal', () => {
  it('moves paid creators, the fee output and the network fee out of custody', () => {
    const journal = payoutJournal({
      period: '2026-10',
      txid: 'ab'.repeat(32),
      creatorPayments: [
        { account: 'creator:a', amount: 435_600_001n },
        { account: 'creator:b', amount: 435_600_000n },
      ],
      feePaymentPaid: 129_000_000n,
      networkFee: 1_200_000n,
    });
    expect(journal).toEqual({
      id: `settlement:2026-10:tx:${'ab'.repeat(32)}`,
      kind: CREATOR_PAYOUT_KIND,
      period: '2026-10',
      lines: [
        { account: 'creator:a', amount: -435_600_001n },
        { account: 'creator:b', amount: -435_600_000n },
        { account: PLATFORM_FEES_ACCOUNT, amount: -130_200_000n },
        { account: CUSTODY_ACCOUNT, amount: 1_001_400_001n },
      ],
    });
  });

  it('always balances, whatever was paid', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: 1_000_000 }).map(String), { minLength: 0, maxLength: 20 }),
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 18n }), { minLength: 20, maxLength: 20 }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        (ids, amounts, feePaymentPaid, networkFee) => {
          const journal = payoutJournal({
            period: '2026-01',
            txid: 'cd'.repeat(32),
            creatorPayments: ids.map((id, i) => ({ account: `creator:${id}`, amount: amounts[i] as bigint })),
            feePaymentPaid,
            networkFee,
          });
          assertBalancedJournal(journal);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('JSON with bigints', () => {
  it('round-trips amounts above 2^53 exactly and leaves other strings alone', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.string(), (amount, text) => {
        const value = { amount, nested: [amount, { text }], text };
        expect(parseWithBigints(stringifyWithBigints(value))).toEqual(value);
      }),
      { numRuns: 1000 },
    );
  });
});

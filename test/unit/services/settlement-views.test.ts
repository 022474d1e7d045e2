import { feePaymentNote } from '../../../src/services/settlement/views';

describe('feePaymentNote: what the fee payment did, in the words the CLI, the API and the pages show', () => {
  const COIN = 100_000_000n;

  it.each([
    ['paid-in-full', 97_663n * COIN, 2, 0n, /^paid in full: 97663 in 2 outputs, the platform's balance less the network fee$/],
    ['below-dust', 0n, 0, 1_033_999n, /^not paid this month: after the network fee it would be below the dust threshold; it stays in platform:fees$/],
    ['below-dust', 12n * COIN, 1, 900_000n, /^12 in 1 output; 0\.009 stays in platform:fees/],
    ['wallet-short', 13n * COIN, 2, 32n * COIN, /^13 in 2 outputs; 32 carried to a later month: the wallet's spendable outputs do not hold the whole fee/],
    ['inputs-too-small', COIN, 1, 5n * COIN, /^1 in 1 output; 5 carried to a later month: the wallet's remaining outputs are worth less than spending them costs$/],
    [null, 2n * COIN, 1, 0n, /^paid in full: 2 in 1 output$/],
    [null, 2n * COIN, 1, 3n * COIN, /^2 in 1 output; 3 carried to a later month$/],
  ] as const)('%s: %s paid in %s output(s), %s carried', (status, paid, outputs, carried, expected) => {
    expect(feePaymentNote(status, paid, outputs, carried)).toMatch(expected);
  });
});

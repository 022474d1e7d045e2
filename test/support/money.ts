import { COIN } from '../../src/money/amount';

/** Whole coins (as a number or a decimal string) in koinu, exactly: doge('0.02') === 2_000_000n. */
export const doge = (coins: number | string): bigint => {
  const [whole = '0', fraction = ''] = String(coins).split('.');
  return BigInt(whole) * COIN + BigInt(fraction.padEnd(8, '0'));
};

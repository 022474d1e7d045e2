// The floor BuildResult.lowerBoundBytes reports, to judge how close the packing gets (tx-builder.ts).
import type { ChainProfile } from '../profiles';
import type { Payout } from './tx-request';
import { P2PKH_INPUT_WORST_BYTES, feeFor, outputBytes, txOverheadBytes } from './tx-size';
import type { SpendableOutput } from './tx-types';

/** 4 version + 1 + 1 counts + 4 locktime. */
const MIN_OVERHEAD_BYTES = txOverheadBytes(0, 0);

/** See BuildResult.lowerBoundBytes; feePaymentAmount: what a paid fee-paying payment carries, fees included; dataOutputBytes: the data output's whole size, if any. */
export function lowerBoundBytes(
  chain: ChainProfile,
  utxos: readonly SpendableOutput[],
  payouts: readonly Payout[],
  feePaymentBytes: number,
  feePaymentAmount: bigint | undefined,
  dataOutputBytes = 0,
): number {
  let paymentBytes = feePaymentBytes + dataOutputBytes;
  let paymentTotal = 0n;
  for (const payout of payouts) {
    paymentBytes += outputBytes(payout.scriptLength);
    paymentTotal += payout.amount;
  }
  const capacity = chain.maxStandardTxBytes - 1 - MIN_OVERHEAD_BYTES;
  const withOverhead = (inputCount: number): number => {
    const content = inputCount * P2PKH_INPUT_WORST_BYTES + paymentBytes;
    return content + MIN_OVERHEAD_BYTES * Math.max(1, Math.ceil(content / capacity));
  };
  // A paid fee-paying payment carries every fee inside its amount (feePaymentPaid + networkFee).
  const needed = (inputCount: number): bigint =>
    paymentTotal + (feePaymentAmount ?? feeFor(withOverhead(inputCount), chain.fee.perByte));
  let inputCount = 0;
  let inputSum = 0n;
  for (const utxo of utxos) {
    if (inputSum >= needed(inputCount)) break;
    inputSum += utxo.amount;
    inputCount += 1;
  }
  return withOverhead(inputCount);
}

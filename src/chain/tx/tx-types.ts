// The settlement builder's public types: what the caller asks for (BuildRequest) and what it gets
// back (BuildResult). tx-builder.ts re-exports them; import them from there.
import type { ChainProfile } from '../profiles';
import type { KeyPath } from '../key-path';

export type { KeyPath } from '../key-path';

export interface SpendableOutput { txid: string; vout: number; amount: bigint; address: string; keyPath: KeyPath }
export interface PaymentRequest { id: string; address: string; amount: bigint }
export interface ChangeSlot { address: string; keyPath: KeyPath }
export interface BuildRequest {
  chain: ChainProfile;
  /** Creator payouts. Outputs are merged per address (two payments to one address -> one output, both ids listed). */
  payments: readonly PaymentRequest[];
  /**
   * Optional platform-fee payment that PAYS THE NETWORK FEE OF EVERY TRANSACTION out of its own amount:
   * it goes in the LAST transaction, as its own output (never merged), with amount = requested - sum of all transactions' fees.
   * If that is below chain.dustThreshold it is dropped entirely and the transactions pay their fees from inputs/change as usual.
   * If no standard transaction can hold the inputs it needs, it is capped (see planWithReservedInputs).
   */
  feePayingPayment?: PaymentRequest;
  /** The wallet's spendable (confirmed) outputs, any order. */
  utxos: readonly SpendableOutput[];
  /** A fresh change slot for the transaction with this index (0,1,2...); called only for transactions that get a change output. */
  changeSlot: (txIndex: number) => ChangeSlot;
}
export interface BuiltOutput {
  address: string;
  amount: bigint;
  /** payment ids paid by this output; empty for change */
  paymentIds: string[];
  change?: ChangeSlot;
}
export interface UnsignedTransaction {
  inputs: SpendableOutput[];
  /** Merged payments by address, then the fee-paying payment (last transaction only), then change. */
  outputs: BuiltOutput[];
  /** = sum(inputs) - sum(outputs), exactly; at least chain.fee.perByte x worstCaseBytes. */
  fee: bigint;
  /** Size with the largest possible signatures, < chain.maxStandardTxBytes. */
  worstCaseBytes: number;
}
export interface BuildResult {
  transactions: UnsignedTransaction[];
  networkFee: bigint;
  /** What the fee-paying payment actually pays (0n when dropped or absent; below requested - networkFee when capped). */
  feePaymentPaid: bigint;
  totalWorstCaseBytes: number;
  /**
   * A floor for totalWorstCaseBytes: the fewest (largest) inputs that can fund everything, every
   * payment output (the fee-paying one when paid), and 10 bytes per transaction for the fewest
   * transactions that could hold those bytes. No change outputs.
   */
  lowerBoundBytes: number;
}

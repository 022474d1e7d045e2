// The settlement builder's public types: what the caller asks for (BuildRequest) and what it gets
// back (BuildResult). tx-builder.ts re-exports them; import them from there.
import type { ChainName, ChainProfile } from '../profiles';
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
   * its outputs (never merged with a payout) add up to requested - sum of all transactions' fees.
   * It goes in the last payout transaction, or a transaction of its own; when no standard
   * transaction can hold the inputs it needs, it is spread over several, one output in each
   * (planTransactions in tx-packing.ts). If it would be below chain.dustThreshold it is dropped
   * and the transactions pay their fees from inputs/change as usual. Only a wallet short of coins
   * leaves part of it unpaid (BuildResult.feePayment says how much and why).
   */
  feePayingPayment?: PaymentRequest;
  /** The wallet's spendable (confirmed) outputs, any order. */
  utxos: readonly SpendableOutput[];
  /** A fresh change slot for the transaction with this index (0,1,2...); called only for transactions that get a change output. */
  changeSlot: (txIndex: number) => ChangeSlot;
  /**
   * One data output (OP_RETURN, value 0) for the FIRST transaction: the month's commitment
   * (docs/proofs.md). Its bytes count in that transaction's size and fee. When nothing is paid
   * (no transaction), it goes nowhere.
   */
  dataOutput?: { script: string /* hex */ };
}
/**
 * What a build request gave the builder besides the payments, as recorded for a later replay: the
 * spendable outputs offered (not only those spent) and the change slot of each transaction index.
 */
export interface RecordedBuildInputs {
  /** The chain profile's name and the fee rate it had then. */
  chain: ChainName;
  feePerByte: bigint;
  utxos: SpendableOutput[];
  changeSlots: ChangeSlot[];
}
export interface BuiltOutput {
  /** '' for a data output */
  address: string;
  amount: bigint;
  /** payment ids paid by this output; empty for change and data */
  paymentIds: string[];
  change?: ChangeSlot;
  /** A data output: its OP_RETURN script (hex); value 0, neither a payment nor change. */
  dataScript?: string;
}
export interface UnsignedTransaction {
  inputs: SpendableOutput[];
  /** The data output first (first transaction only), then merged payments by address, then the fee-paying payment's output (if this transaction carries part of it), then change. */
  outputs: BuiltOutput[];
  /** = sum(inputs) - sum(outputs), exactly; at least chain.fee.perByte x worstCaseBytes. */
  fee: bigint;
  /** Size with the largest possible signatures, < chain.maxStandardTxBytes. */
  worstCaseBytes: number;
}
/**
 * Why the fee-paying payment paid what it paid:
 * - 'paid-in-full': its outputs add up to requested - networkFee;
 * - 'below-dust': what was left to pay would be below the dust threshold once it paid its
 *   transaction's fee (the whole payment when nothing was paid: dropped);
 * - 'wallet-short': the wallet's spendable outputs hold less than the payouts and the whole fee
 *   (unconfirmed change or outputs reserved by another settlement, for example);
 * - 'inputs-too-small': the outputs left are worth less than a transaction spending them costs.
 * Anything not paid stays in platform:fees and is asked for again next month.
 */
export type FeePaymentStatus = 'paid-in-full' | 'below-dust' | 'wallet-short' | 'inputs-too-small';

export interface FeePaymentOutcome {
  /** The fee-paying payment's amount as asked: the platform's balance, network fees included. */
  requested: bigint;
  /** What its outputs add up to (= BuildResult.feePaymentPaid). */
  paid: bigint;
  /** How many outputs pay it: one in each transaction that carries part of it. */
  outputs: number;
  /** requested - paid - networkFee: what platform:fees keeps for a later month (0n when paid in full; negative when dropped and the fees took more than it held). */
  carried: bigint;
  status: FeePaymentStatus;
}

export interface BuildResult {
  transactions: UnsignedTransaction[];
  networkFee: bigint;
  /** What the fee-paying payment actually pays, all its outputs together (0n when dropped or absent). */
  feePaymentPaid: bigint;
  /** Present when the request had a fee-paying payment. */
  feePayment?: FeePaymentOutcome;
  totalWorstCaseBytes: number;
  /**
   * A floor for totalWorstCaseBytes: the fewest (largest) inputs that can fund everything, every
   * payment output (the fee-paying one when paid), and 10 bytes per transaction for the fewest
   * transactions that could hold those bytes. No change outputs.
   */
  lowerBoundBytes: number;
}

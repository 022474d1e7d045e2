import type { ChainProfile } from '../../chain/profiles';
import { payoutVout, transactionOutputs, type DecodedOutput } from '../../chain/tx/tx-outputs';
import { creatorAccount } from '../../money/ledger';
import { confirmationsOf } from '../../money/statements';
import type { SettledMonth } from './settled-month';

/** The output of a settlement transaction that paid a creator. */
export interface Payout {
  txid: string;
  /** Found in the stored raw transaction by the planned address and amount. */
  vout: number;
  amount: bigint;
  address: string;
  /** 'signed': stored, not sent yet; 'broadcast': sent; 'confirmed': buried MIN_CONFIRMATIONS deep. */
  state: 'signed' | 'broadcast' | 'confirmed';
  blockHeight: number | null;
  /** From the node's tip; 0 while not mined, null while the tip is unknown. */
  confirmations: number | null;
}

/**
 * The creators' payouts of a month. Which transaction carries which payment comes from the stored
 * build (outputs list their payment ids; transaction i of the build is the settlement's signed
 * transaction i); the vout is read from the stored raw transaction, decoded with bitcoinjs-lib,
 * so it is the output the chain has, whatever other outputs (change, a commitment) come first.
 * Only the transactions that carry one of `creatorIds` are decoded.
 */
export function creatorPayouts(month: SettledMonth, creatorIds: readonly string[], chain: ChainProfile, tip: number | undefined): Map<string, Payout> {
  const wanted = new Map(creatorIds.map((id) => [creatorAccount(id), id]));
  const payments = new Map(month.stored.plan.payments.map((payment) => [payment.id, payment]));
  const result = new Map<string, Payout>();
  month.stored.build.transactions.forEach((built, index) => {
    const signed = month.settlement.transactions[index];
    if (signed === undefined) return;
    let outputs: DecodedOutput[] | undefined;
    for (const output of built.outputs) {
      for (const id of output.paymentIds) {
        const creatorId = wanted.get(id);
        const payment = payments.get(id);
        if (creatorId === undefined || payment === undefined) continue;
        outputs ??= transactionOutputs(chain, signed.raw);
        const vout = payoutVout(outputs, payment.address, payment.amount);
        if (vout === undefined) throw new Error(`settlement ${month.period}: transaction ${signed.txid} has no output paying ${payment.address} ${payment.amount}`);
        result.set(creatorId, {
          txid: signed.txid,
          vout,
          amount: payment.amount,
          address: payment.address,
          state: signed.state,
          blockHeight: signed.blockHeight ?? null,
          confirmations: signed.state === 'signed' ? 0 : confirmationsOf(signed.blockHeight, tip),
        });
      }
    }
  });
  return result;
}

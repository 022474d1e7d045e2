import type { AddressDeriver } from '../../keys/hd';
import type { ChangeSlot, SpendableOutput } from '../../chain/tx/tx-builder';
import type { ChainProfile } from '../../chain/profiles';
import { confirmationsAt, requiredConfirmations } from '../wallet-watch/crediting';
import { creditedDepositKeysAmong, pendingDepositsTotal } from '../wallet-watch/deposit-store';
import { lastChangeIndex } from '../wallet-watch/wallet-addresses';
import { unspentWalletOutputs } from '../wallet-watch/wallet-view';

/**
 * The outputs a settlement may spend: unspent as the scanner saw them, buried under enough blocks
 * (mature too, for coinbase outputs), and either change of an earlier settlement or a deposit
 * already credited to a donor (an uncredited deposit could still vanish in a reorg). Outputs that
 * a settlement not yet confirmed spends are reserved.
 */
export async function spendableOutputs(tip: number, minConfirmations: number, chain: ChainProfile, reserved: ReadonlySet<string>): Promise<SpendableOutput[]> {
  const outputs = (await unspentWalletOutputs()).filter((output) => !reserved.has(output._id));
  const creditedKeys = await creditedDepositKeysAmong(outputs.filter((output) => output.kind === 'deposit').map((output) => output._id));
  return outputs
    .filter((output) => output.kind === 'change' || creditedKeys.has(output._id))
    .filter((output) => confirmationsAt(output.blockHeight, tip) >= requiredConfirmations(output, minConfirmations, chain))
    .map((output) => ({
      txid: output.txid,
      vout: output.vout,
      amount: output.amount,
      address: output.address,
      keyPath: { change: output.kind === 'change' ? 1 : 0, index: output.addressIndex },
    }));
}

/** The first change index no stored address uses; the settlement is the only one that adds them. */
export async function nextChangeIndex(): Promise<number> {
  const last = await lastChangeIndex();
  return last === undefined ? 0 : last + 1;
}

export function changeSlots(deriver: AddressDeriver, firstIndex: number): (txIndex: number) => ChangeSlot {
  return (txIndex) => {
    const index = firstIndex + txIndex;
    return { address: deriver.changeAddress(index), keyPath: { change: 1, index } };
  };
}

/** What the wallet holds as the scanner saw it, and the part of it not yet credited to anyone. */
export async function walletHoldings(): Promise<{ unspent: bigint; uncreditedDeposits: bigint }> {
  const [outputs, uncreditedDeposits] = await Promise.all([unspentWalletOutputs(), pendingDepositsTotal()]);
  return { unspent: outputs.reduce((sum, output) => sum + output.amount, 0n), uncreditedDeposits };
}

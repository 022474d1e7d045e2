import type { AddressDeriver } from '../../keys/hd';
import { allocateDepositIndex } from '../wallet-watch/address-counters';
import { registerWalletAddress } from '../wallet-watch/wallet-addresses';

/**
 * Gives an account its own deposit address `.../0/<index>`: the index comes from the atomic
 * counter (never check-then-insert), and the address is registered for the scanner before it is
 * shown to anyone, so no payment to it can be missed.
 */
export async function allocateDepositAddress(deriver: AddressDeriver, accountId: string, at: Date): Promise<{ index: number; address: string }> {
  const index = await allocateDepositIndex();
  const address = deriver.depositAddress(index);
  await registerWalletAddress({ address, kind: 'deposit', index, accountId }, at);
  return { index, address };
}

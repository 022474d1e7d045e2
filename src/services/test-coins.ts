import { checkAddress } from '../chain/address';
import type { ChainProfile } from '../chain/profiles';
import { KibbleError } from '../errors';
import type { AddressDeriver } from '../keys/hd';
import { COIN, formatCoins, parseCoins } from '../money/amount';
import { depositAddressOfHandle } from './accounts/accounts';

/**
 * Test coins on the embedded regtest stack: the donor page's "send test coins" form and
 * `kibble dev fund` (through POST /api/v1/dev/fund) both come here. The faucet itself (key,
 * coins, signing) is the embedded runtime's (src/runtime/embedded/dev-faucet.ts); elsewhere there
 * is none and this refuses.
 */
export interface TestCoinFaucet {
  send(address: string, amount: bigint): Promise<{ txid: string; address: string; amount: bigint }>;
  /** Seconds between the embedded node's blocks (0: mining is off), for what to tell the user. */
  readonly blockSeconds: number;
}

/** At most this much per request: enough for any test month, and the faucet lasts. */
export const TEST_COINS_MAX = 1_000n * COIN;

export interface TestCoinsDeps {
  faucet: TestCoinFaucet | undefined;
  chain: ChainProfile;
  deriver: AddressDeriver;
}

/** `to` is a handle or an address of the chain; `amountText` decimal coins ("25", "2.5"). */
export async function sendTestCoins(to: string, amountText: string, deps: TestCoinsDeps): Promise<{ txid: string; address: string; amount: bigint }> {
  if (deps.faucet === undefined) {
    throw new KibbleError('dev-chain-only', 'test coins exist only on the embedded regtest stack (npm start with no CHAIN_RPC_URL)');
  }
  const amount = parseTestCoinsAmount(amountText, deps.chain);
  const address = checkAddress(deps.chain, to).valid ? to : await depositAddressOfHandle(to, deps.deriver);
  return deps.faucet.send(address, amount);
}

export function parseTestCoinsAmount(text: string, chain: ChainProfile): bigint {
  const amount = parseCoins(text.trim(), { maxMoney: TEST_COINS_MAX, ticker: chain.ticker });
  if (amount < chain.dustThreshold) {
    throw new KibbleError('amount-invalid', `send at least ${formatCoins(chain.dustThreshold)} ${chain.ticker}: smaller amounts are dust on this chain`);
  }
  return amount;
}

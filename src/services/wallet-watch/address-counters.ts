import { allocateCounterValue, COUNTER_DEPOSIT_INDEX, CounterModel } from '../../db/counter';
import { isDuplicateKeyError } from '../../db/errors';

/**
 * The one owner of `counters`: the next deposit index, and the version of the wallet's address
 * set that tells the scanner its in-memory index is stale.
 */

/**
 * Bumped after every new address. The scanner reads it by `_id` (cheap everywhere) to learn that
 * its index is stale; a count over 100,000 documents costs seconds on FerretDB. Increments may be
 * lost under concurrency there, but the value still changes, and every address whose bump was
 * read is already inserted, so a reload after a change sees them all.
 */
const WALLET_ADDRESSES_VERSION = 'walletAddressesVersion';

/** The next deposit index `.../0/<i>`: never handed out twice (see allocateCounterValue). */
export async function allocateDepositIndex(): Promise<number> {
  return allocateCounterValue(COUNTER_DEPOSIT_INDEX);
}

/** Tells every scanner that addresses were added. */
export async function bumpWalletAddressesVersion(): Promise<void> {
  await CounterModel.updateOne({ _id: WALLET_ADDRESSES_VERSION }, { $inc: { next: 1 } }, { upsert: true }).catch((error: unknown) => {
    if (!isDuplicateKeyError(error)) throw error; // two first-ever upserts raced: it exists now
  });
}

/** The current version of the address set (undefined before the first address). */
export async function walletAddressesVersion(): Promise<number | undefined> {
  return (await CounterModel.findById(WALLET_ADDRESSES_VERSION, { next: 1 }).lean())?.next;
}

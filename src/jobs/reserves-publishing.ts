import type { KeyPath } from '../chain/key-path';
import type { ChainProfile } from '../chain/profiles';
import type { Logger } from '../log';
import { publishReservesAfterSettlement } from '../services/reserves/reserves';

/**
 * The settlement jobs' after-tick step: once a month is confirmed, its proof of reserves is
 * published (snapshot id = the month, once). A refusal (the scanner behind the settlement's
 * spends) throws, is logged by the jobs and tried again at the next tick.
 */
export function publishReservesAfterTick(options: { chain: ChainProfile; clock: () => Date; log: Logger; messageSigner?: () => (keyPath: KeyPath, message: string) => string }): () => Promise<void> {
  return async () => {
    const outcome = await publishReservesAfterSettlement({ chain: options.chain, clock: options.clock, ...(options.messageSigner === undefined ? {} : { messageSigner: options.messageSigner }) });
    if (outcome?.created) options.log.info({ snapshot: outcome.published.snapshot, root: outcome.published.liabilities.root }, 'proof of reserves published');
  };
}

import { repeatEvery, type RunningLoop } from '../../jobs/repeat';
import type { Logger } from '../../log';
import { assertDevChain, type DevChainFacts } from './dev-chain-guard';

/**
 * The embedded regtest node's block clock: one block every `intervalSeconds` (to the faucet, so
 * that the test coins it hands out keep coming), so deposits and settlements confirm on their own
 * as they would on a real chain. A job of the embedded runtime: it stops with it, after the block
 * in progress. Refuses on anything but the embedded regtest node (dev-chain-guard.ts).
 */
export function startRegtestMiner(
  facts: DevChainFacts,
  options: { intervalSeconds: number; mineBlock: () => Promise<unknown>; log: Logger },
): RunningLoop {
  assertDevChain(facts, 'mining blocks');
  if (!Number.isInteger(options.intervalSeconds) || options.intervalSeconds <= 0) {
    throw new RangeError(`the miner's interval must be a positive whole number of seconds, not ${options.intervalSeconds}`);
  }
  return repeatEvery(options.intervalSeconds * 1000, async () => {
    try {
      await options.mineBlock();
    } catch (error) {
      // The next tick tries again; a node that stopped is the runtime's to report.
      options.log.warn({ err: error }, 'the embedded miner could not mine a block');
    }
  });
}

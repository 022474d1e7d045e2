import { resolve } from 'node:path';
import type { Config } from '../../config/config';
import type { RunningLoop } from '../../jobs/repeat';
import type { Logger } from '../../log';
import type { ChainRpc, RegtestControl } from '../../node/rpc-client';
import { devChainRefusal } from './dev-chain-guard';
import { DevFaucet } from './dev-faucet';
import { startRegtestMiner } from './regtest-miner';

/**
 * The embedded regtest stack's "first month with no outside help": the test-coin faucet (with
 * coins mined for it at the first start) and the block clock. Nothing at all on any other chain
 * or node: `undefined` then.
 */
export interface DevChain {
  faucet: DevFaucet;
  blockSeconds: number;
  /** For the start banner, once the web address is known. */
  bannerLines(webUrl: string): string[];
  stop(): Promise<void>;
}

export async function startDevChain(options: { config: Config; embeddedNode: boolean; rpc: ChainRpc & RegtestControl; log: Logger }): Promise<DevChain | undefined> {
  const { config, rpc, log } = options;
  const facts = { chain: config.chain, embeddedNode: options.embeddedNode };
  if (devChainRefusal(facts) !== undefined) return undefined;
  const faucet = DevFaucet.open({ dataDir: resolve(config.dataDir), chain: config.chain, rpc, embeddedNode: options.embeddedNode, log: (message) => log.info(message) });
  const mined = await faucet.prepare();
  const blockSeconds = config.embeddedBlockSeconds;
  const miner: RunningLoop | undefined =
    blockSeconds > 0 ? startRegtestMiner(facts, { intervalSeconds: blockSeconds, mineBlock: () => faucet.mineBlock(), log: log.child({ job: 'miner' }) }) : undefined;
  const ticker = config.chain.ticker;
  return {
    faucet,
    blockSeconds,
    bannerLines: (webUrl) => [
      blockSeconds > 0
        ? `blocks: the embedded node mines one every ${blockSeconds} s (EMBEDDED_BLOCK_SECONDS; 0 switches it off), so deposits confirm on their own`
        : 'blocks: mining is off (EMBEDDED_BLOCK_SECONDS=0): nothing confirms until blocks are mined',
      `test coins: a faucet at ${faucet.address}${mined > 0 ? ` (${mined} blocks mined for it now)` : ''}: "Send test coins" on ${webUrl}/donor, or from a shell: npx kibble dev fund <handle|address> <amount in ${ticker}>`,
    ],
    async stop() {
      await miner?.stop();
    },
  };
}

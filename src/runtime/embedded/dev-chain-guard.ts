import type { ChainProfile } from '../../chain/profiles';
import { KibbleError } from '../../errors';

/**
 * Mining blocks and handing out test coins are for the embedded development stack only: a
 * regtest chain on the node kibble itself started. Anything else (a real chain, or a regtest node
 * someone else runs, whose coins kibble has no business spending) is refused, whatever else the
 * configuration says. Pure, so the rule is tested on its own.
 */
export interface DevChainFacts {
  chain: Pick<ChainProfile, 'name'>;
  /** True only when kibble started the node itself (no CHAIN_RPC_URL). */
  embeddedNode: boolean;
}

const REGTEST_CHAINS: ReadonlySet<string> = new Set(['bcoin-regtest', 'dogecoin-regtest']);

/** Why the miner and the faucet may not run here, or undefined when they may. */
export function devChainRefusal(facts: DevChainFacts): string | undefined {
  if (!REGTEST_CHAINS.has(facts.chain.name)) return `CHAIN=${facts.chain.name} is not a regtest chain`;
  if (!facts.embeddedNode) return 'the node is not the embedded one (CHAIN_RPC_URL is set): kibble mines and hands out coins only on the node it started';
  return undefined;
}

export function assertDevChain(facts: DevChainFacts, what: string): void {
  const refusal = devChainRefusal(facts);
  if (refusal !== undefined) throw new KibbleError('dev-chain-only', `${what} refused: ${refusal}`);
}

import type { ParsedBlock, ParsedTx } from './block-parser';
import type { WatchIndex, WatchOwner } from './watch-index';

/**
 * What one block means to the service's wallet: outputs that pay its addresses, and inputs that
 * spend its outputs. Pure: the scanner passes in what it knows and stores what comes out.
 */

export interface ReceivedOutput {
  txid: string;
  vout: number;
  value: bigint;
  owner: WatchOwner;
  /** Coinbase outputs cannot be spent (or credited) before the chain's coinbase maturity. */
  coinbase: boolean;
}

export interface SpentOutput {
  /** The service's outpoint that was spent. */
  txid: string;
  vout: number;
  spentByTxid: string;
  spentByInputIndex: number;
}

export interface BlockMatches {
  /** In block order: by transaction, then by output index. */
  received: ReceivedOutput[];
  /** In block order: by transaction, then by input index. */
  spent: SpentOutput[];
}

/** Whether the caller knows txid:vout as one of the service's (unspent) outputs. */
export type ServiceOutpointCheck = (txid: string, vout: number) => boolean;

/**
 * Outputs received earlier in the block being matched, by txid. The caller cannot know them yet
 * (they are stored after the block is matched), so a spend later in the same block is caught here.
 */
type ReceivedHere = Map<string, Set<number>>;

export function matchBlock(block: ParsedBlock, watch: WatchIndex, isServiceOutpoint: ServiceOutpointCheck): BlockMatches {
  const matches: BlockMatches = { received: [], spent: [] };
  const receivedHere: ReceivedHere = new Map();
  for (const tx of block.transactions) {
    // Inputs first: a transaction can only spend outputs of earlier ones, never its own.
    if (!tx.coinbase) collectSpends(tx, receivedHere, isServiceOutpoint, matches.spent);
    collectReceipts(tx, watch, receivedHere, matches.received);
  }
  return matches;
}

function collectSpends(
  tx: ParsedTx,
  receivedHere: ReceivedHere,
  isServiceOutpoint: ServiceOutpointCheck,
  spent: SpentOutput[],
): void {
  tx.inputs.forEach((input, inputIndex) => {
    const { prevTxid, prevVout } = input;
    const ours = receivedHere.get(prevTxid)?.has(prevVout) === true || isServiceOutpoint(prevTxid, prevVout);
    if (ours) spent.push({ txid: prevTxid, vout: prevVout, spentByTxid: tx.txid, spentByInputIndex: inputIndex });
  });
}

function collectReceipts(tx: ParsedTx, watch: WatchIndex, receivedHere: ReceivedHere, received: ReceivedOutput[]): void {
  tx.outputs.forEach((output, vout) => {
    const owner = watch.lookup(output.script);
    if (owner === undefined) return;
    received.push({ txid: tx.txid, vout, value: output.value, owner, coinbase: tx.coinbase });
    let vouts = receivedHere.get(tx.txid);
    if (vouts === undefined) receivedHere.set(tx.txid, (vouts = new Set()));
    vouts.add(vout);
  });
}

import { scannedBlockHash } from './scanned-block-store';
import { readCheckpointHead, readCheckpointOutputs, type CheckpointHead } from './wallet-checkpoint-store';
import { walletOutpointsInBestChain, walletOutputsAbove, walletOutputsInBestChain, type WalletOutput } from './wallet-output-store';
import { spendsAbove, spentOutpoints } from './wallet-spend-store';

export { spendsOf, spentOutpoints } from './wallet-spend-store';
export { blockHashesOf, inBestChainAmong } from './wallet-output-store';

/**
 * The wallet as the scanner recorded it: outputs in the best chain, less those a recorded block
 * spent. Read from the wallet's checkpoint (its unspent outputs at a block well below the
 * scanner's cursor, wallet-checkpoint.ts) plus the outputs and spends recorded above that block,
 * so the read costs the wallet's current outputs and recent blocks, not its whole history. With
 * no usable checkpoint (none yet, or its block left the chain) every output and spend is read.
 */
export async function unspentWalletOutputs(): Promise<WalletOutput[]> {
  return (await readUnspentWallet()).outputs;
}

export interface WalletRead {
  outputs: WalletOutput[];
  /** The checkpoint's height the read started from; undefined when it read the whole history. */
  checkpointHeight: number | undefined;
  /** Outputs and spends the read loaded (checkpoint outputs included): what it cost. */
  rowsRead: number;
}

export async function readUnspentWallet(): Promise<WalletRead> {
  const checkpoint = await usableCheckpoint();
  if (checkpoint !== undefined) return sinceCheckpoint(checkpoint);
  // Two plain reads (no join: FerretDB's aggregation is a subset).
  const [outputs, spent] = await Promise.all([walletOutputsInBestChain(), spentOutpoints()]);
  return { outputs: outputs.filter((output) => !spent.has(output._id)), checkpointHeight: undefined, rowsRead: outputs.length + spent.size };
}

/** The outpoints of those alone (the scanner's view). */
export async function unspentWalletOutpoints(): Promise<Set<string>> {
  const checkpoint = await usableCheckpoint();
  if (checkpoint !== undefined) return new Set((await sinceCheckpoint(checkpoint)).outputs.map((output) => output._id));
  const [outpoints, spent] = await Promise.all([walletOutpointsInBestChain(), spentOutpoints()]);
  return new Set(outpoints.filter((key) => !spent.has(key)));
}

async function sinceCheckpoint({ head, outputs: held }: { head: CheckpointHead; outputs: WalletOutput[] }): Promise<WalletRead> {
  const [above, spends] = await Promise.all([walletOutputsAbove(head.height), spendsAbove(head.height)]);
  const spent = new Set(spends.map((spend) => spend.outpoint));
  return {
    outputs: [...held, ...above].filter((output) => !spent.has(output._id)),
    checkpointHeight: head.height,
    rowsRead: held.length + above.length + spends.length,
  };
}

/**
 * The checkpoint readers may use: verified by its writer, taken at a block the scanner still has
 * at that height (a reorg below it replaces or removes that block), with all its parts.
 */
export async function usableCheckpoint(head?: CheckpointHead): Promise<{ head: CheckpointHead; outputs: WalletOutput[] } | undefined> {
  // Twice: a writer may replace the generation between the head's read and its parts'.
  for (let attempt = 0; attempt < 2; attempt++) {
    const current = attempt === 0 && head !== undefined ? head : await readCheckpointHead();
    if (current === undefined || !current.verified) return undefined;
    const [hash, outputs] = await Promise.all([scannedBlockHash(current.height), readCheckpointOutputs(current)]);
    if (hash !== current.blockHash) return undefined;
    if (outputs !== undefined) return { head: current, outputs };
  }
  return undefined;
}

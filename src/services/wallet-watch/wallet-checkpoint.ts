import { scannedBlockHash } from './scanned-block-store';
import { deletePartsExcept, dropCheckpoint, markCheckpointVerified, readCheckpointHead, writeCheckpoint } from './wallet-checkpoint-store';
import { walletOutputsAbove, walletOutputsInBestChain, type WalletOutput } from './wallet-output-store';
import { countSpendsBetween, spendsAbove, spendsOf } from './wallet-spend-store';
import { usableCheckpoint } from './wallet-view';

/**
 * The wallet's checkpoint (db/wallet-checkpoint.ts, docs/architecture.md): its unspent outputs at a
 * block DEPTH below the scanner's cursor, rewritten once the cursor is twice that far above it,
 * so a read (wallet-view.ts) loads the current outputs and at most 2 x DEPTH blocks of activity.
 *
 * What could make a checkpoint wrong, and what guards it:
 * - a reorg below its block: the rollback removes it first (reorg.ts), and readers use it only
 *   while the scanner's stored block at its height is still the one it was taken at (a rollback
 *   removes that block, the rescan stores another hash there), which also covers a writer that
 *   read while a rollback ran;
 * - a spend recorded late at or below its block (the settlement's spend repair, spend-repair.ts):
 *   the repair removes any checkpoint at or above that height, writes the spend, and removes it
 *   again; the writer writes its head, then counts the spends in the heights it read and drops
 *   its head if the count changed, and points the head only over the one it started from (a
 *   removed base stays removed). Either the writer sees the spend or the removal after the write
 *   comes after its head. Should the repair crash between its write and that removal while a
 *   writer raced it, the next checkpoint heals it: each writer looks up every output it carries
 *   over by outpoint in the spends (a point read each), whatever their height.
 * - a crash: parts without a head are ignored and swept by the next writer; a head not yet
 *   verified is ignored, and rewritten by the next writer.
 */
export const WALLET_CHECKPOINT_DEPTH = 100;

export type CheckpointOutcome =
  | { outcome: 'fresh'; height: number }
  | { outcome: 'written'; height: number; outputs: number }
  /** The cursor is not DEPTH blocks above the scanner's first stored block yet. */
  | { outcome: 'too-early' }
  /** Someone else changed the checkpoint or a spend below it while this ran: the next call tries again. */
  | { outcome: 'raced' };

/**
 * Writes a new checkpoint when none is usable or the cursor has moved 2 x `depth` above it. Run by
 * the scanner's job after a pass (jobs/scanner-lease.ts), under its lease, with the cursor the
 * pass stored: every block at or below it is completely recorded.
 */
export async function advanceWalletCheckpoint(cursorHeight: number, at: Date, depth: number = WALLET_CHECKPOINT_DEPTH): Promise<CheckpointOutcome> {
  const target = cursorHeight - depth;
  if (target < 0) return { outcome: 'too-early' };
  const head = await readCheckpointHead();
  // Two point reads on most passes: the parts are read only when a new checkpoint is due.
  const current = head !== undefined && head.verified && (await scannedBlockHash(head.height)) === head.blockHash;
  if (current && (cursorHeight - head.height < 2 * depth || head.height >= target)) return { outcome: 'fresh', height: head.height };
  const usable = current ? await usableCheckpoint(head) : undefined;
  const base = usable !== undefined && usable.head.height <= target ? usable : undefined;
  // The block first: a rollback that runs while the rest is read replaces or removes it.
  const blockHash = await scannedBlockHash(target);
  if (blockHash === undefined) return { outcome: 'too-early' };
  const from = base?.head.height ?? -1;
  const [received, spends] = await Promise.all([base === undefined ? walletOutputsInBestChain() : walletOutputsAbove(from), spendsAbove(from)]);
  const spentByTarget = spends.filter((spend) => spend.spentHeight <= target);
  const spent = new Set(spentByTarget.map((spend) => spend.outpoint));
  for (const [outpoint, spend] of await spendsOf((base?.outputs ?? []).map((output) => output._id))) {
    if (spend.spentHeight <= target) spent.add(outpoint);
  }
  const outputs: WalletOutput[] = [...(base?.outputs ?? []), ...received.filter((output) => output.blockHeight > from && output.blockHeight <= target)].filter(
    (output) => !spent.has(output._id),
  );
  const generation = await writeCheckpoint(outputs, { height: target, blockHash }, usable?.head.generation ?? head?.generation, at);
  if (generation === undefined) return { outcome: 'raced' };
  if ((await countSpendsBetween(from, target)) !== spentByTarget.length) {
    await dropCheckpoint(generation);
    return { outcome: 'raced' };
  }
  if (!(await markCheckpointVerified(generation))) return { outcome: 'raced' };
  await deletePartsExcept(generation);
  return { outcome: 'written', height: target, outputs: outputs.length };
}

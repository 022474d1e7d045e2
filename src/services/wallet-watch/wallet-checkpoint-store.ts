import { randomBytes } from 'node:crypto';
import { WalletCheckpointModel } from '../../db/wallet-checkpoint';
import { isDuplicateKeyError } from '../../db/errors';
import type { WalletOutput } from './wallet-output-store';

/**
 * The one owner of `wallet_checkpoints` (see db/wallet-checkpoint.ts): the wallet's unspent
 * outputs at one block. Parts are written under a fresh generation, then the head is pointed at
 * it (only over the head the writer started from), then the head is marked verified, then older
 * parts go. A reader sees one complete generation or parts that do not add up, which it ignores.
 */

const HEAD = 'head';
/** Outputs per part document: about 250 bytes each, far below a document's 16 MiB. */
const OUTPUTS_PER_PART = 2_000;

export interface CheckpointHead {
  generation: string;
  height: number;
  blockHash: string;
  parts: number;
  count: number;
  verified: boolean;
  takenAt: Date;
}

/** The head, whatever its state, or undefined. */
export async function readCheckpointHead(): Promise<CheckpointHead | undefined> {
  const head = await WalletCheckpointModel.findById(HEAD).lean();
  if (head === null || head.height == null || head.blockHash == null || head.parts == null || head.count == null) return undefined;
  return { generation: head.generation, height: head.height, blockHash: head.blockHash, parts: head.parts, count: head.count, verified: head.verified === true, takenAt: head.takenAt };
}

/** The outputs of the head's generation, or undefined when its parts do not add up (a writer replaced it meanwhile). */
export async function readCheckpointOutputs(head: CheckpointHead): Promise<WalletOutput[] | undefined> {
  const parts = await WalletCheckpointModel.find({ generation: head.generation, _id: { $ne: HEAD } }, { part: 1, outputs: 1 }).lean();
  if (parts.length !== head.parts) return undefined;
  parts.sort((a, b) => (a.part ?? 0) - (b.part ?? 0));
  const outputs: WalletOutput[] = parts.flatMap((part) => (part.outputs ?? []).map((output) => ({ ...output, status: 'unspent' as const })));
  return outputs.length === head.count ? outputs : undefined;
}

/**
 * Writes a new generation and points the head at it, only if the head is still `previous` (its
 * generation, or absent when undefined): a head removed or replaced meanwhile (an invalidation, a
 * second writer) wins, and this answers undefined after removing its parts. The new head is not
 * verified yet (markCheckpointVerified).
 */
export async function writeCheckpoint(
  outputs: readonly WalletOutput[],
  at: { height: number; blockHash: string },
  previous: string | undefined,
  takenAt: Date,
): Promise<string | undefined> {
  const generation = `${takenAt.getTime()}-${randomBytes(4).toString('hex')}`;
  const parts: WalletOutput[][] = [];
  for (let start = 0; start < outputs.length; start += OUTPUTS_PER_PART) parts.push(outputs.slice(start, start + OUTPUTS_PER_PART));
  for (const [part, rows] of parts.entries()) {
    const stored = rows.map(({ _id, txid, vout, address, kind, addressIndex, amount, coinbase, blockHash, blockHeight }) => ({ _id, txid, vout, address, kind, addressIndex, amount, coinbase, blockHash, blockHeight }));
    // Lean: mongoose's casting of thousands of subdocuments costs more than the insert itself.
    await WalletCheckpointModel.insertMany([{ _id: `${generation}:${part}`, generation, part, outputs: stored, takenAt }], { lean: true });
  }
  const head = { _id: HEAD, generation, height: at.height, blockHash: at.blockHash, parts: parts.length, count: outputs.length, verified: false, takenAt };
  let placed: boolean;
  if (previous === undefined) {
    placed = await WalletCheckpointModel.create(head).then(
      () => true,
      (error: unknown) => {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      },
    );
  } else {
    placed = (await WalletCheckpointModel.replaceOne({ _id: HEAD, generation: previous }, head)).matchedCount === 1;
  }
  if (!placed) {
    await WalletCheckpointModel.deleteMany({ generation, _id: { $ne: HEAD } });
    return undefined;
  }
  return generation;
}

/** The head of this generation may be used by readers; false when it is gone meanwhile. */
export async function markCheckpointVerified(generation: string): Promise<boolean> {
  return (await WalletCheckpointModel.updateOne({ _id: HEAD, generation }, { $set: { verified: true } })).matchedCount === 1;
}

/** Removes the head if it is of this generation (a writer's own head that failed its check). */
export async function dropCheckpoint(generation: string): Promise<void> {
  await WalletCheckpointModel.deleteOne({ _id: HEAD, generation });
}

/** Removes the head if it was taken at or above this height: what it holds may be wrong now. */
export async function dropCheckpointFrom(height: number): Promise<void> {
  await WalletCheckpointModel.deleteOne({ _id: HEAD, height: { $gte: height } });
}

/** Removes the parts of every generation but this one (after the head moved to it). */
export async function deletePartsExcept(generation: string): Promise<void> {
  await WalletCheckpointModel.deleteMany({ _id: { $ne: HEAD }, generation: { $ne: generation } });
}

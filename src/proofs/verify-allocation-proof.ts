import { isKibbleError, KibbleError, type ErrorCode } from '../errors';
import { allocationLeaf, allocationRootFromPath } from './allocation-tree';
import { committingTransaction } from './commitment';
import { bytesEqual, toHex } from './encoding';
import { parseAllocationProof, type AllocationProof } from './proof-format';

/** What a verified allocation proof shows. */
export interface ProvenAllocations {
  period: string;
  txid: string;
  /** The output carrying the root. */
  vout: number;
  root: string;
  leaves: ProvenLeaf[];
}

export interface ProvenLeaf {
  creator: string;
  amount: bigint;
  /** Present in a donor's proof (id and salt given); a creator's proof shows commitments only. */
  donor?: string;
  donorCommitment: string;
}

export type AllocationVerdict =
  | { valid: true; proves: ProvenAllocations }
  | {
      valid: false;
      code: ErrorCode;
      /** A kebab-case reason finer than the code, e.g. root-mismatch, txid-mismatch. */
      reason: string;
      message: string;
    };

/**
 * Checks a proof document (parsed JSON) against the raw transaction that should carry its root:
 * every leaf must lead by its path to the proof's root, the transaction must be the one the
 * proof names, and its commitment must hold that root for that period. Never throws for bad
 * input: the verdict names what failed.
 */
export function verifyAllocationProof(proofJson: unknown, rawTxHex: string): AllocationVerdict {
  try {
    return { valid: true, proves: checkProof(proofJson, rawTxHex) };
  } catch (error) {
    if (!isKibbleError(error)) throw error;
    const reason = typeof error.details?.['reason'] === 'string' ? error.details['reason'] : error.code;
    return { valid: false, code: error.code, reason, message: error.message };
  }
}

function mismatch(reason: string, message: string): KibbleError {
  return new KibbleError('proof-mismatch', message, { reason });
}

function checkProof(proofJson: unknown, rawTxHex: string): ProvenAllocations {
  const proof = parseAllocationProof(proofJson);
  const leaves = checkLeaves(proof);
  const { txid, commitment } = committingTransaction(rawTxHex);
  if (txid !== proof.txid) throw mismatch('txid-mismatch', `the transaction given is ${txid}, the proof names ${proof.txid}`);
  if (proof.vout !== undefined && commitment.vout !== proof.vout) throw mismatch('vout-mismatch', `the transaction carries the commitment at output ${commitment.vout}, the proof says ${proof.vout}`);
  if (commitment.period !== proof.period) throw mismatch('period-mismatch', `the transaction commits to period ${commitment.period}, the proof is for ${proof.period}`);
  if (!bytesEqual(commitment.root, proof.root)) throw mismatch('root-mismatch', `the transaction commits to root ${toHex(commitment.root)}, the proof's leaves lead to ${toHex(proof.root)}`);
  return { period: proof.period, txid, vout: commitment.vout, root: toHex(proof.root), leaves };
}

/** Every leaf must reach the proof's root; throws at the first that does not. */
function checkLeaves(proof: AllocationProof): ProvenLeaf[] {
  const seen = new Set<number>();
  return proof.leaves.map((leaf, position) => {
    if (seen.has(leaf.index)) throw new KibbleError('proof-invalid', `leaf index ${leaf.index} appears twice`, { reason: 'duplicate-leaf' });
    seen.add(leaf.index);
    const computed = allocationLeaf(proof.period, leaf);
    const root = allocationRootFromPath(proof.period, computed.hash, leaf.index, proof.leafCount, leaf.path);
    if (!bytesEqual(root, proof.root)) {
      throw mismatch('root-mismatch', `leaf ${position} (creator ${leaf.creator}, amount ${leaf.amount}) does not lead to the root ${toHex(proof.root)} by its path`);
    }
    return {
      creator: leaf.creator,
      amount: leaf.amount,
      ...('id' in leaf.donor ? { donor: leaf.donor.id } : {}),
      donorCommitment: toHex(computed.donorCommitment),
    };
  });
}

import { hash } from 'node:crypto';
import { KibbleError } from '../errors';
import { periodBytes, tagPrefix, UINT64_MAX, writeIdentifier } from './encoding';

/**
 * Every allocation's leaf hash, in input order, 32 bytes each in one buffer: the same bytes as
 * allocationLeaf (allocation-tree.ts, docs/proofs.md), but each message is written into one reused
 * buffer instead of concatenated from fresh parts, a million times a month. The donor commitment
 * is hashed straight into its place in the leaf message.
 */

const HASH = 32;

export interface LeafHashTags {
  donor: string;
  leaf: string;
}

export interface LeafHashInput {
  creator: string;
  amount: bigint;
  donor: { id: string; salt: Uint8Array } | { commitment: Uint8Array };
}

export function allocationLeafHashes(period: string, inputs: readonly LeafHashInput[], tags: LeafHashTags): Buffer {
  const out = Buffer.allocUnsafeSlow(inputs.length * HASH); // every byte is written below
  const donorPrefix = tagPrefix(tags.donor);
  const leafPrefix = tagPrefix(tags.leaf);
  // H_donor message: prefix (64) || salt (32) || donor id (<= 65) || creator id (<= 65)
  const donorMessage = Buffer.alloc(donorPrefix.length + HASH + 2 * 65);
  donorPrefix.copy(donorMessage, 0);
  // H_leaf message: prefix (64) || period (7) || creator id (<= 65) || amount (8) || donor commitment (32)
  const leafMessage = Buffer.alloc(leafPrefix.length + 7 + 65 + 8 + HASH);
  leafPrefix.copy(leafMessage, 0);
  const periodStart = leafPrefix.length;
  leafMessage.set(periodBytes(period), periodStart);
  inputs.forEach((input, index) => {
    if (input.amount <= 0n || input.amount > UINT64_MAX) throw new KibbleError('tree-invalid', `an allocation amount must be positive and fit 64 bits, got ${input.amount}`);
    let at = writeIdentifier(leafMessage, periodStart + 7, 'creator id', input.creator);
    leafMessage.writeBigUInt64LE(input.amount, at);
    at += 8;
    const { donor } = input;
    if ('commitment' in donor) {
      if (donor.commitment.length !== HASH) throw new KibbleError('tree-invalid', 'a donor commitment is 32 bytes');
      leafMessage.set(donor.commitment, at);
    } else {
      if (donor.salt.length !== HASH) throw new KibbleError('tree-invalid', `a salt is ${HASH} bytes, got ${donor.salt.length}`);
      donorMessage.set(donor.salt, donorPrefix.length);
      let end = writeIdentifier(donorMessage, donorPrefix.length + HASH, 'donor id', donor.id);
      end = writeIdentifier(donorMessage, end, 'creator id', input.creator);
      leafMessage.write(hash('sha256', donorMessage.subarray(0, end), 'binary'), at, HASH, 'latin1');
    }
    at += HASH;
    out.write(hash('sha256', leafMessage.subarray(0, at), 'binary'), index * HASH, HASH, 'latin1');
  });
  return out;
}

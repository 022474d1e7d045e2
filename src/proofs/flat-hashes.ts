import { hash } from 'node:crypto';
import { endianness } from 'node:os';
import { KibbleError } from '../errors';
import { tagPrefix } from './encoding';

/**
 * Lists of 32-byte hashes kept side by side in one Buffer (hash i at bytes 32i..32i+32), with the
 * few operations a large tree needs: sort, pair into levels, read a path. A month
 * has a million leaves; one object per hash made the garbage collector the cost of the tree.
 */

const HASH = 32;

export function hashAt(hashes: Buffer, index: number): Buffer {
  return hashes.subarray(index * HASH, index * HASH + HASH);
}

const littleEndian = endianness() === 'LE';

/**
 * The permutation that sorts the hashes byte-wise ascending: order[position] = index. Each hash's
 * first 4 bytes and its index make one 64-bit key, sorted natively (no comparator call per pair);
 * the rare runs sharing those 4 bytes are then sorted by the whole hash. `onDuplicate` gets the
 * index of the second of two equal hashes and must throw.
 */
export function sortedOrder(hashes: Buffer, onDuplicate: (index: number) => never): Uint32Array {
  const count = hashes.length / HASH;
  const keys = new BigUint64Array(count);
  const words = new Uint32Array(keys.buffer);
  const [low, high] = littleEndian ? [0, 1] : [1, 0];
  for (let i = 0; i < count; i++) {
    words[2 * i + high] = hashes.readUInt32BE(i * HASH);
    words[2 * i + low] = i;
  }
  keys.sort();
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = words[2 * i + low] as number;
  for (let start = 0; start < count; ) {
    let end = start + 1;
    while (end < count && words[2 * end + high] === words[2 * start + high]) end++;
    if (end - start > 1) sortRun(hashes, order, start, end, onDuplicate);
    start = end;
  }
  return order;
}

function sortRun(hashes: Buffer, order: Uint32Array, start: number, end: number, onDuplicate: (index: number) => never): void {
  const run = Array.from(order.subarray(start, end)).sort((a, b) => hashAt(hashes, a).compare(hashAt(hashes, b)));
  run.forEach((index, i) => {
    if (i > 0 && hashAt(hashes, index).equals(hashAt(hashes, run[i - 1] as number))) onDuplicate(index);
    order[start + i] = index;
  });
}

/**
 * The levels of the tree over `leaves` (docs/proofs.md, "Tree shape", as tree-shape.ts's
 * buildLevels): pairs hashed with `nodeTag`, an odd last node carried up unchanged.
 */
export function buildHashLevels(leaves: Buffer, nodeTag: string): Buffer[] {
  const prefix = tagPrefix(nodeTag);
  const message = Buffer.alloc(prefix.length + 2 * HASH);
  prefix.copy(message, 0);
  const levels = [leaves];
  for (let level = leaves; level.length > HASH; ) {
    const width = level.length / HASH;
    const next = Buffer.allocUnsafeSlow(Math.ceil(width / 2) * HASH); // every byte is written below
    for (let pair = 0; pair + 1 < width; pair += 2) {
      level.copy(message, prefix.length, pair * HASH, pair * HASH + 2 * HASH); // left and right are adjacent
      next.write(hash('sha256', message, 'binary'), (pair / 2) * HASH, HASH, 'latin1');
    }
    if (width % 2 === 1) level.copy(next, next.length - HASH, level.length - HASH);
    levels.push(next);
    level = next;
  }
  return levels;
}

/** The siblings of the leaf at `position` from the leaves up, skipping levels where it is carried up. */
export function hashLevelSiblings(levels: readonly Buffer[], position: number): Buffer[] {
  const width = (levels[0]?.length ?? 0) / HASH;
  if (!Number.isSafeInteger(position) || position < 0 || position >= width) {
    throw new KibbleError('tree-invalid', `leaf index ${position} is outside the tree's ${width} leaves`);
  }
  const siblings: Buffer[] = [];
  let at = position;
  for (const level of levels.slice(0, -1)) {
    const partner = at ^ 1;
    if (partner < level.length / HASH) siblings.push(hashAt(level, partner));
    at >>= 1;
  }
  return siblings;
}

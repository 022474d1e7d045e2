import { KibbleError } from '../errors';

/**
 * The shape shared by both proof trees (docs/proofs.md, "Tree shape"): leaves are paired left to
 * right, level by level; a node left without a partner at the end of an odd level is carried up
 * unchanged. Bitcoin instead pairs it with a copy of itself, which lets two different leaf lists
 * ([a, b, c] and [a, b, c, c]) share a root (CVE-2012-2459). Here the leaf count is part of the
 * root hash, and a path's length and sides follow from (index, leaf count) alone.
 */

/** levels[0] are the leaves, the last level holds the top node alone (empty input: one empty level). */
export function buildLevels<T>(leaves: readonly T[], combine: (left: T, right: T) => T): T[][] {
  const levels: T[][] = [[...leaves]];
  for (let level = levels[0] ?? []; level.length > 1; ) {
    const next: T[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(combine(level[i] as T, level[i + 1] as T));
    if (level.length % 2 === 1) next.push(level[level.length - 1] as T);
    levels.push(next);
    level = next;
  }
  return levels;
}

/** The siblings from the leaf at `index` up to the top, skipping levels where it is carried up. */
export function siblingsOf<T>(levels: readonly (readonly T[])[], index: number): T[] {
  const width = levels[0]?.length ?? 0;
  if (!Number.isSafeInteger(index) || index < 0 || index >= width) {
    throw new KibbleError('tree-invalid', `leaf index ${index} is outside the tree's ${width} leaves`);
  }
  const siblings: T[] = [];
  let position = index;
  for (const level of levels.slice(0, -1)) {
    const partner = position ^ 1;
    if (partner < level.length) siblings.push(level[partner] as T);
    position >>= 1;
  }
  return siblings;
}

/**
 * Walks from a leaf to the top node with the given siblings. Throws proof-mismatch when the number
 * of siblings is not exactly what a tree of `leafCount` leaves needs at `index`.
 */
export function foldPath<T>(leaf: T, index: number, leafCount: number, siblings: readonly T[], combine: (left: T, right: T) => T): T {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leafCount) {
    throw new KibbleError('proof-mismatch', `leaf index ${index} is outside a tree of ${leafCount} leaves`, { reason: 'index-out-of-range' });
  }
  const expected = pathLength(index, leafCount);
  if (siblings.length !== expected) {
    throw new KibbleError('proof-mismatch', `a leaf at index ${index} of ${leafCount} needs ${expected} path elements, the proof has ${siblings.length}`, { reason: 'path-length' });
  }
  let node = leaf;
  let position = index;
  let used = 0;
  for (let width = leafCount; width > 1; width = Math.ceil(width / 2)) {
    const partner = position ^ 1;
    if (partner < width) {
      const sibling = siblings[used++] as T;
      node = position % 2 === 0 ? combine(node, sibling) : combine(sibling, node);
    }
    position >>= 1;
  }
  return node;
}

/** How many siblings a leaf at `index` among `leafCount` leaves has on its way to the top. */
export function pathLength(index: number, leafCount: number): number {
  let length = 0;
  let position = index;
  for (let width = leafCount; width > 1; width = Math.ceil(width / 2)) {
    if ((position ^ 1) < width) length++;
    position >>= 1;
  }
  return length;
}

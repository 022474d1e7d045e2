import { KibbleError } from '../../errors';

/**
 * Where the scanner's stored chain and the node's chain part ways after a reorg. The lookups are
 * passed in (stored hashes usually from memory or the database, the node's over RPC), so this is
 * pure and its RPC count is testable.
 *
 * It relies on one property of a chain: a block hash commits to all its ancestors, so if the two
 * chains agree at height h they agree at every height below. That allows galloping down (1, 2,
 * 4, ... blocks) and bisecting instead of asking the node for every height: a one-block reorg costs
 * two lookups, and a node on the wrong chain entirely is found out in ~2·log2(range), not after
 * one RPC per block ever scanned.
 */

export type StoredHashAt = (height: number) => string | undefined;
export type NodeHashAt = (height: number) => Promise<string | undefined>;

/**
 * The highest height in [lowestKnownHeight, fromHeight] at which both chains have the same block.
 * A height the store has no hash for, or the node has no block at (its chain may now be shorter),
 * counts as disagreeing; with gaps in the store the answer may be lower than the true fork point,
 * which only means rescanning a little more, never trusting a block that is gone.
 * Throws 'reorg-too-deep' if they share no block down to lowestKnownHeight.
 */
export async function findForkHeight(
  storedHashes: StoredHashAt,
  nodeHashes: NodeHashAt,
  fromHeight: number,
  lowestKnownHeight: number,
): Promise<number> {
  checkRange(fromHeight, lowestKnownHeight);
  const agrees = async (height: number): Promise<boolean> => {
    const stored = storedHashes(height);
    return stored !== undefined && (await nodeHashes(height)) === stored;
  };
  const { agreeing, disagreeing } = await gallopDown(agrees, fromHeight, lowestKnownHeight);
  return bisect(agrees, agreeing, disagreeing);
}

/**
 * Steps down by doubling strides until a height agrees. Returns it together with the lowest
 * height seen to disagree (fromHeight + 1 stands for "none": nothing above fromHeight is asked).
 */
async function gallopDown(
  agrees: (height: number) => Promise<boolean>,
  fromHeight: number,
  lowestKnownHeight: number,
): Promise<{ agreeing: number; disagreeing: number }> {
  let disagreeing = fromHeight + 1;
  let height = fromHeight;
  for (let stride = 1; !(await agrees(height)); stride *= 2) {
    disagreeing = height;
    if (height === lowestKnownHeight) throw tooDeep(fromHeight, lowestKnownHeight);
    height = Math.max(lowestKnownHeight, height - stride);
  }
  return { agreeing: height, disagreeing };
}

/** Highest agreeing height, given `agreeing` agrees and everything from `disagreeing` up does not. */
async function bisect(
  agrees: (height: number) => Promise<boolean>,
  agreeing: number,
  disagreeing: number,
): Promise<number> {
  let low = agreeing;
  let high = disagreeing;
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2);
    if (await agrees(middle)) low = middle;
    else high = middle;
  }
  return low;
}

function checkRange(fromHeight: number, lowestKnownHeight: number): void {
  const valid =
    Number.isSafeInteger(fromHeight) && Number.isSafeInteger(lowestKnownHeight) &&
    lowestKnownHeight >= 0 && fromHeight >= lowestKnownHeight;
  if (!valid) {
    throw new KibbleError(
      'internal',
      `findForkHeight needs integer heights with 0 <= lowestKnownHeight <= fromHeight, got ${fromHeight} and ${lowestKnownHeight}`,
      { fromHeight, lowestKnownHeight },
    );
  }
}

function tooDeep(fromHeight: number, lowestKnownHeight: number): KibbleError {
  return new KibbleError(
    'reorg-too-deep',
    `the node's chain shares no block with the scanned chain from height ${fromHeight} down to ` +
      `${lowestKnownHeight}: is the node on another network, or was it re-synced from scratch? ` +
      'Check CHAIN_RPC_URL and CHAIN; rescanning from an earlier height needs an operator',
    { fromHeight, lowestKnownHeight },
  );
}

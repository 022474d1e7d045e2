import { parseBlock, type ParsedBlock } from '../../chain/block/block-parser';
import type { ChainProfile } from '../../chain/profiles';
import type { ChainRpc } from '../../node/rpc-client';

/** Consecutive blocks being fetched. */
export interface FetchedGroup {
  from: number;
  to: number;
  /** The blocks in order; undefined from the first one the node did not have (a reorg). */
  blocks: Promise<Array<ParsedBlock | undefined>>;
}

/** Groups of blocks requested beyond the one being matched. */
const FETCH_AHEAD_GROUPS = 2;
/** Groups whose hashes one request asks for. */
const HASH_WINDOW_GROUPS = 8;

/**
 * The scanner's reads of the node, ahead of its matching: blocks a group at a time (one JSON-RPC
 * batch of getblock), up to FETCH_AHEAD_GROUPS groups in flight while an earlier one is matched.
 * The hashes those requests need are asked several groups at a time beforehand (one batch of
 * getblockhash), so that a group costs one round trip, not two. A hash asked early may be of a
 * block that has left the best chain by the time it is fetched: the scanner checks that every
 * block links to the one before it and that its cursor is still on the node's chain, as it does
 * for any block, and rolls back.
 */
export class BlockFetcher {
  readonly #rpc: ChainRpc;
  readonly #chain: ChainProfile;
  readonly #groupSize: number;
  #ahead: FetchedGroup[] = [];
  #hashes: { from: number; to: number; hashes: Promise<Array<string | undefined>> } | undefined;

  constructor(rpc: ChainRpc, chain: ChainProfile, groupSize: number) {
    this.#rpc = rpc;
    this.#chain = chain;
    this.#groupSize = Math.max(groupSize, 1);
  }

  /** The group starting at `from` (up to `tip`), and the next ones requested behind it. */
  groupFrom(from: number, tip: number): FetchedGroup {
    if (this.#ahead[0]?.from !== from) this.#ahead = [];
    const group = this.#ahead.shift() ?? this.#fetch(from, tip);
    let next = (this.#ahead[this.#ahead.length - 1] ?? group).to + 1;
    while (this.#ahead.length < FETCH_AHEAD_GROUPS && next <= tip) {
      const queued = this.#fetch(next, tip);
      this.#ahead.push(queued);
      next = queued.to + 1;
    }
    return group;
  }

  /** Hashes from `from` up, asked along with something else (the scanner's check of the tip). */
  knowHashes(from: number, hashes: ReadonlyArray<string | undefined>): void {
    if (hashes.length > 0) this.#hashes = { from, to: from + hashes.length - 1, hashes: Promise.resolve([...hashes]) };
  }

  /** Forgets what was asked ahead (the chain may have moved): nothing of it is used. */
  reset(): void {
    this.#ahead = [];
    this.#hashes = undefined;
  }

  /** The group of blocks from `from`, up to the group's size and no further than `tip`. */
  #fetch(from: number, tip: number): FetchedGroup {
    const to = Math.min(tip, from + this.#groupSize - 1);
    const blocks = this.#fetchBlocks(from, to, tip);
    blocks.catch(() => undefined); // awaited later, or dropped (a reorg, a failed store): never unhandled
    return { from, to, blocks };
  }

  /** The hashes at these heights, from the window that holds them or a new one starting at `from`. */
  #hashesOf(from: number, to: number, tip: number): Promise<Array<string | undefined>> {
    let window = this.#hashes;
    if (window === undefined || from < window.from || to > window.to) {
      const end = Math.max(to, Math.min(tip, from + this.#groupSize * HASH_WINDOW_GROUPS - 1));
      window = { from, to: end, hashes: this.#rpc.getBlockHashes(heightRange(from, end)) };
      window.hashes.catch(() => undefined); // awaited by the groups that read it
      this.#hashes = window;
    }
    const start = window.from;
    return window.hashes.then((hashes) => hashes.slice(from - start, to - start + 1));
  }

  async #fetchBlocks(from: number, to: number, tip: number): Promise<Array<ParsedBlock | undefined>> {
    const heights = heightRange(from, to);
    const hashes = await this.#hashesOf(from, to, tip);
    const missing = hashes.indexOf(undefined);
    const known = (missing === -1 ? hashes : hashes.slice(0, missing)) as string[];
    let raw: Uint8Array[];
    try {
      raw = await this.#rpc.getRawBlocks(known);
    } catch (error) {
      // A block left the best chain (and the node's store) since its hash was asked: the scanner
      // finds out and rolls back. The same blocks still there: a real failure.
      const again = await this.#rpc.getBlockHashes(heights.slice(0, known.length));
      if (again.every((hash, i) => hash === known[i])) throw error;
      return heights.map(() => undefined);
    }
    return heights.map((_, i) => (i < raw.length ? parseBlock(raw[i] as Uint8Array, { auxpow: this.#chain.auxpow }) : undefined));
  }
}

/** The heights from `from` to `to`, both included (none when `to` is below `from`). */
export function heightRange(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

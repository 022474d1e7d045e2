import { p2pkhAddress } from '../../src/chain/address';
import { parseBlock } from '../../src/chain/block/block-parser';
import { matchBlock, type BlockMatches } from '../../src/chain/block/block-matcher';
import { WatchIndex, type WatchOwner } from '../../src/chain/block/watch-index';
import { CHAIN_PROFILES } from '../../src/chain/profiles';
import { generateSyntheticChain, randomHashes, type PlantedCounts } from './synthetic-blocks';

/**
 * How fast the deposit scanner's pure core goes: parse raw blocks and match them against the
 * service's addresses, with no node and no database. Run: npx tsx scripts/bench/scan-parse-match.ts
 * [blocks] [txPerBlock] [watched]. Exits 1 if the matches differ from what the generator planted.
 */

export interface ParseMatchOptions {
  blocks: number;
  txPerBlock: number;
  watched: number;
  seed?: number;
}

export interface ParseMatchFigures {
  blocks: number;
  transactions: number;
  outputs: number;
  megabytes: number;
  generateMs: number;
  /** Building the WatchIndex from address strings, as the scanner loads them from the database. */
  indexBuildMs: number;
  parseMs: number;
  matchMs: number;
  blocksPerSecond: number;
  txPerSecond: number;
  found: PlantedCounts;
  planted: PlantedCounts;
  ok: boolean;
}

const profile = CHAIN_PROFILES['bcoin-regtest'];

function elapsedMs(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

function buildIndex(hashes: readonly Uint8Array[]): { watch: WatchIndex; ms: number } {
  const owners: WatchOwner[] = hashes.map((hash, index) => ({
    kind: 'deposit',
    accountId: `account-${index}`,
    index,
    address: p2pkhAddress(profile, hash),
  }));
  const started = process.hrtime.bigint();
  const watch = new WatchIndex(profile);
  watch.addMany(owners);
  return { watch, ms: elapsedMs(started) };
}

/**
 * Keeps the set of the service's unspent outpoints the way the scanner will (add what a block
 * received, drop what it spent), so spends in later blocks are recognized through the callback.
 */
function applyToUnspent(unspent: Set<string>, matches: BlockMatches): void {
  for (const r of matches.received) unspent.add(`${r.txid}:${r.vout}`);
  for (const s of matches.spent) unspent.delete(`${s.txid}:${s.vout}`);
}

export function runParseMatchBench(options: ParseMatchOptions): ParseMatchFigures {
  const seed = options.seed ?? 7;
  // Another seed than the chain's: with the same one, the generator's stranger hashes would be
  // the watched hashes again. mulberry32 streams of adjacent seeds are ~6e8 draws apart.
  const hashes = randomHashes(options.watched, seed + 1);
  const { watch, ms: indexBuildMs } = buildIndex(hashes);

  let started = process.hrtime.bigint();
  const chain = generateSyntheticChain({ blocks: options.blocks, txPerBlock: options.txPerBlock, watchedHashes: hashes, seed });
  const generateMs = elapsedMs(started);

  const unspent = new Set<string>();
  const isServiceOutpoint = (txid: string, vout: number): boolean => unspent.has(`${txid}:${vout}`);
  const found: PlantedCounts = { received: 0, spent: 0, spentInSameBlock: 0 };
  let parseNs = 0n;
  let matchNs = 0n;
  for (const block of chain.blocks) {
    started = process.hrtime.bigint();
    const parsed = parseBlock(block.bytes, { auxpow: false });
    const parsedAt = process.hrtime.bigint();
    const matches = matchBlock(parsed, watch, isServiceOutpoint);
    const sameBlock = matches.spent.filter((s) => !unspent.has(`${s.txid}:${s.vout}`)).length;
    applyToUnspent(unspent, matches);
    matchNs += process.hrtime.bigint() - parsedAt;
    parseNs += parsedAt - started;
    found.received += matches.received.length;
    found.spent += matches.spent.length;
    found.spentInSameBlock += sameBlock;
  }
  const parseMs = Number(parseNs) / 1e6;
  const matchMs = Number(matchNs) / 1e6;
  const seconds = (parseMs + matchMs) / 1000;
  const planted = chain.planted;
  return {
    blocks: chain.blocks.length,
    transactions: chain.transactions,
    outputs: chain.outputs,
    megabytes: chain.blocks.reduce((sum, b) => sum + b.bytes.length, 0) / 1e6,
    generateMs,
    indexBuildMs,
    parseMs,
    matchMs,
    blocksPerSecond: chain.blocks.length / seconds,
    txPerSecond: chain.transactions / seconds,
    found,
    planted,
    ok:
      found.received === planted.received &&
      found.spent === planted.spent &&
      found.spentInSameBlock === planted.spentInSameBlock,
  };
}

function report(f: ParseMatchFigures, watched: number): void {
  const n = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits });
  console.log(`index: ${n(watched)} addresses in ${n(f.indexBuildMs)} ms (${n((f.indexBuildMs * 1000) / watched, 1)} µs each)`);
  console.log(`chain: ${n(f.blocks)} blocks, ${n(f.transactions)} tx, ${n(f.outputs)} outputs, ${n(f.megabytes, 1)} MB (generated in ${n(f.generateMs)} ms)`);
  console.log(`parse: ${n(f.parseMs)} ms, match: ${n(f.matchMs)} ms`);
  console.log(`speed: ${n(f.blocksPerSecond)} blocks/s, ${n(f.txPerSecond)} tx/s`);
  console.log(`matches: ${n(f.found.received)} received (planted ${n(f.planted.received)}), ` +
    `${n(f.found.spent)} spent (planted ${n(f.planted.spent)}), ` +
    `${n(f.found.spentInSameBlock)} of them in the same block (planted ${n(f.planted.spentInSameBlock)})`);
}

function positiveArg(index: number, fallback: number): number {
  const text = process.argv[index];
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`argument ${index - 1} must be a positive integer, got ${String(text)}`);
  }
  return value;
}

if (require.main === module) {
  const options = { blocks: positiveArg(2, 2_000), txPerBlock: positiveArg(3, 50), watched: positiveArg(4, 100_000) };
  const figures = runParseMatchBench(options);
  report(figures, options.watched);
  if (!figures.ok) {
    console.error('FAIL: the matches differ from what the generator planted');
    process.exitCode = 1;
  }
}

import { hash as oneShotHash } from 'node:crypto';
import { computeMerkleRoot } from '../../src/chain/block/block-parser';

/**
 * Deterministic synthetic chains for benchmarks: raw blocks shaped like a busy Dogecoin chain
 * (legacy P2PKH, a coinbase first, each header linked to the one before and carrying the right
 * merkle root), where a known share of outputs pays "watched" hashes and some later inputs spend
 * those outputs again. The generator counts what it planted, so a scanner under test can be
 * checked against it, not only timed.
 */

export interface SyntheticChainOptions {
  blocks: number;
  /** Including the coinbase. */
  txPerBlock: number;
  /** Hashes the service watches; planted outputs pay one of these (P2PKH). */
  watchedHashes: readonly Uint8Array[];
  /** Share of non-coinbase outputs that pay a watched hash. Default 0.05. */
  watchedShare?: number;
  /** Share of inputs that spend an earlier planted output, if one is unspent. Default 0.02. */
  spendShare?: number;
  seed?: number;
  /** Display hex of the block before the first one. Default all zeros. */
  prevHash?: string;
  /** Height of the first block, written into its coinbase. Default 1. */
  startHeight?: number;
}

export interface SyntheticBlock {
  height: number;
  /** Display hex, as the node names it. */
  hash: string;
  bytes: Buffer;
}

export interface PlantedCounts {
  /** Outputs paying a watched hash. */
  received: number;
  /** Inputs spending such an output. */
  spent: number;
  /** Of those, spends of an output created earlier in the same block. */
  spentInSameBlock: number;
}

export interface SyntheticChain {
  blocks: SyntheticBlock[];
  planted: PlantedCounts;
  transactions: number;
  outputs: number;
}

const P2PKH_SCRIPT_BYTES = 25;
const OUTPUT_BYTES = 8 + 1 + P2PKH_SCRIPT_BYTES;
/** A signed P2PKH input's script: DER signature with sighash byte, then a compressed key. */
const SCRIPT_SIG_BYTES = 107;
const INPUT_BYTES = 32 + 4 + 1 + SCRIPT_SIG_BYTES + 4;
const HEADER_BYTES = 80;

/** mulberry32: small, fast and good enough to make benchmark data repeatable from a seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytesFrom(random: () => number, n: number): Buffer {
  const bytes = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/** `count` distinct-in-practice 20-byte hashes, views into one buffer. */
export function randomHashes(count: number, seed: number): Uint8Array[] {
  const pool = randomBytesFrom(seededRandom(seed), count * 20);
  return Array.from({ length: count }, (_, i) => pool.subarray(i * 20, i * 20 + 20));
}

function sha256d(data: Uint8Array): Buffer {
  return oneShotHash('sha256', oneShotHash('sha256', data, 'buffer'), 'buffer');
}

interface Outpoint {
  /** Internal byte order, as inputs reference it. */
  txid: Buffer;
  vout: number;
}

/** Mutable state of one generation run. */
interface Generator {
  random: () => number;
  options: Required<Pick<SyntheticChainOptions, 'txPerBlock' | 'watchedHashes' | 'watchedShare' | 'spendShare'>>;
  /** Planted outputs not spent yet, with the height they were created at. */
  unspent: Array<Outpoint & { height: number }>;
  planted: PlantedCounts;
  outputs: number;
}

export function generateSyntheticChain(options: SyntheticChainOptions): SyntheticChain {
  const gen: Generator = {
    random: seededRandom(options.seed ?? 1),
    options: {
      txPerBlock: options.txPerBlock,
      watchedHashes: options.watchedHashes,
      watchedShare: options.watchedShare ?? 0.05,
      spendShare: options.spendShare ?? 0.02,
    },
    unspent: [],
    planted: { received: 0, spent: 0, spentInSameBlock: 0 },
    outputs: 0,
  };
  const blocks: SyntheticBlock[] = [];
  let prevHash = Buffer.from(options.prevHash ?? '00'.repeat(32), 'hex').reverse();
  const startHeight = options.startHeight ?? 1;
  for (let i = 0; i < options.blocks; i++) {
    const block = generateBlock(gen, startHeight + i, prevHash);
    blocks.push(block);
    prevHash = Buffer.from(block.hash, 'hex').reverse();
  }
  return { blocks, planted: gen.planted, transactions: options.blocks * options.txPerBlock, outputs: gen.outputs };
}

function generateBlock(gen: Generator, height: number, prevHash: Buffer): SyntheticBlock {
  const txs = [coinbaseTx(gen, height)];
  for (let t = 1; t < gen.options.txPerBlock; t++) txs.push(spendingTx(gen, height));
  const txids = txs.map((tx) => sha256d(tx));
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeInt32LE(4, 0);
  prevHash.copy(header, 4);
  Buffer.from(computeMerkleRoot(txids)).copy(header, 36);
  header.writeUInt32LE(1_700_000_000 + height * 60, 68);
  header.writeUInt32LE(0x207fffff, 72);
  header.writeUInt32LE(height, 76);
  const hash = sha256d(header).reverse().toString('hex');
  return { height, hash, bytes: Buffer.concat([header, varint(txs.length), ...txs]) };
}

/** Pays a stranger; the height in the script keeps coinbase txids distinct, as BIP34 does. */
function coinbaseTx(gen: Generator, height: number): Buffer {
  const scriptSig = Buffer.alloc(5);
  scriptSig[0] = 4;
  scriptSig.writeUInt32LE(height, 1);
  const tx = Buffer.alloc(4 + 1 + 32 + 4 + 1 + scriptSig.length + 4 + 1 + OUTPUT_BYTES + 4);
  let at = tx.writeInt32LE(1, 0);
  at = tx.writeUInt8(1, at);
  at += 32; // null prevout hash
  at = tx.writeUInt32LE(0xffffffff, at);
  at = tx.writeUInt8(scriptSig.length, at);
  at += scriptSig.copy(tx, at);
  at = tx.writeUInt32LE(0xffffffff, at);
  at = tx.writeUInt8(1, at);
  writeP2pkhOutput(tx, at, 50n * 100_000_000n, randomBytesFrom(gen.random, 20));
  gen.outputs += 1;
  return tx;
}

/** 1-3 inputs (mostly foreign, some spending planted outputs), 2-3 P2PKH outputs. */
function spendingTx(gen: Generator, height: number): Buffer {
  const inputCount = 1 + Math.floor(gen.random() * 3);
  const outputCount = 2 + Math.floor(gen.random() * 2);
  const tx = Buffer.alloc(4 + 1 + inputCount * INPUT_BYTES + 1 + outputCount * OUTPUT_BYTES + 4);
  let at = tx.writeInt32LE(1, 0);
  at = tx.writeUInt8(inputCount, at);
  for (let i = 0; i < inputCount; i++) at = writeInput(tx, at, pickPrevout(gen, height));
  at = tx.writeUInt8(outputCount, at);
  const plantedVouts: number[] = [];
  for (let vout = 0; vout < outputCount; vout++) {
    const watched = gen.random() < gen.options.watchedShare;
    const hash = watched ? pickWatched(gen) : randomBytesFrom(gen.random, 20);
    if (watched) plantedVouts.push(vout);
    at = writeP2pkhOutput(tx, at, BigInt(1 + Math.floor(gen.random() * 1e12)), hash);
  }
  tx.writeUInt32LE(0, at);
  gen.outputs += outputCount;
  if (plantedVouts.length > 0) {
    const txid = sha256d(tx);
    for (const vout of plantedVouts) gen.unspent.push({ txid, vout, height });
    gen.planted.received += plantedVouts.length;
  }
  return tx;
}

function pickWatched(gen: Generator): Uint8Array {
  const hashes = gen.options.watchedHashes;
  return hashes[Math.floor(gen.random() * hashes.length)] as Uint8Array;
}

/** Either a random foreign outpoint or, now and then, one planted earlier (removed from the pool). */
function pickPrevout(gen: Generator, height: number): Outpoint {
  if (gen.unspent.length > 0 && gen.random() < gen.options.spendShare) {
    const index = Math.floor(gen.random() * gen.unspent.length);
    const [spent] = gen.unspent.splice(index, 1);
    if (spent !== undefined) {
      gen.planted.spent += 1;
      if (spent.height === height) gen.planted.spentInSameBlock += 1;
      return spent;
    }
  }
  return { txid: randomBytesFrom(gen.random, 32), vout: Math.floor(gen.random() * 4) };
}

function writeInput(tx: Buffer, at: number, prevout: Outpoint): number {
  at += prevout.txid.copy(tx, at);
  at = tx.writeUInt32LE(prevout.vout, at);
  at = tx.writeUInt8(SCRIPT_SIG_BYTES, at);
  tx.fill(0x30, at, at + SCRIPT_SIG_BYTES); // content is never read; only its length matters
  at += SCRIPT_SIG_BYTES;
  return tx.writeUInt32LE(0xffffffff, at);
}

function writeP2pkhOutput(tx: Buffer, at: number, value: bigint, hash: Uint8Array): number {
  at = tx.writeBigUInt64LE(value, at);
  at = tx.writeUInt8(P2PKH_SCRIPT_BYTES, at);
  at = tx.writeUInt8(0x76, at); // OP_DUP
  at = tx.writeUInt8(0xa9, at); // OP_HASH160
  at = tx.writeUInt8(0x14, at); // push 20
  tx.set(hash, at);
  at += 20;
  at = tx.writeUInt8(0x88, at); // OP_EQUALVERIFY
  return tx.writeUInt8(0xac, at); // OP_CHECKSIG
}

function varint(n: number): Buffer {
  if (n < 0xfd) return Buffer.from([n]);
  const bytes = Buffer.alloc(3);
  bytes[0] = 0xfd;
  bytes.writeUInt16LE(n, 1);
  return bytes;
}

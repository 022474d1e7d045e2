// Builds a merge-mined (AuxPoW) Dogecoin block, for tests on dogecoind regtest (which never mines
// one itself). Plain functions, written from Dogecoin Core 1.14.1's consensus rules (src/auxpow.cpp
// CAuxPow::check, src/dogecoin.cpp CheckAuxPowProofOfWork, src/primitives/pureheader.h) and
// DESIGN.md section 9, independently of kibble's block parser, which the tests then check on it.
//
// Layout: child header (80 bytes, version with the AuxPoW flag 0x100 and the chain ID above bit 16)
//   | AuxPoW: parent coinbase tx, parent block hash, coinbase merkle branch + index,
//             chain merkle branch + index, parent header (80 bytes)
//   | tx count | transactions.
// The child's own hash needs no proof of work: the parent header's scrypt hash must meet the
// child's target, and the parent's coinbase must commit to the child's hash.
import { createHash, randomBytes, scryptSync } from 'node:crypto';

/** The AuxPoW bit of a block version (CPureBlockHeader::VERSION_AUXPOW). */
export const AUXPOW_VERSION_FLAG = 0x100;
/** Dogecoin's merged-mining chain ID on every network (chainparams.cpp nAuxpowChainId). */
export const DOGECOIN_CHAIN_ID = 0x62;
/** Marks the chain merkle root in the parent coinbase (pchMergedMiningHeader). */
export const MERGED_MINING_MARKER = Uint8Array.from([0xfa, 0xbe, 0x6d, 0x6d]);
/** The child's block version: base version 4, the AuxPoW flag, the chain ID in the top bits. */
const CHILD_BASE_VERSION = 4;
/** A parent header's version: a Litecoin-style miner, whose chain ID (0x2000) is not ours. */
const PARENT_VERSION = 0x20000000;

export interface AuxPowBlockSpec {
  /** The tip the block extends (display hex). */
  prevHash: string;
  /** The child's height: pushed in its coinbase, as miners do. */
  height: number;
  /** Compact target the parent's scrypt hash must meet (the chain's next nBits). */
  bits: number;
  /** Block time (seconds), above the tip's median time past. */
  time: number;
  /** Where the child's coinbase pays, and how much (at most subsidy + fees). */
  coinbaseScript: Uint8Array;
  coinbaseValue: bigint;
  /** Serialized non-coinbase transactions to include, in order. */
  transactions: readonly Uint8Array[];
  chainId?: number;
  /** Commit the parent coinbase to this hash instead of the child's (to build an invalid block). */
  commitTo?: Uint8Array;
}

export interface AuxPowBlock {
  raw: Uint8Array;
  /** The child's block hash (display hex): double-SHA256 of its 80-byte header only. */
  hash: string;
  /** Byte length of the AuxPoW data between the header and the transaction count. */
  auxpowBytes: number;
  /** The child's txids (display hex), coinbase first. */
  txids: string[];
}

export function buildAuxPowBlock(spec: AuxPowBlockSpec): AuxPowBlock {
  const chainId = spec.chainId ?? DOGECOIN_CHAIN_ID;
  const coinbase = childCoinbase(spec.height, spec.coinbaseScript, spec.coinbaseValue);
  const transactions = [coinbase, ...spec.transactions];
  const txHashes = transactions.map(sha256d);
  const header = blockHeader({
    version: (chainId << 16) | AUXPOW_VERSION_FLAG | CHILD_BASE_VERSION,
    prevHash: Buffer.from(spec.prevHash, 'hex').reverse(),
    merkleRoot: merkleRoot(txHashes),
    time: spec.time,
    bits: spec.bits,
    nonce: 0,
  });
  const childHash = sha256d(header);
  const auxpow = auxPowFor(spec.commitTo ?? childHash, spec.bits, spec.time);
  const raw = Buffer.concat([header, auxpow, varInt(transactions.length), ...transactions]);
  return {
    raw,
    hash: displayHex(childHash),
    auxpowBytes: auxpow.length,
    txids: txHashes.map(displayHex),
  };
}

/**
 * The AuxPoW proving work on a parent block whose coinbase commits to `childHash`. With a chain
 * merkle tree of one leaf (branch empty, size 1) the chain merkle root IS the child's hash and
 * its index must be getExpectedIndex(nonce, chainId, 0) = 0 whatever the nonce.
 */
export function auxPowFor(childHash: Uint8Array, bits: number, time: number): Buffer {
  const coinbase = parentCoinbase(childHash);
  const coinbaseHash = sha256d(coinbase);
  const target = targetFromBits(bits);
  for (let nonce = 0; nonce < 0xffffffff; nonce++) {
    const parentHeader = blockHeader({
      version: PARENT_VERSION,
      prevHash: randomBytes(32), // the parent chain's tip: not checked by the child chain
      merkleRoot: coinbaseHash, // the coinbase is the parent block's only transaction
      time,
      bits,
      nonce,
    });
    if (scryptHash(parentHeader) > target) continue;
    return Buffer.concat([
      coinbase, // the parent's coinbase transaction (CMerkleTx::tx)
      sha256d(parentHeader), // hashBlock: the parent block's hash (kept, not checked)
      varInt(0), // coinbase merkle branch: empty, the coinbase is the parent's merkle root
      int32(0), // its index: 0, the coinbase ("AuxPow is not a generate" otherwise)
      varInt(0), // chain merkle branch: empty, the child is the only merge-mined chain
      int32(0), // its index: getExpectedIndex(...) % 1 = 0
      parentHeader, // the parent's 80-byte header, whose scrypt hash meets the child's target
    ]);
  }
  throw new Error('auxPowFor: no parent nonce meets the target');
}

/**
 * A parent coinbase whose input script carries the merged-mining commitment: the marker, the chain
 * merkle root in display byte order, the chain merkle tree size (1) and the nonce (0), little-endian.
 */
export function parentCoinbase(chainMerkleRoot: Uint8Array): Buffer {
  const commitment = Buffer.concat([MERGED_MINING_MARKER, Buffer.from(chainMerkleRoot).reverse(), uint32(1), uint32(0)]);
  const scriptSig = Buffer.concat([pushData(uint32(Math.floor(Math.random() * 0xffffffff))), pushData(commitment)]);
  // one output of 12.5 coins to OP_TRUE: the parent chain's business, never checked here
  return transaction(scriptSig, 1_250_000_000n, Uint8Array.from([0x51]));
}

/** The child's coinbase: its height pushed first (BIP34 style), random bytes keep it unique. */
function childCoinbase(height: number, script: Uint8Array, value: bigint): Buffer {
  const scriptSig = Buffer.concat([pushData(scriptNumber(height)), pushData(randomBytes(8))]);
  return transaction(scriptSig, value, script);
}

/** A version-1 transaction with one coinbase input (null prevout) and one output. */
function transaction(scriptSig: Buffer, value: bigint, outputScript: Uint8Array): Buffer {
  const amount = Buffer.alloc(8);
  amount.writeBigUInt64LE(value);
  return Buffer.concat([
    int32(1), // version
    varInt(1), // one input
    Buffer.alloc(32), // prevout hash: null
    uint32(0xffffffff), // prevout index: null
    varInt(scriptSig.length),
    scriptSig,
    uint32(0xffffffff), // sequence
    varInt(1), // one output
    amount,
    varInt(outputScript.length),
    outputScript,
    uint32(0), // lock time
  ]);
}

function blockHeader(fields: { version: number; prevHash: Uint8Array; merkleRoot: Uint8Array; time: number; bits: number; nonce: number }): Buffer {
  return Buffer.concat([int32(fields.version), fields.prevHash, fields.merkleRoot, uint32(fields.time), uint32(fields.bits), uint32(fields.nonce)]);
}

/** Bitcoin's merkle tree over internal-order hashes: the odd last hash is paired with itself. */
function merkleRoot(hashes: readonly Buffer[]): Buffer {
  let level = [...hashes];
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha256d(Buffer.concat([level[i] as Buffer, level[i + 1] ?? (level[i] as Buffer)])));
    level = next;
  }
  const [root] = level;
  if (root === undefined) throw new Error('merkleRoot: no transactions');
  return root;
}

/** Dogecoin's (Litecoin's) proof-of-work hash: scrypt N=1024, r=1, p=1 of the header, salted with itself. */
export function scryptHash(header: Uint8Array): bigint {
  const hash = scryptSync(header, header, 32, { N: 1024, r: 1, p: 1 });
  return BigInt(`0x${Buffer.from(hash).reverse().toString('hex')}`);
}

export function targetFromBits(bits: number): bigint {
  const exponent = bits >>> 24;
  const mantissa = BigInt(bits & 0x007fffff);
  return exponent <= 3 ? mantissa >> BigInt(8 * (3 - exponent)) : mantissa << BigInt(8 * (exponent - 3));
}

function sha256d(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();
}

function displayHex(internal: Uint8Array): string {
  return Buffer.from(internal).reverse().toString('hex');
}

function int32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32LE(value);
  return bytes;
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return bytes;
}

function varInt(value: number): Buffer {
  if (value < 0xfd) return Buffer.from([value]);
  if (value <= 0xffff) {
    const bytes = Buffer.alloc(3);
    bytes[0] = 0xfd;
    bytes.writeUInt16LE(value, 1);
    return bytes;
  }
  return Buffer.concat([Buffer.from([0xfe]), uint32(value)]);
}

/** A script push of up to 75 bytes (all this file needs). */
function pushData(data: Uint8Array): Buffer {
  if (data.length > 75) throw new Error('pushData: more than 75 bytes');
  return Buffer.concat([Buffer.from([data.length]), data]);
}

/** CScriptNum encoding of a non-negative number (minimal, sign bit kept clear). */
function scriptNumber(value: number): Buffer {
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.push(rest & 0xff);
  if (bytes.length > 0 && ((bytes[bytes.length - 1] as number) & 0x80) !== 0) bytes.push(0);
  return Buffer.from(bytes);
}

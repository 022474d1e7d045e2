import { createHash, hash as oneShotHash } from 'node:crypto';
import { KibbleError } from '../../errors';
import { ByteReader } from './byte-reader';

/**
 * Raw block parsing for Dogecoin-style chains: plain bytes in, plain data out, no I/O. The deposit
 * scanner walks every block, so this stays allocation-light: scripts are views into the block,
 * and the only per-transaction work beyond reading is the txid hash.
 */

export interface BlockHeader {
  /** Display hex (byte-reversed) of double-SHA256 over the 80-byte header alone. */
  hash: string;
  prevHash: string;
  merkleRoot: string;
  version: number;
  time: number;
  bits: number;
  nonce: number;
}

export interface TxInput {
  prevTxid: string;
  prevVout: number;
  sequence: number;
}

export interface TxOutput {
  value: bigint;
  /** A view into the parsed buffer, not a copy: copy it if you keep it beyond the block. */
  script: Uint8Array;
}

export interface ParsedTx {
  /**
   * Display hex, always over the non-witness serialization. Hashed when first read: the scanner
   * needs the txids of the few transactions that pay or spend the wallet, not of every one.
   */
  readonly txid: string;
  inputs: TxInput[];
  outputs: TxOutput[];
  coinbase: boolean;
}

/** Where a transaction's txid is hashed from, kept until it is asked for. */
interface TxidSource {
  bytes: Uint8Array;
  start: number;
  bodyStart: number;
  bodyEnd: number;
  end: number;
  segwit: boolean;
}

class ParsedTransaction implements ParsedTx {
  #txid: string | undefined;
  #source: TxidSource | undefined;

  constructor(
    readonly inputs: TxInput[],
    readonly outputs: TxOutput[],
    readonly coinbase: boolean,
    source: TxidSource,
  ) {
    this.#source = source;
  }

  get txid(): string {
    if (this.#txid === undefined) {
      this.#txid = txidOf(this.#source as TxidSource);
      this.#source = undefined; // the block's bytes are not needed any more
    }
    return this.#txid;
  }

  /** What a plain object of the transaction would print, txid included. */
  toJSON(): { txid: string; inputs: TxInput[]; outputs: TxOutput[]; coinbase: boolean } {
    return { txid: this.txid, inputs: this.inputs, outputs: this.outputs, coinbase: this.coinbase };
  }
}

export interface ParsedBlock extends BlockHeader {
  /** Whether merge-mining data followed the header. */
  auxpow: boolean;
  /** Length of that data (0 without AuxPoW), for diagnostics and tests. */
  auxpowBytes: number;
  transactions: ParsedTx[];
}

const HEADER_BYTES = 80;
const HASH_BYTES = 32;
/** Dogecoin marks a merge-mined block by this bit of the header version (chain ID sits above). */
const AUXPOW_VERSION_FLAG = 0x100;
const NULL_PREVOUT_VOUT = 0xffffffff;
const NULL_HASH_HEX = '0'.repeat(HASH_BYTES * 2);

// Smallest possible encodings, used to reject absurd counts before looping over them.
const MIN_INPUT_BYTES = 32 + 4 + 1 + 4;
const MIN_OUTPUT_BYTES = 8 + 1;
const MIN_TX_BYTES = 4 + 1 + 1 + 4;

/** Reused for byte-reversing hashes into display order; safe because JS runs one call at a time. */
const reverseScratch = Buffer.allocUnsafe(HASH_BYTES);

function sha256d(data: Uint8Array): Buffer {
  return oneShotHash('sha256', oneShotHash('sha256', data, 'buffer'), 'buffer');
}

/** Display order of a 32-byte hash without touching the caller's bytes. */
function displayHex(internal: Uint8Array): string {
  reverseScratch.set(internal);
  return reverseScratch.reverse().toString('hex');
}

function readHeader(r: ByteReader): BlockHeader {
  const raw = r.slice(HEADER_BYTES, 'block header');
  const h = new ByteReader(raw);
  const version = h.int32le();
  const prevHash = displayHex(h.slice(HASH_BYTES));
  const merkleRoot = displayHex(h.slice(HASH_BYTES));
  const time = h.uint32le();
  const bits = h.uint32le();
  const nonce = h.uint32le();
  const hash = sha256d(raw).reverse().toString('hex');
  return { hash, prevHash, merkleRoot, version, time, bits, nonce };
}

function readInput(r: ByteReader): TxInput {
  const prevTxid = displayHex(r.slice(HASH_BYTES, 'input prevout hash'));
  const prevVout = r.uint32le('input prevout index');
  r.skip(r.varint('input script length'), 'input script');
  const sequence = r.uint32le('input sequence');
  return { prevTxid, prevVout, sequence };
}

function readOutput(r: ByteReader): TxOutput {
  const value = r.uint64le('output value');
  const script = r.slice(r.varint('output script length'), 'output script');
  return { value, script };
}

function skipWitnesses(r: ByteReader, inputCount: number): void {
  for (let i = 0; i < inputCount; i++) {
    const items = r.count(1, 'witness item count');
    for (let j = 0; j < items; j++) r.skip(r.varint('witness item length'), 'witness item');
  }
}

/**
 * SegWit serialization puts 0x00 0x01 where the input count would be. A legacy transaction cannot
 * have zero inputs, so a 0x00 there is either that marker or a corrupt transaction.
 */
function readSegwitMarker(r: ByteReader): boolean {
  if (r.bytes[r.offset] !== 0) return false;
  const at = r.offset;
  r.skip(1, 'segwit marker');
  const flag = r.uint8('segwit flag');
  if (flag !== 1) {
    throw new KibbleError('block-invalid', `transaction at offset ${at} has no inputs (flag ${flag})`, {
      offset: at,
    });
  }
  return true;
}

/** txid = double-SHA256 of version, inputs, outputs and locktime: witness data left out. */
function txidOf({ bytes: all, start, bodyStart, bodyEnd, end, segwit }: TxidSource): string {
  if (!segwit) return sha256d(all.subarray(start, end)).reverse().toString('hex');
  const first = createHash('sha256')
    .update(all.subarray(start, start + 4))
    .update(all.subarray(bodyStart, bodyEnd))
    .update(all.subarray(end - 4, end))
    .digest();
  return oneShotHash('sha256', first, 'buffer').reverse().toString('hex');
}

function readTransaction(r: ByteReader): ParsedTx {
  const start = r.offset;
  r.skip(4, 'transaction version');
  const segwit = readSegwitMarker(r);
  const bodyStart = r.offset;
  const inputCount = r.count(MIN_INPUT_BYTES, 'input count');
  const inputs: TxInput[] = new Array<TxInput>(inputCount);
  for (let i = 0; i < inputCount; i++) inputs[i] = readInput(r);
  const outputCount = r.count(MIN_OUTPUT_BYTES, 'output count');
  const outputs: TxOutput[] = new Array<TxOutput>(outputCount);
  for (let i = 0; i < outputCount; i++) outputs[i] = readOutput(r);
  const bodyEnd = r.offset;
  if (segwit) skipWitnesses(r, inputCount);
  r.skip(4, 'transaction locktime');
  return new ParsedTransaction(inputs, outputs, isCoinbase(inputs), { bytes: r.bytes, start, bodyStart, bodyEnd, end: r.offset, segwit });
}

function isCoinbase(inputs: readonly TxInput[]): boolean {
  const only = inputs[0];
  return (
    inputs.length === 1 &&
    only !== undefined &&
    only.prevVout === NULL_PREVOUT_VOUT &&
    only.prevTxid === NULL_HASH_HEX
  );
}

function skipMerkleBranch(r: ByteReader, what: string): void {
  const n = r.count(HASH_BYTES, `${what} length`);
  r.skip(n * HASH_BYTES, what);
  r.skip(4, `${what} index`);
}

/**
 * Skips merge-mining proof by its layout: parent coinbase transaction, parent block hash, the
 * coinbase's merkle branch, the chain merkle branch, parent header. kibble does not validate it
 * (the node has), it only needs to find where the transactions start.
 */
function skipAuxPow(r: ByteReader): void {
  readTransaction(r);
  r.skip(HASH_BYTES, 'auxpow parent block hash');
  skipMerkleBranch(r, 'auxpow coinbase merkle branch');
  skipMerkleBranch(r, 'auxpow chain merkle branch');
  r.skip(HEADER_BYTES, 'auxpow parent header');
}

function expectEnd(r: ByteReader, what: string): void {
  if (r.remaining !== 0) {
    throw new KibbleError(
      'block-invalid',
      `${what} ends at offset ${r.offset} but ${r.remaining} more bytes follow`,
      { offset: r.offset, trailing: r.remaining },
    );
  }
}

/** Reads the first 80 bytes as a header; anything after them is ignored. */
export function parseBlockHeader(bytes: Uint8Array): BlockHeader {
  return readHeader(new ByteReader(bytes));
}

export interface ParseBlockOptions {
  /**
   * Whether the chain merge-mines (ChainProfile.auxpow). Pass false for Litecoin and bcoin: there
   * the 0x100 version bit is an ordinary BIP9 signal bit and no AuxPoW data follows. Default true.
   */
  auxpow?: boolean;
}

/** Parses a whole raw block (as `getblock <hash> false` returns it); every byte must be used. */
export function parseBlock(bytes: Uint8Array, options: ParseBlockOptions = {}): ParsedBlock {
  const r = new ByteReader(bytes);
  const header = readHeader(r);
  const auxpow = (options.auxpow ?? true) && (header.version & AUXPOW_VERSION_FLAG) !== 0;
  if (auxpow) skipAuxPow(r);
  const auxpowBytes = r.offset - HEADER_BYTES;
  const txCount = r.count(MIN_TX_BYTES, 'transaction count');
  const transactions: ParsedTx[] = new Array<ParsedTx>(txCount);
  for (let i = 0; i < txCount; i++) transactions[i] = readTransaction(r);
  expectEnd(r, 'block');
  return { ...header, auxpow, auxpowBytes, transactions };
}

/**
 * The serialized bytes of the transaction `txid` inside a raw block (a copy), or undefined when the
 * block does not hold it. PSBTs need the full previous transaction of each legacy input, and
 * Dogecoin Core without -txindex only finds a mined transaction through its block.
 */
export function transactionBytesInBlock(bytes: Uint8Array, txid: string, options: ParseBlockOptions = {}): Uint8Array | undefined {
  const r = new ByteReader(bytes);
  const header = readHeader(r);
  if ((options.auxpow ?? true) && (header.version & AUXPOW_VERSION_FLAG) !== 0) skipAuxPow(r);
  const txCount = r.count(MIN_TX_BYTES, 'transaction count');
  for (let i = 0; i < txCount; i++) {
    const start = r.offset;
    const tx = readTransaction(r);
    if (tx.txid === txid) return bytes.slice(start, r.offset);
  }
  return undefined;
}

/** Parses one serialized transaction (legacy or SegWit); every byte must be used. */
export function parseTransaction(bytes: Uint8Array): ParsedTx {
  const r = new ByteReader(bytes);
  const tx = readTransaction(r);
  expectEnd(r, 'transaction');
  return tx;
}

/** Length in bytes of the AuxPoW data that starts at `offset` (right after an 80-byte header). */
export function measureAuxPow(bytes: Uint8Array, offset = 0): number {
  const r = new ByteReader(bytes, offset);
  skipAuxPow(r);
  return r.offset - offset;
}

/**
 * Bitcoin's merkle root over txids in internal byte order (the reverse of display hex); an odd
 * level pairs its last hash with itself. Returns the root in internal order.
 */
export function computeMerkleRoot(txidsInternalOrder: readonly Uint8Array[]): Uint8Array {
  if (txidsInternalOrder.length === 0) {
    throw new KibbleError('block-invalid', 'a merkle root needs at least one transaction');
  }
  let level: Uint8Array[] = [...txidsInternalOrder];
  const pair = Buffer.allocUnsafe(HASH_BYTES * 2);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Uint8Array;
      pair.set(left, 0);
      pair.set(level[i + 1] ?? left, HASH_BYTES);
      next.push(sha256d(pair));
    }
    level = next;
  }
  return new Uint8Array(level[0] as Uint8Array);
}

/** Converts a display-hex hash into internal byte order (for computeMerkleRoot and friends). */
export function internalOrder(displayHexHash: string): Uint8Array {
  return Uint8Array.from(Buffer.from(displayHexHash, 'hex').reverse());
}

import { createHash, type Hash } from 'node:crypto';
import { Transaction, script as bscript } from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import type { ChainProfile } from '../chain/profiles';
import { KibbleError } from '../errors';
import { outputScriptFor, parseAddress } from '../chain/address';
import { addressOfPublicKey } from '../keys/hd';
import type { Signer, SigningKey } from './hd-signer';
import type { SpendableOutput, UnsignedTransaction } from '../chain/tx/tx-builder';
import { feeFor, isStandardDataScript, worstCaseTxBytes } from '../chain/tx/tx-size';

/**
 * Signs a built settlement transaction: legacy P2PKH inputs, SIGHASH_ALL, RFC 6979 (so signing
 * twice gives the same bytes). Uses Transaction rather than Psbt because Psbt wants the full
 * previous transaction of every legacy input, which kibble does not keep. Besides hd.ts, the only
 * module that handles private keys; errors name outpoints and key paths, never key material.
 */

export interface SignedTransaction {
  txid: string;
  raw: string /* hex */;
  bytes: number /* actual size */;
  fee: bigint;
  worstCaseBytes: number;
}

const TX_VERSION = 1;
const SIGHASH_ALL = Transaction.SIGHASH_ALL;
/** Outpoint (36) + empty script (1) + sequence (4): an input as other inputs' signatures see it. */
const BLANK_INPUT_BYTES = 41;
/** secp256k1 order / 2: Dogecoin relays only low-S signatures. */
const HALF_ORDER = Buffer.from('7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0', 'hex');

/**
 * `plannedDataScript`: the one data output (OP_RETURN, hex script) the plan allows in this
 * transaction, the month's commitment, derived by the caller from the stored root, not from the
 * transaction. Any other data output, or one where none is planned, is refused.
 */
export function signSettlementTransaction(chain: ChainProfile, unsigned: UnsignedTransaction, signer: Signer, plannedDataScript?: string): SignedTransaction {
  if (signer.chain !== chain.name) fail(`the signer is for ${signer.chain}, the transaction for ${chain.name}`);
  const scripts = checkBeforeSigning(chain, unsigned, plannedDataScript);
  const tx = new Transaction();
  tx.version = TX_VERSION;
  for (const input of unsigned.inputs) tx.addInput(txidToHash(input.txid), input.vout);
  unsigned.outputs.forEach((output, vout) => tx.addOutput(scripts[vout] as Uint8Array, output.amount));

  const sighash = new LegacySighash(tx);
  const keys = new Map<string, SigningKey>();
  const prevoutScripts = new Map<string, Uint8Array>();
  unsigned.inputs.forEach((input, index) => {
    const key = keyFor(chain, signer, input, keys);
    let prevout = prevoutScripts.get(input.address);
    if (prevout === undefined) prevoutScripts.set(input.address, (prevout = outputScriptFor(chain, input.address)));
    const hash = sighash.next(index, prevout);
    const signature = key.sign(hash);
    if (!isLowS(signature)) fail(`the signature for input ${outpoint(input)} is not low-S`);
    // A full verify costs more than signing: once per transaction catches a signer that is broken.
    if (index === 0 && !ecc.verify(hash, key.publicKey, signature, true)) {
      fail(`the signature for input ${outpoint(input)} does not verify`);
    }
    tx.setInputScript(index, bscript.compile([bscript.signature.encode(signature, SIGHASH_ALL), key.publicKey]));
  });

  const bytes = tx.byteLength();
  if (bytes > unsigned.worstCaseBytes) fail(`signed size ${bytes} exceeds the worst case ${unsigned.worstCaseBytes}`);
  return { txid: tx.getId(), raw: tx.toHex(), bytes, fee: unsigned.fee, worstCaseBytes: unsigned.worstCaseBytes };
}

/**
 * Legacy SIGHASH_ALL digests, input by input in order. The same bytes as bitcoinjs's
 * hashForSignature (the tests check it), without its copy of the whole transaction per input,
 * which made signing a 100 kB transaction quadratic in objects, not just in hashed bytes.
 */
class LegacySighash {
  readonly #tx: Transaction;
  readonly #prefix: Hash;
  readonly #blankInputs: Buffer;
  readonly #tail: Buffer;
  #nextIndex = 0;

  constructor(tx: Transaction) {
    this.#tx = tx;
    this.#prefix = createHash('sha256').update(Buffer.concat([uint32(tx.version), varInt(tx.ins.length)]));
    this.#blankInputs = Buffer.concat(
      tx.ins.map((input) => Buffer.concat([input.hash, uint32(input.index), varInt(0), uint32(input.sequence)])),
    );
    const outputs = tx.outs.flatMap((output) => [uint64(output.value), varInt(output.script.length), output.script]);
    this.#tail = Buffer.concat([varInt(tx.outs.length), ...outputs, uint32(tx.locktime), uint32(SIGHASH_ALL)]);
  }

  next(index: number, prevoutScript: Uint8Array): Uint8Array {
    const input = this.#tx.ins[index];
    if (index !== this.#nextIndex || input === undefined) fail('sighash inputs must be hashed in order');
    const hash = this.#prefix.copy()
      .update(input.hash).update(uint32(input.index))
      .update(varInt(prevoutScript.length)).update(prevoutScript)
      .update(uint32(input.sequence))
      .update(this.#blankInputs.subarray((index + 1) * BLANK_INPUT_BYTES))
      .update(this.#tail)
      .digest();
    this.#prefix.update(this.#blankInputs.subarray(index * BLANK_INPUT_BYTES, (index + 1) * BLANK_INPUT_BYTES));
    this.#nextIndex += 1;
    return new Uint8Array(createHash('sha256').update(hash).digest());
  }
}

/** The last rails before anything is signed: the sums and sizes the builder promised. Returns each output's script. */
function checkBeforeSigning(chain: ChainProfile, unsigned: UnsignedTransaction, plannedDataScript: string | undefined): Uint8Array[] {
  if (unsigned.inputs.length === 0 || unsigned.outputs.length === 0) fail('a transaction needs inputs and outputs');
  let balance = 0n;
  for (const input of unsigned.inputs) balance += input.amount;
  let dataOutputs = 0;
  const scripts = unsigned.outputs.map((output) => {
    balance -= output.amount;
    if (output.dataScript === undefined) {
      if (output.amount < chain.dustThreshold) fail(`an output to ${output.address} is below the dust threshold`);
      // P2PKH or P2SH of this chain only (outputScriptFor refuses anything else).
      return outputScriptFor(chain, output.address);
    }
    dataOutputs += 1;
    if (plannedDataScript === undefined) fail('the transaction has a data output the plan does not list');
    if (dataOutputs > 1) fail('the transaction has more than one data output');
    if (output.dataScript !== plannedDataScript) fail('the data output is not the script the plan lists');
    if (output.amount !== 0n) fail(`the data output carries ${output.amount}; it must carry nothing`);
    const script = Buffer.from(output.dataScript, 'hex');
    if (!isStandardDataScript(script)) fail('the data output is not one standard OP_RETURN script');
    return new Uint8Array(script);
  });
  if (plannedDataScript !== undefined && dataOutputs === 0) fail('the plan lists a data output that the transaction lacks');
  if (balance !== unsigned.fee) fail(`the fee ${unsigned.fee} is not inputs - outputs (${balance})`);
  const scriptLengths = scripts.map((script) => script.length);
  const worstCase = worstCaseTxBytes(unsigned.inputs.length, scriptLengths);
  if (worstCase !== unsigned.worstCaseBytes) fail(`worst-case size is ${worstCase}, the transaction says ${unsigned.worstCaseBytes}`);
  if (worstCase >= chain.maxStandardTxBytes) fail(`${worstCase} bytes is not below the standard limit ${chain.maxStandardTxBytes}`);
  if (unsigned.fee < feeFor(worstCase, chain.fee.perByte)) fail(`the fee ${unsigned.fee} is below the rate for ${worstCase} bytes`);
  return scripts;
}

function keyFor(chain: ChainProfile, signer: Signer, input: SpendableOutput, keys: Map<string, SigningKey>): SigningKey {
  const path = `${input.keyPath.change}/${input.keyPath.index}`;
  let key = keys.get(path);
  if (key === undefined) {
    key = signer.keyPairFor(input.keyPath);
    keys.set(path, key);
  }
  if (parseAddress(chain, input.address).type !== 'p2pkh' || addressOfPublicKey(chain, key.publicKey) !== input.address) {
    fail(`the key at path ${path} does not belong to ${input.address}, the address of input ${outpoint(input)}`);
  }
  return key;
}

function isLowS(signature: Uint8Array): boolean {
  return signature.length === 64 && Buffer.compare(signature.subarray(32), HALF_ORDER) <= 0;
}

/** txids are shown byte-reversed; the transaction stores the hash in internal order. */
function txidToHash(txid: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(txid)) fail(`"${txid}" is not a txid`);
  return Uint8Array.from(Buffer.from(txid, 'hex').reverse());
}

function uint32(n: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(n >>> 0);
  return buffer;
}

function uint64(n: bigint): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigUInt64LE(n);
  return buffer;
}

function varInt(n: number): Buffer {
  if (n < 0xfd) return Buffer.from([n]);
  const buffer = Buffer.alloc(n <= 0xffff ? 3 : 5);
  if (n <= 0xffff) {
    buffer[0] = 0xfd;
    buffer.writeUInt16LE(n, 1);
  } else {
    buffer[0] = 0xfe;
    buffer.writeUInt32LE(n, 1);
  }
  return buffer;
}

function outpoint(input: SpendableOutput): string {
  return `${input.txid}:${input.vout}`;
}

function fail(message: string): never {
  throw new KibbleError('internal', `refusing to sign: ${message}`);
}

import { opcodes, script as bscript, Transaction } from 'bitcoinjs-lib';
import { KibbleError } from '../errors';
import { bytesEqual, periodBytes } from './encoding';

/**
 * The on-chain commitment of a month's allocation root (docs/proofs.md, "OP_RETURN"): one
 * zero-value output `OP_RETURN <43 bytes>`, the bytes being the tag "kbl1" (kibble, layout 1),
 * the period as 7 ASCII bytes and the 32-byte root. 45 bytes of script, within Dogecoin's
 * standard 80 data bytes / 83 script bytes.
 */

export const COMMITMENT_TAG = 'kbl1';
const TAG_BYTES = new Uint8Array(Buffer.from(COMMITMENT_TAG, 'ascii'));
export const COMMITMENT_DATA_BYTES = TAG_BYTES.length + 7 + 32;

export interface Commitment {
  period: string;
  root: Uint8Array;
  /** The output that carries it. */
  vout: number;
}

export interface CommittingTransaction {
  txid: string;
  commitment: Commitment;
}

export function commitmentData(period: string, root: Uint8Array): Uint8Array {
  if (root.length !== 32) throw new KibbleError('commitment-invalid', `a committed root is 32 bytes, got ${root.length}`);
  return new Uint8Array(Buffer.concat([TAG_BYTES, periodBytes(period), root]));
}

/** The output script to add (value 0) to the first settlement transaction of `period`. */
export function commitmentScript(period: string, root: Uint8Array): Uint8Array {
  return bscript.compile([opcodes.OP_RETURN, commitmentData(period, root)]);
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/** A whole serialized (legacy) transaction from hex; anything else is transaction-invalid. */
export function parseRawTransaction(rawHex: string): Transaction {
  const hex = rawHex.trim();
  if (!HEX.test(hex)) throw new KibbleError('transaction-invalid', 'a raw transaction must be an even-length hex string');
  try {
    return Transaction.fromHex(hex);
  } catch (error) {
    throw new KibbleError('transaction-invalid', `the bytes are not one whole transaction (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** The first push of an OP_RETURN script, if the script is one and it decodes at all. */
function firstPush(script: Uint8Array): Uint8Array | undefined {
  if (script[0] !== opcodes.OP_RETURN) return undefined;
  const chunks = bscript.decompile(script);
  const first = chunks?.[1];
  return first instanceof Uint8Array ? first : undefined;
}

function startsWithTag(data: Uint8Array): boolean {
  return data.length >= TAG_BYTES.length && bytesEqual(data.subarray(0, TAG_BYTES.length), TAG_BYTES);
}

/**
 * Finds and decodes the kibble commitment of a transaction. Outputs that are not OP_RETURN, or
 * whose first push does not start with the tag, are not kibble's and are ignored; a tagged one must
 * be exactly the layout above (one minimal push, value 0, a valid period), and there must be only
 * one, else commitment-invalid. No tagged output at all: commitment-missing.
 */
export function findCommitment(tx: Transaction): Commitment {
  const tagged = tx.outs.map((out, vout) => ({ out, vout, data: firstPush(out.script) })).filter((candidate) => candidate.data !== undefined && startsWithTag(candidate.data));
  if (tagged.length === 0) throw new KibbleError('commitment-missing', `transaction ${tx.getId()} has no OP_RETURN output tagged "${COMMITMENT_TAG}"`);
  if (tagged.length > 1) throw new KibbleError('commitment-invalid', `transaction ${tx.getId()} has ${tagged.length} outputs tagged "${COMMITMENT_TAG}"; a settlement commits once`);
  const { out, vout, data } = tagged[0] as { out: Transaction['outs'][number]; vout: number; data: Uint8Array };
  const where = `output ${vout} of ${tx.getId()}`;
  if (data.length !== COMMITMENT_DATA_BYTES) throw new KibbleError('commitment-invalid', `${where} carries ${data.length} bytes, a commitment is ${COMMITMENT_DATA_BYTES}`, { vout });
  if (!bytesEqual(out.script, commitmentScriptOf(data))) throw new KibbleError('commitment-invalid', `${where} is not exactly OP_RETURN and one minimal push`, { vout });
  if (out.value !== 0n) throw new KibbleError('commitment-invalid', `${where} has a value of ${out.value}; a commitment output carries none`, { vout });
  const period = Buffer.from(data.subarray(TAG_BYTES.length, TAG_BYTES.length + 7)).toString('latin1');
  try {
    periodBytes(period);
  } catch {
    throw new KibbleError('commitment-invalid', `${where} names the period ${JSON.stringify(period)}, which is not 'YYYY-MM'`, { vout });
  }
  return { period, root: data.slice(TAG_BYTES.length + 7), vout };
}

function commitmentScriptOf(data: Uint8Array): Uint8Array {
  return bscript.compile([opcodes.OP_RETURN, data]);
}

/** parseRawTransaction then findCommitment, with the txid. */
export function committingTransaction(rawHex: string): CommittingTransaction {
  const tx = parseRawTransaction(rawHex);
  return { txid: tx.getId(), commitment: findCommitment(tx) };
}

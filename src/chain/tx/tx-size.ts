/**
 * Worst-case sizes of legacy (non-SegWit) transactions, so the fee is computed before signing and
 * is never short (DESIGN sections 4 and 9). Dogecoin charges the exact size, so no rounding to kB.
 */

/**
 * 36 outpoint + 1 script length + 107 scriptSig (push + 71-byte low-S strict DER signature + 1
 * sighash byte, push + 33-byte compressed public key) + 4 sequence. Real inputs are 146-148 bytes.
 */
export const P2PKH_INPUT_WORST_BYTES = 148;

/** OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG; change outputs are always P2PKH. */
export const P2PKH_SCRIPT_BYTES = 25;
/** OP_HASH160 <20> OP_EQUAL. */
export const P2SH_SCRIPT_BYTES = 23;

/** OP_RETURN and one push of up to 80 bytes: Dogecoin's (and Bitcoin's) standard data output. */
export const MAX_DATA_SCRIPT_BYTES = 83;
const OP_RETURN = 0x6a;

/** Whether `script` is a data output kibble may add: OP_RETURN first, at most 83 bytes. */
export function isStandardDataScript(script: Uint8Array): boolean {
  return script.length >= 1 && script.length <= MAX_DATA_SCRIPT_BYTES && script[0] === OP_RETURN;
}

const VERSION_BYTES = 4;
const LOCKTIME_BYTES = 4;
const AMOUNT_BYTES = 8;

/** Bitcoin's CompactSize: 1 byte below 0xfd, then 0xfd/0xfe/0xff + 2/4/8 bytes. */
export function varIntBytes(n: number): number {
  assertCount(n, 'varint value');
  if (n < 0xfd) return 1;
  if (n <= 0xffff) return 3;
  if (n <= 0xffffffff) return 5;
  return 9;
}

/** 8 amount + varint(script length) + script: 34 for P2PKH, 32 for P2SH. */
export function outputBytes(scriptLength: number): number {
  return AMOUNT_BYTES + varIntBytes(scriptLength) + scriptLength;
}

/** Version, the two counts and the locktime: 10 bytes while both counts are below 253. */
export function txOverheadBytes(inputCount: number, outputCount: number): number {
  return VERSION_BYTES + varIntBytes(inputCount) + varIntBytes(outputCount) + LOCKTIME_BYTES;
}

/** Size once signed with the largest possible signatures; every input is P2PKH. */
export function worstCaseTxBytes(inputCount: number, outputScriptLengths: readonly number[]): number {
  let outputs = 0;
  for (const length of outputScriptLengths) outputs += outputBytes(length);
  return txOverheadBytes(inputCount, outputScriptLengths.length) + inputCount * P2PKH_INPUT_WORST_BYTES + outputs;
}

export function feeFor(bytes: number, perByte: bigint): bigint {
  assertCount(bytes, 'transaction size');
  return BigInt(bytes) * perByte;
}

function assertCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}

import { outputScriptFor, p2pkhAddress, p2shAddress } from '../../../src/chain/address';
import {
  P2PKH_INPUT_WORST_BYTES,
  P2PKH_SCRIPT_BYTES,
  P2SH_SCRIPT_BYTES,
  feeFor,
  outputBytes,
  txOverheadBytes,
  varIntBytes,
  worstCaseTxBytes,
} from '../../../src/chain/tx/tx-size';
import { chainProfile } from '../../../src/chain/profiles';

const dogecoin = chainProfile('dogecoin');
const hash = new Uint8Array(20).fill(7);

describe('transaction sizes', () => {
  it('the script length constants match the scripts outputScriptFor builds', () => {
    expect(outputScriptFor(dogecoin, p2pkhAddress(dogecoin, hash)).length).toBe(P2PKH_SCRIPT_BYTES);
    expect(outputScriptFor(dogecoin, p2shAddress(dogecoin, hash)).length).toBe(P2SH_SCRIPT_BYTES);
  });

  it('P2PKH output is 34 bytes, P2SH 32 (scripts from outputScriptFor)', () => {
    expect(outputBytes(outputScriptFor(dogecoin, p2pkhAddress(dogecoin, hash)).length)).toBe(34);
    expect(outputBytes(outputScriptFor(dogecoin, p2shAddress(dogecoin, hash)).length)).toBe(32);
  });

  it('a P2PKH input is at most 148 bytes: outpoint, script length, push+72-byte signature, push+33-byte key, sequence', () => {
    expect(P2PKH_INPUT_WORST_BYTES).toBe(36 + 1 + (1 + 72 + 1 + 33) + 4);
  });

  it('overhead is 10 bytes for small counts', () => {
    expect(txOverheadBytes(1, 1)).toBe(10);
    expect(txOverheadBytes(252, 252)).toBe(10);
  });

  it.each([
    [0, 1], [252, 1], [253, 3], [65535, 3], [65536, 5], [0xffffffff, 5], [0x100000000, 9],
  ])('varint of %d takes %d bytes', (n, bytes) => {
    expect(varIntBytes(n)).toBe(bytes);
  });

  it('the counts grow the overhead at 253 inputs or outputs', () => {
    expect(txOverheadBytes(253, 1)).toBe(12);
    expect(txOverheadBytes(1, 253)).toBe(12);
    expect(txOverheadBytes(65536, 65536)).toBe(18);
  });

  it('worst case of 1 input and 2 P2PKH outputs is the textbook 226 bytes', () => {
    expect(worstCaseTxBytes(1, [25, 25])).toBe(226);
    expect(worstCaseTxBytes(2, [25, 23])).toBe(10 + 296 + 34 + 32);
    expect(worstCaseTxBytes(0, [])).toBe(10);
  });

  it('fee is bytes x rate, exactly (no rounding to whole kB)', () => {
    expect(feeFor(226, dogecoin.fee.perByte)).toBe(226_000n);
    expect(feeFor(0, 1000n)).toBe(0n);
  });

  it.each([-1, 1.5, Number.NaN])('refuses a size of %d', (bytes) => {
    expect(() => feeFor(bytes, 1n)).toThrow(RangeError);
    expect(() => varIntBytes(bytes)).toThrow(RangeError);
  });
});

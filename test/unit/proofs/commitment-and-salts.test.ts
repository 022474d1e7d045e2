import fc from 'fast-check';
import { opcodes, script as bscript, Transaction } from 'bitcoinjs-lib';
import { COMMITMENT_DATA_BYTES, commitmentScript, committingTransaction, findCommitment, parseRawTransaction } from '../../../src/proofs/commitment';
import { toHex } from '../../../src/proofs/encoding';
import { allocationSalt, reservesSalt } from '../../../src/proofs/salts';
import { thrownCode } from '../../support/errors';
import { committingTxHex, periodArb } from './support';

describe('the OP_RETURN commitment', () => {
  it('round-trips any period and root, within 80 data bytes (83 of script)', () => {
    fc.assert(
      fc.property(periodArb, fc.uint8Array({ minLength: 32, maxLength: 32 }), (period, root) => {
        const script = commitmentScript(period, root);
        const chunks = bscript.decompile(script);
        expect(chunks?.[0]).toBe(opcodes.OP_RETURN);
        expect((chunks?.[1] as Uint8Array).length).toBe(COMMITMENT_DATA_BYTES);
        expect(COMMITMENT_DATA_BYTES).toBeLessThanOrEqual(80);
        expect(script.length).toBeLessThanOrEqual(83);
        const { hex, txid } = committingTxHex(period, root);
        const found = committingTransaction(hex);
        expect(found).toEqual({ txid, commitment: { period, root: Uint8Array.from(root), vout: 1 } });
      }),
    );
  });

  it('is 45 bytes of script: OP_RETURN, a 43-byte push, "kbl1", the period, the root', () => {
    const script = commitmentScript('2026-11', new Uint8Array(32).fill(0xab));
    expect(toHex(script)).toBe(`6a2b${Buffer.from('kbl12026-11').toString('hex')}${'ab'.repeat(32)}`);
  });

  it('ignores other OP_RETURN outputs and finds the tagged one wherever it is', () => {
    const tx = new Transaction();
    tx.addInput(Buffer.alloc(32, 1), 0);
    tx.addOutput(bscript.compile([opcodes.OP_RETURN]), 0n);
    tx.addOutput(bscript.compile([opcodes.OP_RETURN, Buffer.from('kbl')]), 0n);
    tx.addOutput(commitmentScript('2030-02', new Uint8Array(32)), 0n);
    expect(findCommitment(tx)).toMatchObject({ period: '2030-02', vout: 2 });
  });

  it('refuses a root that is not 32 bytes and bytes that are not a transaction', () => {
    expect(thrownCode(() => commitmentScript('2026-11', new Uint8Array(31)))).toBe('commitment-invalid');
    expect(thrownCode(() => commitmentScript('2026-00', new Uint8Array(32)))).toBe('period-invalid');
    expect(thrownCode(() => parseRawTransaction('abc'))).toBe('transaction-invalid');
    expect(thrownCode(() => parseRawTransaction(`${committingTxHex('2026-11', new Uint8Array(32)).hex}00`))).toBe('transaction-invalid');
  });
});

describe('salts', () => {
  const secret = new Uint8Array(32).fill(9);

  it('are deterministic and differ with the period, the account, the scope and the secret', () => {
    const salts = [
      allocationSalt(secret, '2026-11', 'a'),
      allocationSalt(secret, '2026-12', 'a'),
      allocationSalt(secret, '2026-11', 'b'),
      reservesSalt(secret, '2026-11', 'a'),
      allocationSalt(new Uint8Array(32).fill(8), '2026-11', 'a'),
    ].map(toHex);
    expect(new Set(salts).size).toBe(salts.length);
    expect(toHex(allocationSalt(secret, '2026-11', 'a'))).toBe(salts[0]);
    expect(salts.every((salt) => salt.length === 64)).toBe(true);
  });

  it('refuse a secret shorter than 32 bytes', () => {
    expect(thrownCode(() => allocationSalt(new Uint8Array(31), '2026-11', 'a'))).toBe('config-invalid');
  });
});

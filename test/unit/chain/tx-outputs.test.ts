import { randomBytes } from 'node:crypto';
import { payments, Transaction } from 'bitcoinjs-lib';
import { outputScriptFor, p2pkhAddress } from '../../../src/chain/address';
import { chainProfile } from '../../../src/chain/profiles';
import { payoutVout, transactionOutputs } from '../../../src/chain/tx/tx-outputs';

const chain = chainProfile('dogecoin');

describe('transaction outputs from a raw transaction', () => {
  const alice = p2pkhAddress(chain, randomBytes(20));
  const bob = p2pkhAddress(chain, randomBytes(20));
  const tx = new Transaction();
  tx.version = 1;
  tx.addInput(new Uint8Array(32).fill(7), 0);
  tx.addOutput(payments.embed({ data: [new Uint8Array([1, 2, 3])] }).output as Uint8Array, 0n);
  tx.addOutput(outputScriptFor(chain, alice), 150_000_000n);
  tx.addOutput(outputScriptFor(chain, bob), 250_000_000n);
  const outputs = transactionOutputs(chain, tx.toHex());

  it('lists every output with its index, value and address (none for OP_RETURN)', () => {
    expect(outputs).toEqual([
      { vout: 0, value: 0n, address: undefined },
      { vout: 1, value: 150_000_000n, address: alice },
      { vout: 2, value: 250_000_000n, address: bob },
    ]);
  });

  it("finds a payout's vout by address and amount (a merged output may pay more)", () => {
    expect(payoutVout(outputs, bob, 250_000_000n)).toBe(2);
    expect(payoutVout(outputs, bob, 100_000_000n)).toBe(2);
    expect(payoutVout(outputs, bob, 250_000_001n)).toBeUndefined();
    expect(payoutVout(outputs, p2pkhAddress(chain, randomBytes(20)), 1n)).toBeUndefined();
  });

  it('refuses bytes that are not a transaction', () => {
    expect(() => transactionOutputs(chain, 'abcd')).toThrow(expect.objectContaining({ code: 'transaction-invalid' }) as Error);
  });
});

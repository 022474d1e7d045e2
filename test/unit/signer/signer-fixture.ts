import { Transaction } from 'bitcoinjs-lib';
import { outputScriptFor, p2pkhAddress, p2shAddress } from '../../../src/chain/address';
import { chainProfile, type ChainProfile } from '../../../src/chain/profiles';
import { buildSettlementTransactions, type BuildResult, type PaymentRequest, type SpendableOutput } from '../../../src/chain/tx/tx-builder';
import { AddressDeriver, parseAccountXpub } from '../../../src/keys/hd';
import { COIN } from '../../../src/money/amount';
import { createSigner, type Signer } from '../../../src/signer/hd-signer';
import { planSummaryOf, type PlanSummary } from '../../../src/signer/plan-summary';

// The BIP39 test mnemonic: public, guards nothing.
export const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

export interface Wallet { chain: ChainProfile; signer: Signer; deriver: AddressDeriver; account: ReturnType<typeof parseAccountXpub> }

export function wallet(name = 'dogecoin-regtest'): Wallet {
  const chain = chainProfile(name);
  const signer = createSigner(chain, { mnemonic: MNEMONIC });
  return { chain, signer, deriver: new AddressDeriver(chain, signer.accountXpub()), account: parseAccountXpub(chain, signer.accountXpub()) };
}

export function foreignAddress(chain: ChainProfile, i: number, p2sh = false): string {
  const hash = new Uint8Array(20).fill(0x40 + (i % 64));
  hash[0] = i & 0xff;
  return p2sh ? p2shAddress(chain, hash) : p2pkhAddress(chain, hash);
}

/** A previous transaction paying `amount` to `address` at `vout`, with a unique made-up input. */
export function previousTransaction(chain: ChainProfile, seed: number, address: string, amount: bigint, vout = 0): Transaction {
  const tx = new Transaction();
  tx.version = 1;
  const hash = new Uint8Array(32).fill(7);
  new DataView(hash.buffer).setUint32(0, seed);
  tx.addInput(hash, 0);
  for (let i = 0; i < vout; i++) tx.addOutput(outputScriptFor(chain, foreignAddress(chain, i)), COIN);
  tx.addOutput(outputScriptFor(chain, address), amount);
  return tx;
}

export interface Month {
  build: BuildResult;
  summary: PlanSummary;
  previous: Map<string, Uint8Array>;
  payments: PaymentRequest[];
  fee: PaymentRequest;
}

/** A month: deposits on receive and change keys, payouts (P2PKH and P2SH), the platform fee. */
export function month(w: Wallet, options: { payments?: PaymentRequest[]; deposits?: bigint[]; period?: string } = {}): Month {
  const { chain, deriver } = w;
  const deposits = options.deposits ?? [40n * COIN, 25n * COIN, 3n * COIN];
  const previous = new Map<string, Uint8Array>();
  const utxos: SpendableOutput[] = deposits.map((amount, i) => {
    const keyPath = { change: (i % 2) as 0 | 1, index: i };
    const address = keyPath.change === 1 ? deriver.changeAddress(i) : deriver.depositAddress(i);
    const prev = previousTransaction(chain, i + 1, address, amount, i % 3);
    previous.set(prev.getId(), prev.toBuffer());
    return { txid: prev.getId(), vout: i % 3, amount, address, keyPath };
  });
  const payments = options.payments ?? [
    { id: 'a', address: foreignAddress(chain, 1), amount: 30n * COIN },
    { id: 'b', address: foreignAddress(chain, 2, true), amount: 20n * COIN },
    { id: 'c', address: foreignAddress(chain, 1), amount: 5n * COIN },
  ];
  const fee = { id: 'fee', address: foreignAddress(chain, 9), amount: 2n * COIN };
  const build = buildSettlementTransactions({
    chain, payments, feePayingPayment: fee, utxos,
    changeSlot: (txIndex) => ({ address: deriver.changeAddress(100 + txIndex), keyPath: { change: 1, index: 100 + txIndex } }),
  });
  const summary = planSummaryOf({
    chain, period: options.period ?? '2026-11', payments,
    feePayment: { address: fee.address, amount: build.feePaymentPaid }, transactionCount: build.transactions.length,
  });
  return { build, summary, previous, payments, fee };
}

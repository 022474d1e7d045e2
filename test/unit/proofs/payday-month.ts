// A small settled month built with the real pure functions (planner, builder, signer, tree), and
// its payday snapshot: the fixture of the snapshot and replay unit tests.
import { randomBytes } from 'node:crypto';
import { p2pkhAddress } from '../../../src/chain/address';
import { chainProfile } from '../../../src/chain/profiles';
import { buildSettlementTransactions, type SpendableOutput } from '../../../src/chain/tx/tx-builder';
import { AddressDeriver } from '../../../src/keys/hd';
import { monthAllocations } from '../../../src/money/allocations';
import { COIN } from '../../../src/money/amount';
import { planSettlement, type PlanInput } from '../../../src/money/settlement-plan';
import { buildAllocationTree, donorCommitment } from '../../../src/proofs/allocation-tree';
import { commitmentScript } from '../../../src/proofs/commitment';
import { paydaySnapshotJson, type PaydaySnapshot } from '../../../src/proofs/payday-snapshot';
import { allocationSalt } from '../../../src/proofs/salts';
import { createSigner } from '../../../src/signer/hd-signer';
import { signSettlementTransaction } from '../../../src/signer/tx-signer';

export const CHAIN = chainProfile('bcoin-regtest');
export const PERIOD = '2026-11';
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const SECRET = new Uint8Array(32).fill(9);

const id = (n: number): string => n.toString(16).padStart(24, 'a');
const address = (n: number): string => p2pkhAddress(CHAIN, new Uint8Array(20).fill(n));

export const DONORS = { alice: id(1), bob: id(2), carol: id(3), dave: id(4) };
export const CREATORS = { one: id(11), two: id(12), unclaimed: id(13), dusty: id(14) };

/** The small month, or with `manyCreators` one more donor paying that many creators (several transactions). */
export function monthInput(manyCreators = 0): PlanInput {
  const many = Array.from({ length: manyCreators }, (_, i) => ({ id: id(100_000 + i), payoutAddress: p2pkhAddress(CHAIN, Buffer.from(id(100_000 + i).padStart(40, '0'), 'hex')), owedBefore: 0n }));
  const input = smallMonth();
  if (manyCreators === 0) return input;
  return {
    ...input,
    donors: [...input.donors, { id: id(5), monthlyBudget: 100n * COIN, balance: 100n * COIN, clickCreators: many.map((c) => c.id) }],
    creators: [...input.creators, ...many],
  };
}

function smallMonth(): PlanInput {
  return {
    period: PERIOD,
    serviceFeeBps: 1000,
    dustThreshold: CHAIN.dustThreshold,
    platformFeeBefore: 5_000_000n,
    feeAddress: address(99),
    donors: [
      { id: DONORS.alice, monthlyBudget: 10n * COIN, balance: 50n * COIN, clickCreators: [CREATORS.one, CREATORS.two, CREATORS.unclaimed] },
      { id: DONORS.bob, monthlyBudget: 6n * COIN, balance: 300_000_001n, clickCreators: [CREATORS.two, CREATORS.one] },
      { id: DONORS.carol, monthlyBudget: 2_000_000n, balance: COIN, clickCreators: [CREATORS.one, CREATORS.two, CREATORS.dusty] },
    ],
    creators: [
      { id: CREATORS.one, payoutAddress: address(1), owedBefore: 0n },
      { id: CREATORS.two, payoutAddress: address(2), owedBefore: 700_000n },
      { id: CREATORS.unclaimed, payoutAddress: null, owedBefore: 2n * COIN },
      { id: CREATORS.dusty, payoutAddress: address(4), owedBefore: 0n },
    ],
    expiring: [{ fromPeriod: '2026-05', donorId: DONORS.dave, creatorId: CREATORS.unclaimed, amount: COIN }],
  };
}

export interface Month {
  snapshot: PaydaySnapshot;
  /** The signed transactions' txids, in order. */
  txids: string[];
}

/** Plans, builds, signs and commits the month, then writes its snapshot (signed or only planned). */
export function settledMonth(options: { signed?: boolean; manyCreators?: number } = {}): Month {
  const input = monthInput(options.manyCreators);
  const plan = planSettlement(input);
  const signer = createSigner(CHAIN, { mnemonic: MNEMONIC });
  const deriver = new AddressDeriver(CHAIN, signer.accountXpub());
  const utxos: SpendableOutput[] = [
    { txid: 'c1'.repeat(32), vout: 0, amount: 20n * COIN, address: deriver.depositAddress(0), keyPath: { change: 0, index: 0 } },
    { txid: 'c2'.repeat(32), vout: 1, amount: 3n * COIN, address: deriver.depositAddress(1), keyPath: { change: 0, index: 1 } },
    ...(options.manyCreators === undefined ? [] : [60n, 50n].map((coins, i) => ({ txid: `d${i}`.repeat(32), vout: 0, amount: coins * COIN, address: deriver.depositAddress(2 + i), keyPath: { change: 0 as const, index: 2 + i } }))),
  ];
  const changeSlot = (txIndex: number) => ({ address: deriver.changeAddress(7 + txIndex), keyPath: { change: 1 as const, index: 7 + txIndex } });
  const salt = (donor: string) => allocationSalt(SECRET, PERIOD, donor);
  const tree = buildAllocationTree(PERIOD, monthAllocations(input).map((a) => ({ creator: a.creatorId, amount: a.amount, donor: { id: a.donorId, salt: salt(a.donorId) } })));
  const dataScript = Buffer.from(commitmentScript(PERIOD, tree.root)).toString('hex');
  const build = buildSettlementTransactions({ chain: CHAIN, payments: plan.payments, ...(plan.feePayment === null ? {} : { feePayingPayment: plan.feePayment }), utxos, changeSlot, dataOutput: { script: dataScript } });
  const signed = options.signed === false ? [] : build.transactions.map((tx, i) => signSettlementTransaction(CHAIN, tx, signer, i === 0 ? dataScript : undefined));
  const snapshot = paydaySnapshotJson({
    input,
    builder: { tip: 321, chain: CHAIN.name, feePerByte: CHAIN.fee.perByte, utxos, changeSlots: build.transactions.map((_, i) => changeSlot(i)) },
    plan,
    build,
    signed: signed.map((tx) => ({ txid: tx.txid, raw: tx.raw, blockHeight: 322 })),
    allocationRoot: tree.root,
    donorCommitment: (donor, creator) => donorCommitment(salt(donor), donor, creator),
    pseudonymKey: randomBytes(32),
  });
  return { snapshot, txids: signed.map((tx) => tx.txid) };
}

/** A deep copy to edit. */
export function copyOf<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Block, Transaction, payments, script as bscript } from 'bitcoinjs-lib';
import { addressFromOutputScript, p2pkhAddress, p2shAddress } from '../../../src/chain/address';
import { parseBlock, type ParsedBlock } from '../../../src/chain/block/block-parser';
import { matchBlock, type BlockMatches } from '../../../src/chain/block/block-matcher';
import { WatchIndex, type WatchOwner } from '../../../src/chain/block/watch-index';
import { CHAIN_PROFILES } from '../../../src/chain/profiles';

const profile = CHAIN_PROFILES['bcoin-regtest'];
const NULL_HASH = new Uint8Array(32);

interface OutputSpec {
  script: Uint8Array;
  value: bigint;
}
interface Outpoint {
  txid: string;
  vout: number;
}

const p2pkh = (hash: Uint8Array): Uint8Array => payments.p2pkh({ hash }).output as Uint8Array;
const p2sh = (hash: Uint8Array): Uint8Array => payments.p2sh({ hash }).output as Uint8Array;
const opReturn = (data: Uint8Array): Uint8Array => bscript.compile([bscript.OPS.OP_RETURN, data]);
const pay = (script: Uint8Array, value = 100_000_000n): OutputSpec => ({ script, value });

function coinbaseTx(outputs: readonly OutputSpec[], tag = 1): Transaction {
  const tx = new Transaction();
  tx.addInput(NULL_HASH, 0xffffffff, 0xffffffff, Uint8Array.from([1, tag]));
  outputs.forEach((o) => tx.addOutput(o.script, o.value));
  return tx;
}

function spendTx(inputs: readonly Outpoint[], outputs: readonly OutputSpec[]): Transaction {
  const tx = new Transaction();
  inputs.forEach((i) => tx.addInput(Buffer.from(i.txid, 'hex').reverse(), i.vout));
  outputs.forEach((o) => tx.addOutput(o.script, o.value));
  return tx;
}

/** Serialized with bitcoinjs-lib and read back with kibble's parser, as the scanner will. */
function blockOf(txs: Transaction[]): ParsedBlock {
  const block = new Block();
  block.version = 4;
  block.prevHash = randomBytes(32);
  block.timestamp = 1_700_000_000;
  block.bits = 0x207fffff;
  block.transactions = txs;
  block.merkleRoot = Block.calculateMerkleRoot(txs);
  return parseBlock(block.toBuffer(), { auxpow: false });
}

/** Somebody else's outpoint: a random txid. */
const foreign = (vout = 0): Outpoint => ({ txid: randomBytes(32).toString('hex'), vout });
const neverOurs = (): boolean => false;

describe('matchBlock', () => {
  const alice = randomBytes(20);
  const bob = randomBytes(20);
  const change = randomBytes(20);
  const multisig = randomBytes(20);
  const stranger = randomBytes(20);
  const watch = new WatchIndex(profile);
  watch.addHash('p2pkh', alice, { kind: 'deposit', accountId: 'alice', index: 0 });
  watch.addHash('p2pkh', bob, { kind: 'deposit', accountId: 'bob', index: 1 });
  watch.addHash('p2pkh', change, { kind: 'change', index: 0 });
  watch.addHash('p2sh', multisig, { kind: 'deposit', accountId: 'carol', index: 2 });
  const owner = (accountId: string): WatchOwner | undefined =>
    [alice, bob].map((h) => watch.lookup(p2pkh(h))).find((o) => o?.accountId === accountId);

  it('reports two deposits in one transaction, in output order, skipping the stranger', () => {
    const tx = spendTx([foreign()], [pay(p2pkh(bob), 5n), pay(p2pkh(stranger)), pay(p2pkh(alice), 7n)]);
    const block = blockOf([coinbaseTx([pay(p2pkh(stranger))]), tx]);
    expect(matchBlock(block, watch, neverOurs)).toEqual<BlockMatches>({
      received: [
        { txid: tx.getId(), vout: 0, value: 5n, owner: owner('bob') as WatchOwner, coinbase: false },
        { txid: tx.getId(), vout: 2, value: 7n, owner: owner('alice') as WatchOwner, coinbase: false },
      ],
      spent: [],
    });
  });

  it('tells a deposit from the service change in the same transaction', () => {
    const tx = spendTx([foreign()], [pay(p2pkh(change)), pay(p2pkh(alice))]);
    const { received } = matchBlock(blockOf([coinbaseTx([]), tx]), watch, neverOurs);
    expect(received.map((r) => [r.vout, r.owner.kind, r.owner.accountId])).toEqual([
      [0, 'change', undefined],
      [1, 'deposit', 'alice'],
    ]);
  });

  it('reports a spend of an outpoint the caller knows, with the spending input', () => {
    const known = foreign(3);
    const isOurs = jest.fn((txid: string, vout: number) => txid === known.txid && vout === known.vout);
    const tx = spendTx([foreign(), known], [pay(p2pkh(stranger))]);
    const { spent, received } = matchBlock(blockOf([coinbaseTx([]), tx]), watch, isOurs);
    expect(received).toEqual([]);
    expect(spent).toEqual([{ txid: known.txid, vout: 3, spentByTxid: tx.getId(), spentByInputIndex: 1 }]);
    // The coinbase's null prevout is never asked about.
    expect(isOurs.mock.calls.map(([txid]) => txid)).not.toContain('0'.repeat(64));
    expect(isOurs).toHaveBeenCalledTimes(2);
  });

  it('reports an output received and spent in the same block in both lists', () => {
    const deposit = spendTx([foreign()], [pay(p2pkh(stranger)), pay(p2pkh(alice), 9n)]);
    const sweep = spendTx([foreign(), { txid: deposit.getId(), vout: 1 }], [pay(p2pkh(change), 8n)]);
    const { received, spent } = matchBlock(blockOf([coinbaseTx([]), deposit, sweep]), watch, neverOurs);
    expect(received.map((r) => [r.txid, r.vout, r.value])).toEqual([
      [deposit.getId(), 1, 9n],
      [sweep.getId(), 0, 8n],
    ]);
    expect(spent).toEqual([{ txid: deposit.getId(), vout: 1, spentByTxid: sweep.getId(), spentByInputIndex: 1 }]);
  });

  it('reports such a spend once when the caller also knows the outpoint (a rescan)', () => {
    const deposit = spendTx([foreign()], [pay(p2pkh(alice))]);
    const sweep = spendTx([{ txid: deposit.getId(), vout: 0 }], [pay(p2pkh(stranger))]);
    const { spent } = matchBlock(blockOf([coinbaseTx([]), deposit, sweep]), watch, () => true);
    expect(spent.filter((s) => s.txid === deposit.getId())).toHaveLength(1);
  });

  it('does not take a different vout of a transaction that paid us for ours', () => {
    const deposit = spendTx([foreign()], [pay(p2pkh(alice)), pay(p2pkh(stranger))]);
    const other = spendTx([{ txid: deposit.getId(), vout: 1 }], [pay(p2pkh(stranger))]);
    expect(matchBlock(blockOf([coinbaseTx([]), deposit, other]), watch, neverOurs).spent).toEqual([]);
  });

  it('matches watched P2SH and ignores OP_RETURN, P2PK, bare multisig and P2SH of a P2PKH hash', () => {
    const pubkey = Buffer.concat([Buffer.from([2]), randomBytes(32)]);
    const tx = spendTx(
      [foreign()],
      [
        pay(opReturn(alice), 0n),
        pay(bscript.compile([pubkey, bscript.OPS.OP_CHECKSIG])),
        pay(bscript.compile([bscript.OPS.OP_1, pubkey, bscript.OPS.OP_1, bscript.OPS.OP_CHECKMULTISIG])),
        pay(p2sh(alice)),
        pay(p2sh(multisig), 42n),
      ],
    );
    const { received } = matchBlock(blockOf([coinbaseTx([]), tx]), watch, neverOurs);
    expect(received.map((r) => [r.vout, r.value, r.owner.accountId])).toEqual([[4, 42n, 'carol']]);
    expect(received[0]?.owner.address).toBe(p2shAddress(profile, multisig));
  });

  it('reports a coinbase paying a watched address, flagged for maturity', () => {
    const coinbase = coinbaseTx([pay(p2pkh(change), 50n), pay(opReturn(randomBytes(36)), 0n)]);
    const { received, spent } = matchBlock(blockOf([coinbase]), watch, () => true);
    expect(received).toEqual([
      { txid: coinbase.getId(), vout: 0, value: 50n, owner: watch.lookup(p2pkh(change)), coinbase: true },
    ]);
    expect(spent).toEqual([]);
  });

  it('keeps block order across transactions in both lists', () => {
    const known = [foreign(0), foreign(1), foreign(2)];
    const keys = new Set(known.map((k) => `${k.txid}:${k.vout}`));
    const isOurs = (txid: string, vout: number): boolean => keys.has(`${txid}:${vout}`);
    const t1 = spendTx([known[2] as Outpoint], [pay(p2pkh(bob))]);
    const t2 = spendTx([known[0] as Outpoint, foreign(), known[1] as Outpoint], [pay(p2pkh(alice)), pay(p2pkh(bob))]);
    const coinbase = coinbaseTx([pay(p2pkh(alice))]);
    const matches = matchBlock(blockOf([coinbase, t1, t2]), watch, isOurs);
    expect(matches.received.map((r) => `${r.txid}:${r.vout}`)).toEqual(
      [`${coinbase.getId()}:0`, `${t1.getId()}:0`, `${t2.getId()}:0`, `${t2.getId()}:1`],
    );
    expect(matches.spent.map((s) => [s.spentByTxid, s.spentByInputIndex, s.vout])).toEqual([
      [t1.getId(), 0, 2],
      [t2.getId(), 0, 0],
      [t2.getId(), 2, 1],
    ]);
  });
});

describe('matchBlock against 100,000 watched addresses', () => {
  it('finds exactly the planted deposits among many strangers', () => {
    const pool = randomBytes(100_000 * 20);
    const hashes = Array.from({ length: 100_000 }, (_, i) => pool.subarray(i * 20, i * 20 + 20));
    const watch = new WatchIndex(profile);
    hashes.forEach((hash, i) => watch.addHash('p2pkh', hash, { kind: 'deposit', accountId: `a${i}`, index: i }));
    const planted = [17, 99_999, 50_000, 0];
    const txs = [coinbaseTx([pay(p2pkh(randomBytes(20)))])];
    for (let t = 0; t < 40; t++) {
      const outputs = Array.from({ length: 3 }, () => pay(p2pkh(randomBytes(20))));
      if (t % 10 === 0) outputs[1] = pay(p2pkh(hashes[planted[t / 10] as number] as Uint8Array));
      txs.push(spendTx([foreign()], outputs));
    }
    const { received } = matchBlock(blockOf(txs), watch, neverOurs);
    expect(received.map((r) => [r.vout, r.owner.index])).toEqual(planted.map((i) => [1, i]));
  });
});

describe('matchBlock: property', () => {
  type Kind = 'p2pkh' | 'p2sh';
  const hashArb = fc.uint8Array({ minLength: 20, maxLength: 20 });
  const scriptArb = (hashes: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> =>
    fc.oneof(
      fc.tuple(fc.constantFrom<Kind>('p2pkh', 'p2sh'), fc.constantFrom(...hashes)).map(([k, h]) => (k === 'p2pkh' ? p2pkh(h) : p2sh(h))),
      hashArb.map(p2pkh),
      fc.constantFrom(...hashes).map(opReturn),
      fc.constantFrom(...hashes).map((h) => Uint8Array.from([...p2pkh(h), 0x00])),
      fc.uint8Array({ maxLength: 30 }),
    );
  const caseArb = fc
    .uniqueArray(fc.tuple(fc.constantFrom<Kind>('p2pkh', 'p2sh'), hashArb), {
      minLength: 1,
      maxLength: 8,
      selector: ([kind, hash]) => `${kind}:${Buffer.from(hash).toString('hex')}`,
    })
    .chain((watched) =>
      fc.record({
        watched: fc.constant(watched),
        coinbase: fc.array(scriptArb(watched.map(([, h]) => h)), { maxLength: 3 }),
        txs: fc.array(fc.array(scriptArb(watched.map(([, h]) => h)), { minLength: 1, maxLength: 5 }), { maxLength: 6 }),
      }),
    );

  it('reports every output paying a watched hash exactly once, and nothing else', () => {
    fc.assert(
      fc.property(caseArb, ({ watched, coinbase, txs }) => {
        const watch = new WatchIndex(profile);
        watched.forEach(([kind, hash], i) => watch.addHash(kind, hash, { kind: 'deposit', index: i }));
        const addresses = new Set(watched.map(([k, h]) => (k === 'p2pkh' ? p2pkhAddress(profile, h) : p2shAddress(profile, h))));
        const built = [
          coinbaseTx(coinbase.map((s) => pay(s))),
          ...txs.map((scripts) => spendTx([foreign()], scripts.map((s) => pay(s)))),
        ];
        // The oracle: address.ts's own script decoding, independent of the index.
        const expected = built.flatMap((tx, t) =>
          tx.outs.flatMap((out, vout) => {
            const address = addressFromOutputScript(profile, out.script);
            return address !== undefined && addresses.has(address) ? [[tx.getId(), vout, address, t === 0]] : [];
          }),
        );
        const { received, spent } = matchBlock(blockOf(built), watch, neverOurs);
        expect(received.map((r) => [r.txid, r.vout, r.owner.address, r.coinbase])).toEqual(expected);
        expect(spent).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

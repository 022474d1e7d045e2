import { outputScriptFor } from '../../../src/chain/address';
import { parseBlock, type ParsedBlock } from '../../../src/chain/block/block-parser';
import { JsonRpcChainClient } from '../../../src/node/rpc-client';
import { RegtestFaucet, TransactionNotAcceptedError, randomP2pkhKey } from '../../support/faucet';
import { describeEachNode, useRegtestNode } from '../../support/regtest';

const COIN = 100_000_000n;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describeEachNode('RegtestFaucet', (kind) => {
  const node = useRegtestNode(kind);
  const profile = node.chain;
  /** Regtest block subsidy before the first halving: bcoin 50, Dogecoin 500,000. */
  const subsidy = kind === 'bcoin' ? 50n * COIN : 500_000n * COIN;
  /** Maturity + 10 blocks leave 11 mature coinbase outputs on either node (maturity 100 / 60). */
  const prepared = profile.coinbaseMaturity + 10;
  let client: JsonRpcChainClient;
  let faucet: RegtestFaucet;

  const fetchBlock = async (hash: string): Promise<ParsedBlock> =>
    parseBlock(await client.getRawBlock(hash), { auxpow: false });

  beforeAll(async () => {
    client = new JsonRpcChainClient(node.rpcUrl);
    faucet = new RegtestFaucet(client, profile, { acceptTimeoutMs: 2_000 });
  });

  it('prepares maturity + 10 blocks, of which 11 coinbase outputs are mature', async () => {
    const hashes = await faucet.prepare(prepared);
    expect(hashes).toHaveLength(prepared);
    expect(await client.getBlockCount()).toBe(prepared);
    expect(faucet.height).toBe(prepared);
    // heights 1..11 are mature for a transaction going into the next block
    const immature = BigInt(prepared - 11) * subsidy;
    expect(faucet.balance()).toEqual({ spendable: 11n * subsidy, immature, unconfirmed: 0n });
  });

  it('pays two fresh addresses in one transaction that a mined block then carries', async () => {
    const first = randomP2pkhKey(profile);
    const second = randomP2pkhKey(profile);
    const payment = await faucet.pay([
      { address: first.address, amount: 3n * COIN },
      { address: second.address, amount: 12_345_678n },
    ]);
    expect(payment.vouts).toEqual([0, 1]);
    expect(await client.getRawMempool()).toEqual([payment.txid]);

    const [hash] = await faucet.mine(1);
    const block = await fetchBlock(hash as string);
    expect(block.transactions).toHaveLength(2);
    const tx = block.transactions.find((candidate) => candidate.txid === payment.txid);
    expect(tx).toBeDefined();
    const outputs = tx?.outputs.map((output) => ({ script: hex(output.script), value: output.value }));
    expect(outputs?.[0]).toEqual({ script: hex(outputScriptFor(profile, first.address)), value: 3n * COIN });
    expect(outputs?.[1]).toEqual({ script: hex(outputScriptFor(profile, second.address)), value: 12_345_678n });
    // the change returns to the faucet: the subsidy minus the payments and 1,000 koinu/byte on 1 input, 3 outputs
    const fee = 1_000n * BigInt(10 + 148 + 3 * 34);
    expect(outputs?.[2]).toEqual({ script: hex(faucet.script), value: subsidy - 3n * COIN - 12_345_678n - fee });
    expect(await client.getRawMempool()).toEqual([]);

    const out = await client.getTxOut(payment.txid, 1);
    expect(out).toMatchObject({ value: 12_345_678n, confirmations: 1, coinbase: false });
  });

  it('allows two outputs to the same address', async () => {
    const target = randomP2pkhKey(profile);
    const payment = await faucet.pay([
      { address: target.address, amount: COIN },
      { address: target.address, amount: 2n * COIN },
    ]);
    const [hash] = await faucet.mine();
    const tx = (await fetchBlock(hash as string)).transactions.find((candidate) => candidate.txid === payment.txid);
    const script = hex(target.script);
    expect(tx?.outputs.filter((output) => hex(output.script) === script).map((output) => output.value)).toEqual([
      COIN,
      2n * COIN,
    ]);
  });

  it('sends 20 transactions in a row, spending unconfirmed change, and mines them in one block', async () => {
    const txids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { address } = randomP2pkhKey(profile);
      txids.push((await faucet.pay([{ address, amount: COIN + BigInt(i) }])).txid);
    }
    expect(new Set(await client.getRawMempool())).toEqual(new Set(txids));
    expect(faucet.balance().unconfirmed).toBeGreaterThan(0n);

    const [hash] = await faucet.mine();
    const block = await fetchBlock(hash as string);
    const inBlock = block.transactions.filter((tx) => !tx.coinbase);
    expect(new Set(inBlock.map((tx) => tx.txid))).toEqual(new Set(txids));
    // the mature coinbase outputs run out after a dozen payments: the rest spend earlier change
    const chained = inBlock.filter((tx) => tx.inputs.some((input) => txids.includes(input.prevTxid)));
    expect(chained.length).toBeGreaterThan(0);
    expect(await client.getRawMempool()).toEqual([]);
    expect(faucet.balance().unconfirmed).toBe(0n);
  });

  it('builds a chain of unconfirmed transactions up to the ancestor limit', async () => {
    // a fresh faucet whose only mature coin is one coinbase: every payment spends the last change
    const chainFaucet = new RegtestFaucet(client, profile, { acceptTimeoutMs: 2_000 });
    await chainFaucet.mine(1);
    await chainFaucet.mine(profile.coinbaseMaturity - 1, faucet.address);
    expect(chainFaucet.balance().spendable).toBe(subsidy);
    await faucet.sync();

    const { address } = randomP2pkhKey(profile);
    // 25 in a row: the last one has 24 unconfirmed ancestors, as many as bcoin and Core accept
    for (let i = 0; i < 25; i++) await chainFaucet.pay([{ address, amount: COIN / 10n }]);
    expect(await client.getRawMempool()).toHaveLength(25);
    await expect(chainFaucet.pay([{ address, amount: COIN / 10n }])).rejects.toThrow(/ancestor limit.*mine more/);
    await chainFaucet.mine();
    await chainFaucet.pay([{ address, amount: COIN / 10n }]);
    await faucet.mine();
  });

  it('spends outputs of another key and detects a double spend as not accepted', async () => {
    const service = randomP2pkhKey(profile);
    const payment = await faucet.pay([{ address: service.address, amount: 5n * COIN }]);
    const outpoint = { txid: payment.txid, vout: payment.vouts[0] as number, value: 5n * COIN };

    const sweep = await faucet.spendFrom(service.keyPair, [outpoint], randomP2pkhKey(profile).address);
    expect(await client.getRawMempool()).toEqual(expect.arrayContaining([payment.txid, sweep]));

    // conflicts with `sweep` in the mempool (no replace-by-fee by default on either node)
    const again = faucet.spendFrom(service.keyPair, [outpoint], randomP2pkhKey(profile).address);
    await expect(again).rejects.toThrow(TransactionNotAcceptedError);
    await expect(again).rejects.toThrow(/did not appear in the node's mempool/);

    // spent in a block: bcoin treats the transaction as an orphan, which is not in the mempool either;
    // dogecoind answers "Missing inputs"
    await faucet.mine();
    await expect(
      faucet.spendFrom(service.keyPair, [outpoint], randomP2pkhKey(profile).address),
    ).rejects.toThrow(TransactionNotAcceptedError);

    // a refused transaction leaves the faucet's own bookkeeping intact
    const { address } = randomP2pkhKey(profile);
    await faucet.pay([{ address, amount: COIN }]);
  });

  it('returns funds sent to its own address', async () => {
    const service = randomP2pkhKey(profile);
    const payment = await faucet.pay([{ address: service.address, amount: 7n * COIN }]);
    const before = faucet.balance();
    const fee = 1_000n * BigInt(10 + 148 + 34);
    await faucet.spendFrom(service.keyPair, [{ txid: payment.txid, vout: 0, value: 7n * COIN }], faucet.address);
    expect(faucet.balance()).toMatchObject({
      spendable: before.spendable + 7n * COIN - fee,
      unconfirmed: before.unconfirmed + 7n * COIN - fee,
    });
    await faucet.mine();
    expect(faucet.balance().unconfirmed).toBe(0n);
  });

  it('follows invalidateblock, which rewinds the chain (bcoin empties the mempool, dogecoind refills it)', async () => {
    const first = await faucet.pay([{ address: randomP2pkhKey(profile).address, amount: COIN }]);
    const height = faucet.height;
    const [hash] = await faucet.mine();
    const pending = await faucet.pay([{ address: randomP2pkhKey(profile).address, amount: COIN }]);
    await client.invalidateBlock(hash as string);
    await faucet.sync();
    expect(await client.getBlockCount()).toBe(height);
    expect(faucet.height).toBe(height);
    if (kind === 'bcoin') {
      // bcoin resets its mempool on a chain reset: neither transaction comes back by itself
      expect(await client.getRawMempool()).toEqual([]);
      expect(await client.getTxOut(first.txid, 0)).toBeNull();
      expect(faucet.balance().unconfirmed).toBe(0n);
    } else {
      // dogecoind returns the orphaned block's transactions to its mempool, beside the pending one
      expect(new Set(await client.getRawMempool())).toEqual(new Set([first.txid, pending.txid]));
      expect(await client.getTxOut(first.txid, 0)).toMatchObject({ confirmations: 0 });
      expect(faucet.balance().unconfirmed).toBeGreaterThan(0n);
    }

    // rebroadcast through the faucet so that it tracks them again; further payments still work
    await faucet.broadcast(first.hex);
    await faucet.broadcast(pending.hex);
    for (let i = 0; i < 10; i++) await faucet.pay([{ address: randomP2pkhKey(profile).address, amount: COIN }]);
    const [next] = await faucet.mine();
    const txids = (await fetchBlock(next as string)).transactions.map((tx) => tx.txid);
    expect(txids).toHaveLength(13);
    expect(txids).toEqual(expect.arrayContaining([first.txid, pending.txid]));
    expect(faucet.balance().unconfirmed).toBe(0n);
  });
});

import { createHash } from 'node:crypto';
import { p2pkhAddress } from '../../../src/chain/address';
import { parseBlock } from '../../../src/chain/block/block-parser';
import { JsonRpcChainClient } from '../../../src/node/rpc-client';
import { RegtestFaucet, TransactionNotAcceptedError, randomP2pkhKey } from '../../support/faucet';
import { describeEachNode, describeOnDogecoind, missingAtPeer, useRegtestNode, type NodeKind } from '../../support/regtest';

const PUBKEY_HASH = Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff00112233', 'hex'));
const P2PKH_SCRIPT = `76a914${Buffer.from(PUBKEY_HASH).toString('hex')}88ac`;
const COIN = 100_000_000n;

/** What each node's regtest pays a block before the first halving, and its P2PKH version byte. */
const FACTS: Record<NodeKind, { subsidy: bigint; pubKeyHash: number }> = {
  bcoin: { subsidy: 50n * COIN, pubKeyHash: 0x3c },
  dogecoind: { subsidy: 500_000n * COIN, pubKeyHash: 0x6f },
};

function sha256d(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();
}

describeEachNode('regtest node', (kind) => {
  const node = useRegtestNode(kind);
  const address = p2pkhAddress(node.chain, PUBKEY_HASH);

  it('starts on regtest with an empty chain', async () => {
    const info = await node.rpc<{ chain: string; blocks: number }>('getblockchaininfo');
    expect(info).toMatchObject({ chain: 'regtest', blocks: 0 });
  });

  it(`mines to a ${node.chain.name} P2PKH address (version byte 0x${FACTS[kind].pubKeyHash.toString(16)})`, async () => {
    expect(node.chain.network.pubKeyHash).toBe(FACTS[kind].pubKeyHash);
    const hashes = await node.rpc<string[]>('generatetoaddress', [3, address]);
    expect(hashes).toHaveLength(3);
    expect(await node.rpc<number>('getblockcount')).toBe(3);
    expect(await node.rpc<string>('getblockhash', [3])).toBe(hashes[2]);
  });

  it('serves raw blocks that parseBlock decodes', async () => {
    const hash = await node.rpc<string>('getblockhash', [2]);
    const previous = await node.rpc<string>('getblockhash', [1]);
    const rawHex = await node.rpc<string>('getblock', [hash, false]);
    const raw = Uint8Array.from(Buffer.from(rawHex, 'hex'));

    // independent of the parser: the block hash is double-SHA256 of the 80-byte header, reversed
    expect(sha256d(raw.subarray(0, 80)).reverse().toString('hex')).toBe(hash);

    const block = parseBlock(raw, { auxpow: node.chain.auxpow });
    expect(block).toMatchObject({ hash, prevHash: previous, auxpow: false, auxpowBytes: 0 });
    expect(block.transactions).toHaveLength(1);
    const coinbase = block.transactions[0];
    expect(coinbase?.coinbase).toBe(true);
    const payout = coinbase?.outputs.find((output) => Buffer.from(output.script).toString('hex') === P2PKH_SCRIPT);
    expect(payout?.value).toBe(FACTS[kind].subsidy);
  });

  it("counts re-sending a transaction the node has (mempool, then block) as sent, with the node's real answers", async () => {
    const client = new JsonRpcChainClient(node.rpcUrl);
    const faucet = new RegtestFaucet(client, node.chain);
    await faucet.prepare(node.chain.coinbaseMaturity + 1);
    const payment = await faucet.pay([{ address: randomP2pkhKey(node.chain).address, amount: 2n * COIN }]);
    await expect(client.sendRawTransaction(payment.hex, { txid: payment.txid })).resolves.toBe(payment.txid);
    await faucet.mine(1);
    expect(await client.getRawMempool()).toEqual([]);
    // dogecoind: -27 "transaction already in block chain" (while one of its outputs is unspent)
    await expect(client.sendRawTransaction(payment.hex)).resolves.toBe(payment.txid);
  });
});

describeOnDogecoind('dogecoind with a policy peer', () => {
  const node = useRegtestNode('dogecoind', { policyPeer: true });

  it('runs the mainnet relay policy on both nodes', async () => {
    for (const endpoint of [node, node.peer]) {
      const info = await endpoint?.rpc<{ relayfee: number; connections: number }>('getnetworkinfo');
      expect(info).toMatchObject({ relayfee: 0.001, connections: 1 });
    }
  });

  it('relays a transaction at the policy fee to the peer, and not one below the relay fee', async () => {
    const client = new JsonRpcChainClient(node.rpcUrl);
    const faucet = new RegtestFaucet(client, node.chain);
    await faucet.prepare(62);
    // The node itself takes a transaction below the relay fee (v1.14.1's sendrawtransaction does
    // not check it); only the peer refuses it. Sent first, so that it would be announced no later
    // than the good one if it relayed.
    const cheap = await faucet.pay([{ address: randomP2pkhKey(node.chain).address, amount: 5n * COIN }], { feePerByte: 50n });
    const good = await faucet.pay([{ address: randomP2pkhKey(node.chain).address, amount: 5n * COIN }]);
    expect(await client.getRawMempool()).toEqual(expect.arrayContaining([cheap.txid, good.txid]));
    expect(await missingAtPeer(node, [good.txid])).toEqual([]);
    expect(await missingAtPeer(node, [cheap.txid], 2_000)).toEqual([cheap.txid]);
  });

  it('answers a refused transaction with its reason, which the faucet reports', async () => {
    const client = new JsonRpcChainClient(node.rpcUrl);
    const faucet = new RegtestFaucet(client, node.chain);
    await faucet.mine(61);
    const service = randomP2pkhKey(node.chain);
    const payment = await faucet.pay([{ address: service.address, amount: 5n * COIN }]);
    const outpoint = { txid: payment.txid, vout: payment.vouts[0] as number, value: 5n * COIN };
    await faucet.spendFrom(service.keyPair, [outpoint], faucet.address);
    const doubleSpend = faucet.spendFrom(service.keyPair, [outpoint], randomP2pkhKey(node.chain).address);
    await expect(doubleSpend).rejects.toThrow(TransactionNotAcceptedError);
    await expect(doubleSpend).rejects.toThrow(/txn-mempool-conflict/);
  });
});

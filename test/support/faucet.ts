// Test helper that funds addresses on the real regtest node (test/support/regtest.ts):
//   faucet = new RegtestFaucet(new JsonRpcChainClient(node.rpcUrl)); await faucet.prepare();
//   const { txid, vouts } = await faucet.pay([{ address, amount: 5n * COIN }]); await faucet.mine();
// It owns a random key, mines to its own P2PKH address and tracks its coins by scanning every block
// plus its own transactions still in the mempool; a reorg triggers a full rescan. On bcoin,
// invalidateblock rewinds the chain AND empties the whole mempool: rebroadcast with broadcast(hex).
// The code lives in scripts/regtest/faucet.ts so that scripts (npm run demo, benchmarks) use it too.
export * from '../../scripts/regtest/faucet';

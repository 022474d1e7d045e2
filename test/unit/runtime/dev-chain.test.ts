import { chainProfile, CHAIN_NAMES } from '../../../src/chain/profiles';
import { outputScriptFor } from '../../../src/chain/address';
import type { ParsedTx } from '../../../src/chain/block/block-parser';
import { createLogger } from '../../../src/log';
import { COIN } from '../../../src/money/amount';
import { AddressDeriver } from '../../../src/keys/hd';
import { createSigner } from '../../../src/signer/hd-signer';
import { assertDevChain, devChainRefusal } from '../../../src/runtime/embedded/dev-chain-guard';
import { buildFaucetTransaction } from '../../../src/runtime/embedded/dev-faucet';
import { FaucetCoins, type FaucetCoin } from '../../../src/runtime/embedded/faucet-coins';
import { startRegtestMiner } from '../../../src/runtime/embedded/regtest-miner';

const chain = chainProfile('bcoin-regtest');
const deriver = new AddressDeriver(chain, createSigner(chain, { mnemonic: 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about' }).accountXpub());
const faucetAddress = deriver.depositAddress(0);
const donorAddress = deriver.depositAddress(1);

describe('the dev chain guard: mining and test coins only on the embedded regtest node', () => {
  it.each([
    ['bcoin-regtest', true, undefined],
    ['dogecoin-regtest', true, undefined],
    ['bcoin-regtest', false, /not the embedded one/],
    ['dogecoin-regtest', false, /not the embedded one/],
    ['dogecoin', true, /CHAIN=dogecoin is not a regtest chain/],
    ['dogecoin-testnet', true, /not a regtest chain/],
    ['litecoin', false, /not a regtest chain/],
  ] as const)('%s, embedded node %s', (name, embeddedNode, refusal) => {
    const answer = devChainRefusal({ chain: { name }, embeddedNode });
    if (refusal === undefined) expect(answer).toBeUndefined();
    else expect(answer).toMatch(refusal);
  });

  it('refuses every non-regtest profile, embedded or not', () => {
    for (const name of CHAIN_NAMES.filter((n) => !n.endsWith('regtest'))) {
      expect(() => assertDevChain({ chain: { name }, embeddedNode: true }, 'mining')).toThrow(expect.objectContaining({ code: 'dev-chain-only' }));
    }
  });

  it('the miner refuses to start on a real chain or a node kibble did not start, and mines nothing', async () => {
    const mineBlock = jest.fn(() => Promise.resolve());
    const log = createLogger('silent');
    expect(() => startRegtestMiner({ chain: chainProfile('dogecoin'), embeddedNode: true }, { intervalSeconds: 1, mineBlock, log })).toThrow(
      expect.objectContaining({ code: 'dev-chain-only', message: 'mining blocks refused: CHAIN=dogecoin is not a regtest chain' }),
    );
    expect(() => startRegtestMiner({ chain, embeddedNode: false }, { intervalSeconds: 1, mineBlock, log })).toThrow(expect.objectContaining({ code: 'dev-chain-only' }));
    const miner = startRegtestMiner({ chain, embeddedNode: true }, { intervalSeconds: 1, mineBlock, log });
    await miner.stop();
    // The first block at once, then every interval: stopped before the second.
    expect(mineBlock).toHaveBeenCalledTimes(1);
  });
});

describe('the faucet transaction', () => {
  const coin = (amount: bigint, n: number): FaucetCoin => ({ txid: n.toString(16).padStart(64, '0'), vout: 0, amount, height: 1, coinbase: true });

  it('pays the amount, change back to the faucet, the fee at the chain rate on the worst-case size', () => {
    const tx = buildFaucetTransaction(chain, [coin(50n * COIN, 1), coin(50n * COIN, 2)], faucetAddress, donorAddress, 25n * COIN);
    expect(tx.inputs).toHaveLength(1);
    expect(tx.outputs.map((o) => [o.address, o.amount])).toEqual([
      [donorAddress, 25n * COIN],
      [faucetAddress, 25n * COIN - tx.fee],
    ]);
    expect(tx.fee).toBe(BigInt(tx.worstCaseBytes) * chain.fee.perByte);
    expect(tx.worstCaseBytes).toBe(10 + 148 + 2 * 34);
  });

  it('takes as many coins as the amount needs, and change below dust goes to the fee', () => {
    const tx = buildFaucetTransaction(chain, [coin(50n * COIN, 1), coin(50n * COIN, 2)], faucetAddress, donorAddress, 60n * COIN);
    expect(tx.inputs).toHaveLength(2);
    const exact = 50n * COIN - BigInt(10 + 148 + 34) * chain.fee.perByte;
    const noChange = buildFaucetTransaction(chain, [coin(50n * COIN, 1)], faucetAddress, donorAddress, exact);
    expect(noChange.outputs).toHaveLength(1);
    expect(noChange.fee).toBe(50n * COIN - exact);
  });

  it('refuses dust and more than the coins hold', () => {
    expect(() => buildFaucetTransaction(chain, [coin(COIN, 1)], faucetAddress, donorAddress, chain.dustThreshold - 1n)).toThrow(expect.objectContaining({ code: 'amount-invalid' }));
    expect(() => buildFaucetTransaction(chain, [coin(COIN, 1)], faucetAddress, donorAddress, COIN)).toThrow(expect.objectContaining({ code: 'insufficient-funds' }));
    expect(() => buildFaucetTransaction(chain, [], faucetAddress, donorAddress, COIN)).toThrow(expect.objectContaining({ code: 'insufficient-funds' }));
  });
});

describe("the faucet's coins", () => {
  const script = outputScriptFor(chain, faucetAddress);
  const other = outputScriptFor(chain, donorAddress);
  const hash = (n: number): string => n.toString(16).padStart(64, '0');
  const coinbase = (height: number, to: Uint8Array = script): ParsedTx => ({ txid: hash(1000 + height), inputs: [{ prevTxid: '0'.repeat(64), prevVout: 0xffffffff, sequence: 0 }], outputs: [{ value: 50n * COIN, script: to }], coinbase: true });
  const mine = (coins: FaucetCoins, from: number, to: number, txs: (height: number) => ParsedTx[] = (h) => [coinbase(h)]): void => {
    for (let height = from; height <= to; height++) expect(coins.applyBlock(height, hash(height), height === 0 ? '0'.repeat(64) : hash(height - 1), txs(height))).toBe(true);
  };

  it('counts coinbase outputs once mature, for the next block', () => {
    const coins = new FaucetCoins(script, 100);
    mine(coins, 0, 109);
    // Next block 110: coinbases of heights 0..10 have 100 confirmations by then.
    expect(coins.spendable()).toHaveLength(11);
    expect(coins.immature()).toBe(99n * 50n * COIN);
  });

  it('a pending payment hides the coins it spends and offers its change; a block confirms it', () => {
    const coins = new FaucetCoins(script, 1);
    mine(coins, 0, 3);
    const [first] = coins.spendable();
    if (first === undefined) throw new Error('no coin');
    const payment = { txid: hash(7777), inputs: [{ prevTxid: first.txid, prevVout: first.vout, sequence: 0 }], outputs: [{ value: 10n * COIN, script: other }, { value: 39n * COIN, script }], coinbase: false } as ParsedTx;
    coins.addPending(payment);
    expect(coins.spendable().map((c) => c.txid)).not.toContain(first.txid);
    expect(coins.spendable().at(-1)).toMatchObject({ txid: hash(7777), vout: 1, height: null });
    mine(coins, 4, 4, (h) => [coinbase(h, other), payment]);
    expect(coins.spendable().find((c) => c.txid === hash(7777))).toMatchObject({ height: 4 });
    expect(coins.applyBlock(6, hash(6), hash(5), [])).toBe(false);
    expect(coins.applyBlock(5, hash(5), hash(99), [])).toBe(false);
  });

  it('forgets pending transactions the node dropped, and restores from its state', () => {
    const coins = new FaucetCoins(script, 1);
    mine(coins, 0, 2);
    coins.addPending({ txid: hash(5), inputs: [{ prevTxid: hash(1001), prevVout: 0, sequence: 0 }], outputs: [], coinbase: false });
    // Maturity 1: the coinbases of blocks 0, 1 and 2 can all go in block 3; the pending one spends one.
    expect(coins.spendable()).toHaveLength(2);
    coins.keepPendingOnly(new Set());
    expect(coins.spendable()).toHaveLength(3);
    const restored = new FaucetCoins(script, 1, coins.state());
    expect(restored.spendable()).toEqual(coins.spendable());
    expect(restored.height).toBe(2);
  });
});

// One merge-mined block on the real Dogecoin Core: built by test/support/auxpow-block.ts, accepted by
// dogecoind's consensus rules (submitblock), parsed by kibble's block parser, and its deposit
// recorded and credited by the real deposit scanner.
import { outputScriptFor } from '../../../src/chain/address';
import { parseBlock } from '../../../src/chain/block/block-parser';
import { AddressDeriver } from '../../../src/keys/hd';
import { createSigner } from '../../../src/signer/hd-signer';
import { JsonRpcChainClient } from '../../../src/node/rpc-client';
import { AccountModel } from '../../../src/db/account';
import { DepositModel, depositKey } from '../../../src/db/deposit';
import { createLogger } from '../../../src/log';
import { COIN } from '../../../src/money/amount';
import { donorAccount } from '../../../src/money/ledger';
import { allocateDepositAddress } from '../../../src/services/accounts/deposit-address';
import { DepositScanner } from '../../../src/services/wallet-watch/scanner';
import { accountBalance } from '../../../src/services/ledger/balances';
import { AUXPOW_VERSION_FLAG, buildAuxPowBlock, DOGECOIN_CHAIN_ID, type AuxPowBlockSpec } from '../../support/auxpow-block';
import { auditChain } from '../../support/chain-audit';
import { useTestDatabase } from '../../support/database';
import { RegtestFaucet, randomP2pkhKey } from '../../support/faucet';
import { describeOnDogecoind, useRegtestNode } from '../../support/regtest';

const MIN_CONFIRMATIONS = 3;
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

interface HeaderInfo {
  hash: string;
  height: number;
  bits: string;
  mediantime: number;
  time: number;
}

describeOnDogecoind('a merge-mined (AuxPoW) block', () => {
  useTestDatabase();
  const node = useRegtestNode('dogecoind');
  const chain = node.chain;
  let rpc: JsonRpcChainClient;
  let faucet: RegtestFaucet;
  let scanner: DepositScanner;

  beforeAll(async () => {
    rpc = new JsonRpcChainClient(node.rpcUrl);
    faucet = new RegtestFaucet(rpc, chain);
    // past height 20, where regtest stops taking legacy blocks and starts taking AuxPoW ones
    await faucet.prepare(chain.coinbaseMaturity + 10);
    scanner = new DepositScanner({ rpc, chain, minConfirmations: MIN_CONFIRMATIONS, log: createLogger('silent'), clock: () => new Date(), startHeight: 0 });
    await scanner.scanOnce();
  });

  /** A block on the current tip holding `transactions`, its coinbase claiming the subsidy only. */
  async function nextBlockSpec(transactions: Uint8Array[]): Promise<AuxPowBlockSpec> {
    const tip = await node.rpc<HeaderInfo>('getblockheader', [await rpc.getBestBlockHash()]);
    return {
      prevHash: tip.hash,
      height: tip.height + 1,
      bits: Number.parseInt(tip.bits, 16), // regtest does not retarget
      time: Math.max(tip.time + 1, Math.floor(Date.now() / 1000)),
      coinbaseScript: randomP2pkhKey(chain).script,
      coinbaseValue: 1n * COIN, // below the subsidy (a coinbase may claim less, never more)
      transactions,
    };
  }

  it('is refused by dogecoind when the parent coinbase commits to another block, taken when it commits to this one', async () => {
    const spec = await nextBlockSpec([]);
    const forged = buildAuxPowBlock({ ...spec, commitTo: new Uint8Array(32).fill(1) });
    // CheckAuxPowProofOfWork fails ("AUX POW is not valid" in its log): submitblock says high-hash
    expect(await node.rpc<string | null>('submitblock', [Buffer.from(forged.raw).toString('hex')])).toBe('high-hash');
    expect(await rpc.getBestBlockHash()).toBe(spec.prevHash);
    // the same block committed to properly is taken
    const genuine = buildAuxPowBlock(spec);
    expect(await node.rpc<string | null>('submitblock', [Buffer.from(genuine.raw).toString('hex')])).toBeNull();
    expect(await rpc.getBestBlockHash()).toBe(genuine.hash);
  });

  it("is accepted by dogecoind, parsed by kibble's block parser, and its deposit credited by the scanner", async () => {
    const id = new AccountModel()._id.toString();
    const deriver = new AddressDeriver(chain, createSigner(chain, { mnemonic: MNEMONIC }).accountXpub());
    const { index, address } = await allocateDepositAddress(deriver, id, new Date());
    await AccountModel.create({ _id: id, handle: 'merge-mined-donor', passwordHash: 'x', depositIndex: index });
    const deposit = await faucet.pay([{ address, amount: 21n * COIN }]);
    const vout = deposit.vouts[0] as number;

    const spec = await nextBlockSpec([Buffer.from(deposit.hex, 'hex')]);
    const block = buildAuxPowBlock(spec);
    expect(await node.rpc<string | null>('submitblock', [Buffer.from(block.raw).toString('hex')])).toBeNull();
    expect(await rpc.getBestBlockHash()).toBe(block.hash);
    expect(await rpc.getRawMempool()).not.toContain(deposit.txid);

    // The node serves it back byte for byte, and the product's parser skips the AuxPoW by its layout.
    const raw = await rpc.getRawBlock(block.hash);
    expect(Buffer.from(raw).equals(Buffer.from(block.raw))).toBe(true);
    const parsed = parseBlock(raw, { auxpow: chain.auxpow });
    expect(parsed).toMatchObject({ hash: block.hash, prevHash: spec.prevHash, auxpow: true, auxpowBytes: block.auxpowBytes });
    expect(parsed.version & AUXPOW_VERSION_FLAG).toBe(AUXPOW_VERSION_FLAG);
    expect(parsed.version >>> 16).toBe(DOGECOIN_CHAIN_ID);
    expect(parsed.transactions.map((tx) => tx.txid)).toEqual(block.txids);
    const output = parsed.transactions[1]?.outputs[vout];
    expect(output?.value).toBe(21n * COIN);
    expect(Buffer.from(output?.script ?? []).equals(Buffer.from(outputScriptFor(chain, address)))).toBe(true);

    // The chain audit (settlement tests, npm run demo) reads it too.
    expect((await auditChain(rpc, chain)).transactions.get(deposit.txid)?.height).toBe(spec.height);

    // The scanner records the deposit from that block, and credits it after the confirmations.
    await scanner.scanOnce();
    expect(await DepositModel.findById(depositKey(deposit.txid, vout)).lean()).toMatchObject({ status: 'pending', blockHash: block.hash });
    expect(await accountBalance(donorAccount(id))).toBe(0n);
    await faucet.mine(MIN_CONFIRMATIONS - 1);
    expect((await scanner.scanOnce()).credited).toBe(1);
    expect(await DepositModel.findById(depositKey(deposit.txid, vout)).lean()).toMatchObject({ status: 'credited', creditSeq: 1 });
    expect(await accountBalance(donorAccount(id))).toBe(21n * COIN);
  });
});

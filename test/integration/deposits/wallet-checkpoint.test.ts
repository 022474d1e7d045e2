import { AddressDeriver } from '../../../src/keys/hd';
import { createSigner } from '../../../src/signer/hd-signer';
import { JsonRpcChainClient } from '../../../src/node/rpc-client';
import { AccountModel } from '../../../src/db/account';
import { depositKey } from '../../../src/db/deposit';
import { WalletCheckpointModel } from '../../../src/db/wallet-checkpoint';
import { WalletOutputModel } from '../../../src/db/wallet-output';
import { WalletSpendModel } from '../../../src/db/wallet-spend';
import { createLogger } from '../../../src/log';
import { COIN } from '../../../src/money/amount';
import { allocateDepositAddress } from '../../../src/services/accounts/deposit-address';
import { DepositScanner } from '../../../src/services/wallet-watch/scanner';
import { advanceWalletCheckpoint } from '../../../src/services/wallet-watch/wallet-checkpoint';
import { repairMissedSpends } from '../../../src/services/wallet-watch/spend-repair';
import { readUnspentWallet, unspentWalletOutpoints } from '../../../src/services/wallet-watch/wallet-view';
import { LeasedScanner, scannerLease } from '../../../src/jobs/scanner-lease';
import { useTestDatabase } from '../../support/database';
import { RegtestFaucet } from '../../support/faucet';
import { useRegtestNode } from '../../support/regtest';

const MIN_CONFIRMATIONS = 2;
/** Blocks below the cursor the checkpoint is taken at here (100 in production). */
const DEPTH = 3;
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

// The wallet's checkpoint (services/wallet-watch/wallet-checkpoint.ts): reads start from it and
// load only what came since, and they answer what reading the whole history answers, through
// spends, a reorg below it and a spend recorded late below it.
describe("the wallet's checkpoint", () => {
  useTestDatabase();
  const node = useRegtestNode('bcoin');
  const chain = node.chain;
  const signer = createSigner(chain, { mnemonic: MNEMONIC });
  const deriver = new AddressDeriver(chain, signer.accountXpub());
  let rpc: JsonRpcChainClient;
  let faucet: RegtestFaucet;
  let scanner: LeasedScanner;
  let donors = 0;

  /** The answer from every output and spend ever recorded, as the read was before checkpoints. */
  async function fromWholeHistory(): Promise<string[]> {
    const spent = new Set((await WalletSpendModel.find({}, { _id: 1 }).lean()).map((spend) => spend._id));
    return (await WalletOutputModel.find({ status: 'unspent' }, { _id: 1 }).lean()).map((output) => output._id).filter((key) => !spent.has(key)).sort();
  }

  async function donorAddress(): Promise<{ address: string; index: number }> {
    const id = new AccountModel()._id.toString();
    const { index, address } = await allocateDepositAddress(deriver, id, new Date());
    donors += 1;
    await AccountModel.create({ _id: id, handle: `donor${donors}`, passwordHash: 'x', depositIndex: index });
    return { address, index };
  }

  async function pass(): Promise<void> {
    const report = await scanner.pass();
    if (report === undefined) throw new Error('the test scanner lost its lease');
  }

  /**
   * One month of activity: `count` deposits received, and the outputs of the round before spent
   * (each spend in its own block), then DEPTH x 2 blocks so the next checkpoint is due.
   */
  async function round(count: number, spendThese: Array<{ txid: string; vout: number; index: number; value: bigint }>) {
    const received: Array<{ txid: string; vout: number; index: number; value: bigint }> = [];
    for (let i = 0; i < count; i++) {
      const donor = await donorAddress();
      const paid = await faucet.pay([{ address: donor.address, amount: 2n * COIN }]);
      received.push({ txid: paid.txid, vout: paid.vouts[0] as number, index: donor.index, value: 2n * COIN });
    }
    const spent: Array<{ outpoint: string; txid: string; block: string }> = [];
    for (const output of spendThese) {
      const txid = await faucet.spendFrom(signer.keyPairFor({ change: 0, index: output.index }), [output], faucet.address);
      const [block] = await faucet.mine(1);
      spent.push({ outpoint: depositKey(output.txid, output.vout), txid, block: block as string });
    }
    await faucet.mine(2 * DEPTH + MIN_CONFIRMATIONS);
    await pass();
    return { received, spent };
  }

  beforeAll(async () => {
    rpc = new JsonRpcChainClient(node.rpcUrl);
    faucet = new RegtestFaucet(rpc, chain);
    await faucet.prepare(chain.coinbaseMaturity + 10);
    const deposits = new DepositScanner({ rpc, chain, minConfirmations: MIN_CONFIRMATIONS, log: createLogger('silent'), clock: () => new Date(), startHeight: 0 });
    scanner = new LeasedScanner(deposits, scannerLease('checkpoint-test', () => new Date()), DEPTH);
  });

  it('reads from the checkpoint what the whole history says, loading only what came since it', async () => {
    let previous = (await round(4, [])).received;
    const costs: number[] = [];
    for (let month = 0; month < 3; month++) {
      previous = (await round(4, previous)).received;
      const read = await readUnspentWallet();
      const cursor = await rpc.getBlockCount();
      // The scanner's job moved the checkpoint up after its pass: DEPTH below the cursor.
      expect(read.checkpointHeight).toBe(cursor - DEPTH);
      expect(read.outputs.map((output) => output._id).sort()).toEqual(await fromWholeHistory());
      expect([...(await unspentWalletOutpoints())].sort()).toEqual(await fromWholeHistory());
      costs.push(read.rowsRead);
    }
    // Each month spends the month before's outputs: history grows, the read does not.
    const history = (await WalletOutputModel.countDocuments()) + (await WalletSpendModel.countDocuments());
    expect(history).toBeGreaterThanOrEqual(3 * 8);
    expect(costs).toEqual([costs[0], costs[0], costs[0]]);
    // The wallet holds this month's 4 outputs (and whatever earlier tests in the file left: none).
    expect(costs[0]).toBe(4);
    expect(costs[0]).toBeLessThan(history);
  });

  it('drops the checkpoint on a reorg below it, reads the whole history meanwhile, and takes a new one', async () => {
    const before = await round(2, []);
    const { spent } = await round(0, before.received);
    const head = await WalletCheckpointModel.findById('head').lean();
    const spendBlock = spent[0]?.block as string;
    const spendHeight = (await WalletSpendModel.findById(spent[0]?.outpoint).lean())?.spentHeight as number;
    expect(head?.height).toBeGreaterThanOrEqual(spendHeight);

    // The block with the first spend leaves the chain: the spend is undone below the checkpoint.
    await rpc.invalidateBlock(spendBlock);
    await faucet.sync();
    const report = await scanner.scanner.scanOnce();
    expect(report.reorgs).toBe(1);
    expect(await WalletCheckpointModel.findById('head').lean()).toBeNull();
    const meanwhile = await readUnspentWallet();
    expect(meanwhile.checkpointHeight).toBeUndefined();
    expect(meanwhile.outputs.map((output) => output._id)).toContain(spent[0]?.outpoint);
    expect(meanwhile.outputs.map((output) => output._id).sort()).toEqual(await fromWholeHistory());

    // The next pass of the job writes one again; its reads agree with the whole history.
    await faucet.mine(1);
    await pass();
    const after = await readUnspentWallet();
    expect(after.checkpointHeight).toBe((await rpc.getBlockCount()) - DEPTH);
    expect(after.outputs.map((output) => output._id).sort()).toEqual(await fromWholeHistory());
  });

  it('is not used once its block is no longer the one the scanner stored at that height', async () => {
    await round(1, []);
    const head = await WalletCheckpointModel.findById('head').lean();
    expect(head).not.toBeNull();
    // A checkpoint that a rollback did not remove (a writer that raced it): its block differs.
    await WalletCheckpointModel.updateOne({ _id: 'head' }, { $set: { blockHash: '00'.repeat(32) } });
    expect((await readUnspentWallet()).checkpointHeight).toBeUndefined();
    // The writer replaces it whatever the distance to the cursor.
    const cursor = await rpc.getBlockCount();
    expect(await advanceWalletCheckpoint(cursor, new Date(), DEPTH)).toMatchObject({ outcome: 'written', height: cursor - DEPTH });
    expect((await readUnspentWallet()).checkpointHeight).toBe(cursor - DEPTH);
  });

  it('forgets a checkpoint above a spend recorded late, and heals one whose forgetting was lost', async () => {
    const { received } = await round(2, []);
    const { spent } = await round(0, received);
    const late = spent[0] as { outpoint: string; txid: string; block: string };
    const recorded = await WalletSpendModel.findById(late.outpoint).lean();
    if (recorded === null) throw new Error('the scanner did not record the spend');

    // The scanner missed the spend (a stale view, issue 12): a checkpoint taken since holds the output.
    await WalletSpendModel.deleteOne({ _id: late.outpoint });
    await WalletCheckpointModel.deleteOne({ _id: 'head' });
    const cursor = await rpc.getBlockCount();
    await advanceWalletCheckpoint(cursor, new Date(), DEPTH);
    expect((await readUnspentWallet()).outputs.map((output) => output._id)).toContain(late.outpoint);

    // The settlement's repair records it and removes the checkpoint.
    expect(await repairMissedSpends({ height: recorded.spentHeight, hash: recorded.blockHash }, late.txid, [late.outpoint])).toBe(1);
    expect(await WalletCheckpointModel.findById('head').lean()).toBeNull();
    expect((await readUnspentWallet()).outputs.map((output) => output._id)).not.toContain(late.outpoint);

    // A repair that crashed between its write and the removal: the next checkpoint leaves the output out.
    await WalletSpendModel.deleteOne({ _id: late.outpoint });
    await advanceWalletCheckpoint(cursor, new Date(), DEPTH);
    await WalletSpendModel.create(recorded);
    await faucet.mine(2 * DEPTH);
    await pass();
    const healed = await readUnspentWallet();
    expect(healed.checkpointHeight).toBe((await rpc.getBlockCount()) - DEPTH);
    expect(healed.outputs.map((output) => output._id)).not.toContain(late.outpoint);
    expect(healed.outputs.map((output) => output._id).sort()).toEqual(await fromWholeHistory());
  });

  it('leaves the parts of one generation only, and ignores a head whose writer did not finish', async () => {
    const head = await WalletCheckpointModel.findById('head').lean();
    expect(head?.verified).toBe(true);
    const generations = new Set((await WalletCheckpointModel.find({ _id: { $ne: 'head' } }, { generation: 1 }).lean()).map((part) => part.generation));
    expect([...generations]).toEqual([head?.generation]);
    await WalletCheckpointModel.updateOne({ _id: 'head' }, { $set: { verified: false } });
    expect((await readUnspentWallet()).checkpointHeight).toBeUndefined();
    await pass();
    expect((await readUnspentWallet()).checkpointHeight).toBe((await rpc.getBlockCount()) - DEPTH);
  });
});

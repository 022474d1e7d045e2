import { parseBlock } from '../../../src/chain/block/block-parser';
import { AddressDeriver } from '../../../src/keys/hd';
import { createSigner } from '../../../src/signer/hd-signer';
import { JsonRpcChainClient, type ChainRpc } from '../../../src/node/rpc-client';
import { AccountModel } from '../../../src/db/account';
import { ChainCursorModel } from '../../../src/db/chain-cursor';
import { ScannedBlockModel } from '../../../src/db/scanned-block';
import { DepositModel, depositKey } from '../../../src/db/deposit';
import { MempoolDepositModel } from '../../../src/db/mempool-deposit';
import { WalletOutputModel } from '../../../src/db/wallet-output';
import { WalletSpendModel } from '../../../src/db/wallet-spend';
import { LedgerEntryModel } from '../../../src/db/ledger-entry';
import { EVENT_SEQUENCE, EventModel } from '../../../src/db/event';
import { CounterModel } from '../../../src/db/counter';
import { unspentWalletOutputs } from '../../../src/services/wallet-watch/wallet-view';
import { createLogger } from '../../../src/log';
import { COIN } from '../../../src/money/amount';
import { CUSTODY_ACCOUNT, donorAccount } from '../../../src/money/ledger';
import { allocateDepositAddress } from '../../../src/services/accounts/deposit-address';
import { DepositScanner, type ScannerDeps } from '../../../src/services/wallet-watch/scanner';
import { repairMissedSpends } from '../../../src/services/wallet-watch/spend-repair';
import { accountBalance } from '../../../src/services/ledger/balances';
import { unbalancedJournals } from '../../../src/services/ledger/ledger-audit';
import { useTestDatabase } from '../../support/database';
import { RegtestFaucet, randomP2pkhKey } from '../../support/faucet';
import { describeEachNode, useRegtestNode } from '../../support/regtest';

const MIN_CONFIRMATIONS = 3;
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

describeEachNode('deposit scanner on a real regtest node', (kind) => {
  useTestDatabase();
  const node = useRegtestNode(kind);
  const chain = node.chain;
  const signer = createSigner(chain, { mnemonic: MNEMONIC });
  const deriver = new AddressDeriver(chain, signer.accountXpub());
  let rpc: JsonRpcChainClient;
  let faucet: RegtestFaucet;
  let scanner: DepositScanner;
  let handleCounter = 0;

  const deps = (overrides: Partial<ScannerDeps> = {}): ScannerDeps => ({
    rpc,
    chain,
    minConfirmations: MIN_CONFIRMATIONS,
    log: createLogger('silent'),
    clock: () => new Date(),
    startHeight: 0,
    ...overrides,
  });

  async function newDonor(): Promise<{ id: string; address: string; index: number }> {
    const id = new AccountModel()._id.toString();
    const { index, address } = await allocateDepositAddress(deriver, id, new Date());
    handleCounter += 1;
    await AccountModel.create({ _id: id, handle: `donor${handleCounter}`, passwordHash: 'x', depositIndex: index });
    return { id, address, index };
  }

  const balanceOf = (donor: { id: string }) => accountBalance(donorAccount(donor.id));

  /**
   * A donor's payment of 4 DOGE in the block just above `forkHeight` (a block the scanner stored),
   * buried enough to be credited; not scanned yet. `blocks`: the ones mined since the fork point.
   */
  async function paidAboveFork() {
    const donor = await newDonor();
    await faucet.mine(1);
    await scanner.scanOnce();
    const forkHeight = await rpc.getBlockCount();
    const paid = await faucet.pay([{ address: donor.address, amount: 4n * COIN }]);
    const vout = paid.vouts[0] as number;
    const blocks = await faucet.mine(1 + MIN_CONFIRMATIONS);
    return { donor, forkHeight, paid, vout, key: depositKey(paid.txid, vout), blocks };
  }

  /** The same, scanned and credited. */
  async function creditedDepositAboveFork() {
    const deposit = await paidAboveFork();
    await scanner.scanOnce();
    return deposit;
  }
  const depositOf = (txid: string, vout: number) => DepositModel.findById(depositKey(txid, vout)).lean();

  beforeAll(async () => {
    rpc = new JsonRpcChainClient(node.rpcUrl);
    faucet = new RegtestFaucet(rpc, chain);
    await faucet.prepare(chain.coinbaseMaturity + 10);
    scanner = new DepositScanner(deps());
  });

  afterEach(async () => {
    expect(await unbalancedJournals()).toEqual([]);
  });

  it('shows a deposit as pending from the mempool on, and credits it after the confirmations', async () => {
    const donor = await newDonor();
    const paid = await faucet.pay([{ address: donor.address, amount: 12n * COIN }]);
    const vout = paid.vouts[0] as number;

    expect((await scanner.scanOnce()).mempoolDeposits).toBe(1);
    expect(await MempoolDepositModel.findById(depositKey(paid.txid, vout)).lean()).toMatchObject({ accountId: donor.id, amount: 12n * COIN });
    expect(await depositOf(paid.txid, vout)).toBeNull();
    // Seen again while still in the mempool: kept, counted once.
    expect((await scanner.scanOnce()).mempoolDeposits).toBe(1);

    await faucet.mine(MIN_CONFIRMATIONS - 1);
    expect((await scanner.scanOnce()).mempoolDeposits).toBe(0);
    expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'pending', amount: 12n * COIN });
    expect(await MempoolDepositModel.countDocuments()).toBe(0);
    expect(await balanceOf(donor)).toBe(0n);

    await faucet.mine(1);
    const report = await scanner.scanOnce();
    expect(report.credited).toBe(1);
    expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'credited', creditSeq: 1 });
    expect(await balanceOf(donor)).toBe(12n * COIN);

    // Further passes change nothing.
    await faucet.mine(2);
    expect((await scanner.scanOnce()).credited).toBe(0);
    expect(await balanceOf(donor)).toBe(12n * COIN);
  });

  it('records two deposits of one transaction, to two donors and twice to one', async () => {
    const alice = await newDonor();
    const bob = await newDonor();
    const paid = await faucet.pay([
      { address: alice.address, amount: 1n * COIN },
      { address: bob.address, amount: 2n * COIN },
      { address: alice.address, amount: 3n * COIN },
    ]);
    await faucet.mine(MIN_CONFIRMATIONS);
    await scanner.scanOnce();
    for (const vout of paid.vouts) expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'credited' });
    expect(await balanceOf(alice)).toBe(4n * COIN);
    expect(await balanceOf(bob)).toBe(2n * COIN);
  });

  it('un-credits a deposit orphaned by invalidateblock, and credits it once when it returns', async () => {
    const donor = await newDonor();
    const paid = await faucet.pay([{ address: donor.address, amount: 7n * COIN }]);
    const vout = paid.vouts[0] as number;
    const [blockWithDeposit] = await faucet.mine(MIN_CONFIRMATIONS);
    await scanner.scanOnce();
    expect(await balanceOf(donor)).toBe(7n * COIN);

    await rpc.invalidateBlock(blockWithDeposit as string);
    const afterReorg = await scanner.scanOnce();
    expect(afterReorg.reorgs).toBe(1);
    expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'orphaned' });
    expect(await balanceOf(donor)).toBe(0n);
    expect(await WalletOutputModel.findById(depositKey(paid.txid, vout)).lean()).toMatchObject({ status: 'orphaned' });

    // The payer's wallet sends it again if the node dropped it with the block; new blocks confirm it.
    await faucet.sync();
    if (!(await rpc.getRawMempool()).includes(paid.txid)) await faucet.broadcast(paid.hex);
    // dogecoind put the transaction back in its mempool: mined to the same address within the same
    // second, the next block would be the invalidated one again (refused), so its coinbase differs.
    await faucet.mine(1, randomP2pkhKey(chain).address);
    await faucet.mine(MIN_CONFIRMATIONS);
    await scanner.scanOnce();
    expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'credited', creditSeq: 2 });
    expect(await balanceOf(donor)).toBe(7n * COIN);
    expect(await scanner.scanOnce()).toMatchObject({ credited: 0, reorgs: 0 });
    expect(await balanceOf(donor)).toBe(7n * COIN);
  });

  it('stores a deposit that is already buried when first seen as credited, with one credit journal', async () => {
    const donor = await newDonor();
    const paid = await faucet.pay([{ address: donor.address, amount: 4n * COIN }]);
    const vout = paid.vouts[0] as number;
    await faucet.mine(MIN_CONFIRMATIONS + 2);
    const report = await scanner.scanOnce();
    expect(report.credited).toBe(1);
    expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'credited', creditSeq: 1 });
    expect(await LedgerEntryModel.countDocuments({ journalId: { $regex: `^deposit:${paid.txid}:${vout}:` } })).toBe(2);
    expect(await balanceOf(donor)).toBe(4n * COIN);
    expect(await scanner.scanOnce()).toMatchObject({ credited: 0 });
    expect(await balanceOf(donor)).toBe(4n * COIN);
  });

  it('loses and doubles nothing when the scan is interrupted in the middle', async () => {
    const donors = [await newDonor(), await newDonor(), await newDonor()];
    const payments = [];
    for (const donor of donors) {
      payments.push(await faucet.pay([{ address: donor.address, amount: 5n * COIN }]));
      await faucet.mine(2);
    }
    await faucet.mine(MIN_CONFIRMATIONS);

    // A node connection that dies after a few blocks, as a crash of the scanner would.
    const crashing = new DepositScanner(deps({ rpc: failingAfter(rpc, 3), prefetch: 1, writeBatch: 1 }));
    await expect(crashing.scanOnce()).rejects.toThrow('simulated crash');

    const restarted = new DepositScanner(deps());
    await restarted.scanOnce();
    for (const [i, donor] of donors.entries()) {
      expect(await balanceOf(donor)).toBe(5n * COIN);
      expect(await depositOf(payments[i]!.txid, payments[i]!.vouts[0] as number)).toMatchObject({ status: 'credited', creditSeq: 1 });
    }
    // Scanning the same blocks again (cursor moved back by hand) still doubles nothing.
    const tip = await rpc.getBlockCount();
    await rollCursorBack(chain.name, tip - 8);
    await new DepositScanner(deps()).scanOnce();
    for (const donor of donors) expect(await balanceOf(donor)).toBe(5n * COIN);
  });

  it('crashes between a batch of blocks written and its cursor move: the restart scans the batch again and stores nothing twice', async () => {
    const donors = [await newDonor(), await newDonor(), await newDonor(), await newDonor()];
    await new DepositScanner(deps()).scanOnce();
    const payments = [];
    let firstDepositHeight: number | undefined;
    for (const donor of donors) {
      payments.push(await faucet.pay([{ address: donor.address, amount: 3n * COIN }]));
      await faucet.mine(1);
      firstDepositHeight ??= await rpc.getBlockCount();
    }
    await faucet.mine(MIN_CONFIRMATIONS);

    // Fetched in groups of 2 blocks (one batched request each), written in batches of 2, two
    // batches' writes at once. The batch holding the first deposit "crashes" after its writes:
    // the next batch's writes are done too, but its cursor move waits for that one's, so neither
    // moves. (Chosen by its heights, not as the first call: two batches' writes race, and the
    // later one may finish first.)
    let checkpoints = 0;
    let crashed = false;
    const crashOnce = (name: string, blocks: { fromHeight: number; toHeight: number }): void => {
      if (name !== 'batch-recorded') return;
      checkpoints += 1;
      if (!crashed && blocks.fromHeight <= (firstDepositHeight as number) && (firstDepositHeight as number) <= blocks.toHeight) {
        crashed = true;
        throw new Error('simulated crash');
      }
    };
    const crashing = new DepositScanner(deps({ prefetch: 2, writeBatch: 2, checkpoint: crashOnce }));
    await expect(crashing.scanOnce()).rejects.toThrow('simulated crash');
    expect(crashed).toBe(true);
    expect(checkpoints).toBeGreaterThanOrEqual(2);
    // The writes of both batches (the four deposits' blocks) are there, and the cursor has not
    // passed the first deposit's block (blocks before it with nothing of ours, which the faucet may
    // have mined, can be passed: they are fully recorded).
    const cursorAfterCrash = await ChainCursorModel.findById(chain.name).lean();
    expect(cursorAfterCrash?.height).toBeLessThan(firstDepositHeight as number);
    const keys = payments.map((paid) => depositKey(paid.txid, paid.vouts[0] as number));
    expect(await DepositModel.countDocuments({ _id: { $in: keys } })).toBe(donors.length);
    // Their deposit.credited events were recorded without looking for earlier ones (the deposits
    // were new), each once.
    const creditedEvents = { kind: 'deposit.credited', 'data.deposit': { $in: keys } };
    expect(await EventModel.countDocuments(creditedEvents)).toBe(donors.length);
    const eventSequenceBefore = await CounterModel.findById(EVENT_SEQUENCE).lean();

    const report = await new DepositScanner(deps({ prefetch: 2, writeBatch: 8 })).scanOnce();
    // The batch stored again found its deposits there: it looked for their events, found them,
    // and took no new sequence numbers (no gap for readers to wait out).
    expect(await EventModel.countDocuments(creditedEvents)).toBe(donors.length);
    expect((await CounterModel.findById(EVENT_SEQUENCE).lean())?.next).toBe(eventSequenceBefore?.next);
    expect(report.blocks).toBeGreaterThanOrEqual(donors.length);
    expect(await DepositModel.countDocuments({ _id: { $in: keys } })).toBe(donors.length);
    expect(await WalletOutputModel.countDocuments({ _id: { $in: keys } })).toBe(donors.length);
    for (const [i, donor] of donors.entries()) {
      expect(await depositOf(payments[i]!.txid, payments[i]!.vouts[0] as number)).toMatchObject({ status: 'credited', creditSeq: 1 });
      expect(await LedgerEntryModel.countDocuments({ journalId: { $regex: `^deposit:${payments[i]!.txid}:` } })).toBe(2);
      expect(await balanceOf(donor)).toBe(3n * COIN);
    }
  });

  it('crashes between the deposits of a batch stored and their credit journals: the restart writes the journals, once', async () => {
    const donor = await newDonor();
    await faucet.mine(1);
    await scanner.scanOnce();
    const paid = await faucet.pay([{ address: donor.address, amount: 6n * COIN }]);
    const vout = paid.vouts[0] as number;
    await faucet.mine(1 + MIN_CONFIRMATIONS);

    const crashing = new DepositScanner(deps({ writeBatch: 64, checkpoint: (name) => { if (name === 'deposits-stored') throw new Error('simulated crash'); } }));
    await expect(crashing.scanOnce()).rejects.toThrow('simulated crash');
    // Stored credited at first sight, its journal not written yet.
    expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'credited', creditSeq: 1 });
    expect(await balanceOf(donor)).toBe(0n);

    await new DepositScanner(deps()).scanOnce();
    expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'credited', creditSeq: 1 });
    expect(await LedgerEntryModel.countDocuments({ journalId: { $regex: `^deposit:${paid.txid}:` } })).toBe(2);
    expect(await balanceOf(donor)).toBe(6n * COIN);
    expect(await unbalancedJournals()).toEqual([]);
  });

  it.each([
    ['after its writes (before the cursor move)', 'batch-recorded', 4n * COIN],
    ['between its deposits stored and their credit journals', 'deposits-stored', 0n],
  ] as const)('crashes %s, then the chain reorgs those blocks away before the restart: the restart rolls back what the crash left of the old chain', async (_when, crashPoint, creditedAtCrash) => {
    const { donor, forkHeight, paid, vout, key, blocks: [blockWithDeposit] } = await paidAboveFork();
    const depositHeight = forkHeight + 1;

    // One batch holds every new block: the deposit is stored credited at first sight (buried
    // enough), and the pass "crashes" before the cursor moves.
    const crashing = new DepositScanner(deps({ writeBatch: 64, checkpoint: (name) => { if (name === crashPoint) throw new Error('simulated crash'); } }));
    await expect(crashing.scanOnce()).rejects.toThrow('simulated crash');
    expect((await ChainCursorModel.findById(chain.name).lean())?.height).toBe(forkHeight);
    expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'credited', blockHeight: depositHeight });
    expect(await balanceOf(donor)).toBe(creditedAtCrash);

    // While no scanner runs, those blocks leave the best chain. bcoin's invalidateblock drops the
    // payment (it empties the mempool); dogecoind puts it back in its mempool, and the new chain
    // mines it at another height. The new chain is longer.
    await rpc.invalidateBlock(blockWithDeposit as string);
    await faucet.mine(3 + MIN_CONFIRMATIONS, randomP2pkhKey(chain).address);

    // The cursor's own block is unchanged, so no reorg shows at the cursor: what the crashed
    // batch stored above it must be checked against the node all the same.
    const report = await new DepositScanner(deps()).scanOnce();
    expect(report).toMatchObject({ reorgs: 1, rolledBackTo: forkHeight });
    const tip = await rpc.getBlockCount();
    expect(await ChainCursorModel.findById(chain.name).lean()).toMatchObject({ height: tip, hash: await rpc.getBlockHash(tip) });
    for (const stored of await ScannedBlockModel.find({ _id: { $gt: forkHeight } }).lean()) {
      expect(stored.hash).toBe(await rpc.getBlockHash(stored._id));
    }
    let minedAgainAt: number | undefined;
    for (let height = depositHeight; height <= tip; height++) {
      const block = parseBlock(await rpc.getRawBlock(await rpc.getBlockHash(height)), { auxpow: chain.auxpow });
      if (block.transactions.some((tx) => tx.txid === paid.txid)) minedAgainAt = height;
    }
    // The old block's credit is taken back; the payment counts again only if the new chain has it.
    // The reversal never takes back a credit that was not given.
    const donorJournals = (await LedgerEntryModel.find({ journalId: { $regex: `^deposit:${paid.txid}:` }, account: donorAccount(donor.id) }, { journalId: 1, _id: 0 }).lean()).map((entry) => entry.journalId).sort();
    if (minedAgainAt === undefined) {
      expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'orphaned' });
      expect(donorJournals).toEqual([`deposit:${key}:credit:1`, `deposit:${key}:reversal:1`]);
      expect(await balanceOf(donor)).toBe(0n);
      expect((await unspentWalletOutputs()).map((output) => output._id)).not.toContain(key);
    } else {
      expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'credited', creditSeq: 2, blockHeight: minedAgainAt, blockHash: await rpc.getBlockHash(minedAgainAt) });
      expect(donorJournals).toEqual([`deposit:${key}:credit:1`, `deposit:${key}:credit:2`, `deposit:${key}:reversal:1`]);
      expect(await balanceOf(donor)).toBe(4n * COIN);
      expect((await unspentWalletOutputs()).find((output) => output._id === key)).toMatchObject({ blockHeight: minedAgainAt });
    }
    expect(await unbalancedJournals()).toEqual([]);
  });

  it.each([
    ['between its reversal journals and the deposits\' statuses', 'reversals-written'],
    ['after every record is rolled back, before the cursor is', 'rolled-back'],
  ] as const)('crashes in the rollback of a reorg %s, then the node is back on the old chain: the restart finishes the rollback and scans the blocks again', async (_when, crashPoint) => {
    const { donor, forkHeight, paid, vout, key } = await creditedDepositAboveFork();
    expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'credited', creditSeq: 1 });
    expect(await balanceOf(donor)).toBe(4n * COIN);

    // The node briefly follows a competing branch above the fork point (as a node does that hears
    // of a longer one, before the old one grows longer again): the scanner sees a reorg there,
    // and its rollback "crashes" part-way.
    const competing = onCompetingBranch(rpc, forkHeight);
    const crashing = new DepositScanner(deps({ rpc: competing, checkpoint: (name) => { if (name === crashPoint) throw new Error('simulated crash'); } }));
    await expect(crashing.scanOnce()).rejects.toThrow('simulated crash');
    expect(await LedgerEntryModel.countDocuments({ journalId: `deposit:${key}:reversal:1`, account: donorAccount(donor.id) })).toBe(1);

    // The restart finds the node on the chain the scanner had recorded, the cursor's block in it.
    const report = await new DepositScanner(deps()).scanOnce();
    const tip = await rpc.getBlockCount();
    expect(await ChainCursorModel.findById(chain.name).lean()).toMatchObject({ height: tip, hash: await rpc.getBlockHash(tip) });
    for (let height = forkHeight; height <= tip; height++) {
      expect((await ScannedBlockModel.findById(height).lean())?.hash).toBe(await rpc.getBlockHash(height));
    }
    // The credit taken back by the rollback is given again, once: the deposit is in the chain.
    const donorJournals = (await LedgerEntryModel.find({ journalId: { $regex: `^deposit:${paid.txid}:` }, account: donorAccount(donor.id) }, { journalId: 1, _id: 0 }).lean()).map((entry) => entry.journalId).sort();
    expect(donorJournals).toEqual([`deposit:${key}:credit:1`, `deposit:${key}:credit:2`, `deposit:${key}:reversal:1`]);
    expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'credited', creditSeq: 2, blockHeight: forkHeight + 1 });
    expect(await balanceOf(donor)).toBe(4n * COIN);
    expect((await unspentWalletOutputs()).find((output) => output._id === key)).toMatchObject({ blockHeight: forkHeight + 1 });
    expect(report).toMatchObject({ reorgs: 1, rolledBackTo: forkHeight });
    expect(await new DepositScanner(deps()).scanOnce()).toMatchObject({ reorgs: 0, credited: 0 });
    expect(await balanceOf(donor)).toBe(4n * COIN);
  });

  it('credits nothing twice when a scanner that lost its lease in the middle of a rollback goes on after another instance finished it and rescanned', async () => {
    const { donor, forkHeight, paid, vout, key } = await creditedDepositAboveFork();
    expect(await balanceOf(donor)).toBe(4n * COIN);

    // Instance A sees the node on a competing branch above the fork point and rolls back. It stalls
    // once its reversal journals are written (its lease runs out unnoticed): meanwhile the node is
    // back on the old chain, and instance B, holding the lease now, finishes the rollback and
    // rescans, which credits the deposit again. Then A goes on with what it read before.
    let competing = true;
    const branching = onCompetingBranch(rpc, forkHeight, () => competing);
    let tookOver = false;
    const stalling = new DepositScanner(deps({
      rpc: branching,
      checkpoint: async (name) => {
        if (name !== 'reversals-written' || tookOver) return;
        tookOver = true;
        competing = false;
        expect(await new DepositScanner(deps()).scanOnce()).toMatchObject({ reorgs: 1, rolledBackTo: forkHeight });
        expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'credited', creditSeq: 2 });
      },
    }));
    await stalling.scanOnce();
    expect(tookOver).toBe(true);
    await new DepositScanner(deps()).scanOnce();

    const donorJournals = (await LedgerEntryModel.find({ journalId: { $regex: `^deposit:${paid.txid}:` }, account: donorAccount(donor.id) }, { journalId: 1, _id: 0 }).lean()).map((entry) => entry.journalId).sort();
    expect(donorJournals).toEqual([`deposit:${key}:credit:1`, `deposit:${key}:credit:2`, `deposit:${key}:reversal:1`]);
    expect(await balanceOf(donor)).toBe(4n * COIN);
    expect(await depositOf(paid.txid, vout)).toMatchObject({ status: 'credited', creditSeq: 2, blockHeight: forkHeight + 1 });
    expect((await unspentWalletOutputs()).find((output) => output._id === key)).toMatchObject({ blockHeight: forkHeight + 1 });
    const tip = await rpc.getBlockCount();
    expect(await ChainCursorModel.findById(chain.name).lean()).toMatchObject({ height: tip, hash: await rpc.getBlockHash(tip) });
  });

  it('stops cleanly when the chain reorgs while it fetches ahead: what it stored from the old chain is rolled back', async () => {
    const donor = await newDonor();
    // Scanned up to here: the fork point below is a block the scanner stored.
    await faucet.mine(1);
    await scanner.scanOnce();
    const paid = await faucet.pay([{ address: donor.address, amount: 5n * COIN }]);
    const vout = paid.vouts[0] as number;
    const oldBlocks = await faucet.mine(6);
    const [blockWithDeposit] = oldBlocks;
    // The block two above the deposit's triggers the reorg when the scanner fetches it: the batch
    // being stored then is of the old chain, the one fetched ahead already of the new one.
    const trigger = oldBlocks[2] as string;
    let reorged = false;
    const reorging = new Proxy(rpc, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== 'getRawBlocks' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return async (hashes: string[]) => {
          const raw = await (value as ChainRpc['getRawBlocks']).call(target, hashes);
          if (hashes.includes(trigger) && !reorged) {
            reorged = true;
            await rpc.invalidateBlock(blockWithDeposit as string);
            await faucet.mine(8, randomP2pkhKey(chain).address);
          }
          return raw;
        };
      },
    });
    const tipBefore = await rpc.getBlockCount();
    const pipelined = new DepositScanner(deps({ rpc: reorging, prefetch: 2 }));
    const report = await pipelined.scanOnce();

    expect(reorged).toBe(true);
    expect(report.reorgs).toBeGreaterThanOrEqual(1);
    const tip = await rpc.getBlockCount();
    expect(report.toHeight).toBe(tip);
    expect(await ChainCursorModel.findById(chain.name).lean()).toMatchObject({ height: tip, hash: await rpc.getBlockHash(tip) });
    // Every block it keeps is the node's block at that height.
    for (const stored of await ScannedBlockModel.find({ _id: { $gt: tipBefore - 6 } }).lean()) {
      expect(stored.hash).toBe(await rpc.getBlockHash(stored._id));
    }
    // The deposit counts if and only if the best chain has it, and then once.
    let inBestChain = false;
    for (let height = tipBefore - 6; height <= tip; height++) {
      const block = parseBlock(await rpc.getRawBlock(await rpc.getBlockHash(height)), { auxpow: chain.auxpow });
      if (block.transactions.some((tx) => tx.txid === paid.txid)) inBestChain = true;
    }
    const deposit = await depositOf(paid.txid, vout);
    expect(deposit?.status).toBe(inBestChain ? 'credited' : 'orphaned');
    expect(await balanceOf(donor)).toBe(inBestChain ? 5n * COIN : 0n);
  });

  it('fetches a group of blocks in one request, with their hashes asked ahead (the first group\'s with the tip)', async () => {
    await scanner.scanOnce();
    const from = await rpc.getBlockCount();
    await faucet.mine(20);
    const counting = countingCalls(rpc);
    const report = await new DepositScanner(deps({ rpc: counting.rpc, prefetch: 4, writeBatch: 8 })).scanOnce();

    expect(report).toMatchObject({ fromHeight: from, toHeight: from + 20, blocks: 20 });
    // Five groups of four blocks, one request each.
    expect(counting.calls.get('getRawBlocks')).toEqual([4, 4, 4, 4, 4]);
    // The tip asked twice (at the start and once it is reached), each time with the hashes of the
    // cursor's block and the four above it; the other groups' hashes in one request.
    expect(counting.calls.get('getBlockCount')).toEqual([1, 1]);
    expect(counting.calls.get('getBlockHashes')).toEqual([5, 16, 5]);
    expect(counting.calls.get('getBlockHash')).toBeUndefined();
    for (const stored of await ScannedBlockModel.find({ _id: { $gt: from } }).lean()) {
      expect(stored.hash).toBe(await rpc.getBlockHash(stored._id));
    }
    expect(await ScannedBlockModel.countDocuments({ _id: { $gt: from } })).toBe(20);
  });

  it('never stores the cursor past a batch whose writes are not done, with several batches writing at once', async () => {
    await scanner.scanOnce();
    const from = await rpc.getBlockCount();
    await faucet.mine(12);
    // Each batch is one block (a batch holds whole fetch groups); the cursor is read when a
    // batch's writes are done, before its move.
    const seen: Array<{ fromHeight: number; cursorHeight: number }> = [];
    const watching = new DepositScanner(deps({
      prefetch: 1,
      writeBatch: 1,
      checkpoint: async (name, blocks) => {
        if (name !== 'batch-recorded') return;
        seen.push({ fromHeight: blocks.fromHeight, cursorHeight: (await ChainCursorModel.findById(chain.name).lean())?.height ?? -1 });
      },
    }));
    const report = await watching.scanOnce();

    expect(report).toMatchObject({ fromHeight: from, toHeight: from + 12, blocks: 12 });
    expect(seen.map((batch) => batch.fromHeight).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => from + 1 + i));
    for (const batch of seen) expect(batch.cursorHeight).toBeLessThan(batch.fromHeight);
    const tip = await rpc.getBlockCount();
    expect(await ChainCursorModel.findById(chain.name).lean()).toMatchObject({ height: tip, hash: await rpc.getBlockHash(tip) });
    expect(await ScannedBlockModel.countDocuments({ _id: { $gt: from } })).toBe(12);
  });

  it("recognises the service's own spends of its outputs", async () => {
    const donor = await newDonor();
    const paid = await faucet.pay([{ address: donor.address, amount: 9n * COIN }]);
    const vout = paid.vouts[0] as number;
    await faucet.mine(MIN_CONFIRMATIONS);
    await scanner.scanOnce();
    expect(await WalletOutputModel.findById(depositKey(paid.txid, vout)).lean()).toMatchObject({ status: 'unspent', kind: 'deposit' });

    const key = signer.keyPairFor({ change: 0, index: donor.index });
    const spendTxid = await faucet.spendFrom(key, [{ txid: paid.txid, vout, value: 9n * COIN }], faucet.address);
    const [spendBlock] = await faucet.mine(1);
    const report = await scanner.scanOnce();
    expect(report.spent).toBe(1);
    expect(await WalletSpendModel.findById(depositKey(paid.txid, vout)).lean()).toMatchObject({ spentByTxid: spendTxid });
    expect((await unspentWalletOutputs()).map((output) => output._id)).not.toContain(depositKey(paid.txid, vout));

    // The block with the spend is orphaned: the spend is forgotten, the output is held again.
    await rpc.invalidateBlock(spendBlock as string);
    expect((await scanner.scanOnce()).reorgs).toBe(1);
    expect(await WalletSpendModel.findById(depositKey(paid.txid, vout)).lean()).toBeNull();
    expect((await unspentWalletOutputs()).map((output) => output._id)).toContain(depositKey(paid.txid, vout));
    await faucet.sync();
    // The custody account still equals the credited deposits: spending is the settlement's job to book.
    expect(await accountBalance(CUSTODY_ACCOUNT)).toBeLessThan(0n);
  });

  it("leaves no spend of a block that left the chain when the settlement's spend repair races the rollback of that block", async () => {
    const donor = await newDonor();
    const paid = await faucet.pay([{ address: donor.address, amount: 8n * COIN }]);
    const vout = paid.vouts[0] as number;
    const key = depositKey(paid.txid, vout);
    await faucet.mine(MIN_CONFIRMATIONS);
    await scanner.scanOnce();
    const spendTxid = await faucet.spendFrom(signer.keyPairFor({ change: 0, index: donor.index }), [{ txid: paid.txid, vout, value: 8n * COIN }], faucet.address);
    const [spendBlock] = await faucet.mine(MIN_CONFIRMATIONS);
    await scanner.scanOnce();
    const spendHeight = (await rpc.getBlockCount()) - MIN_CONFIRMATIONS + 1;
    // The scanner missed the spend (a stale view, issue 12): the settlement's follower finds its
    // transaction buried in a block the scanner stored, and writes the spend. Between its check of
    // that block and its write, the block leaves the chain and the scanner rolls it back.
    await WalletSpendModel.deleteOne({ _id: key });
    const written = await repairMissedSpends({ height: spendHeight, hash: spendBlock as string }, spendTxid, [key], {
      blockChecked: async () => {
        await rpc.invalidateBlock(spendBlock as string);
        expect(await scanner.scanOnce()).toMatchObject({ reorgs: 1, rolledBackTo: spendHeight - 1 });
      },
    });
    // The output is unspent in the best chain (bcoin dropped the spend, dogecoind holds it in its
    // mempool): no record may say it is spent, and the settlement waits for the scanner.
    expect((await unspentWalletOutputs()).map((output) => output._id)).toContain(key);
    expect(await WalletSpendModel.findById(key).lean()).toBeNull();
    expect(written).toBeUndefined();
    await faucet.sync();
  });
});

/** Counts the calls of each method, and the heights or hashes each batch call asked for. */
function countingCalls(rpc: ChainRpc): { rpc: ChainRpc; calls: Map<string, number[]> } {
  const calls = new Map<string, number[]>();
  const counted = new Proxy(rpc, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        const sizes = calls.get(property) ?? [];
        sizes.push(Array.isArray(args[0]) ? args[0].length : 1);
        calls.set(property, sizes);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { rpc: counted, calls };
}

/**
 * The node as it answers while it follows a competing branch above `forkHeight` (as long as
 * `competing()` says so): other block hashes above that height, the same ones below.
 */
function onCompetingBranch(rpc: ChainRpc, forkHeight: number, competing: () => boolean = () => true): ChainRpc {
  const otherBranch = (height: number, hash: string | undefined): string | undefined =>
    !competing() || hash === undefined || height <= forkHeight ? hash : [...hash].reverse().join('');
  return new Proxy(rpc, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === 'getBlockHash') return async (height: number) => otherBranch(height, await target.getBlockHash(height));
      if (property === 'getBlockHashes') return async (heights: number[]) => (await target.getBlockHashes(heights)).map((hash, i) => otherBranch(heights[i] as number, hash));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A node connection that dies once more than `rawBlocks` blocks were served. */
function failingAfter(rpc: ChainRpc, rawBlocks: number): ChainRpc {
  let served = 0;
  return new Proxy(rpc, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== 'getRawBlocks' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (hashes: string[]) => {
        served += hashes.length;
        if (served > rawBlocks) throw new Error('simulated crash');
        return (value as ChainRpc['getRawBlocks']).call(target, hashes);
      };
    },
  });
}

async function rollCursorBack(chainName: string, height: number): Promise<void> {
  const block = await ScannedBlockModel.findById(height).lean();
  await ChainCursorModel.updateOne({ _id: chainName }, { $set: { height, hash: block?.hash } });
}

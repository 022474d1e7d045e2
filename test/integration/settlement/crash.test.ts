import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { SettlementModel, type Settlement } from '../../../src/db/settlement';
import type { SettlementCheckpoint } from '../../../src/services/settlement/state-machine';
import { flattr } from '../../../src/services/clicks/clicks';
import { auditChain } from '../../support/chain-audit';
import { nodeArgsFor } from '../../support/child-build';
import { doge } from '../../support/money';
import { describeEachNode, type NodeKind } from '../../support/regtest';
import { MIN_CONFIRMATIONS, useSettlementWorld, type Creator, type Donor } from '../../support/settlement-world';

const CHILD = 'test/support/settle-child.ts';
/** The restarted instance is the same one: it takes over the lease its killed self held. */
const LEASE_HOLDER = 'crash-test-instance';

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Each month the donor's budget goes to two creators: bcoin 2 DOGE (0.9 each). dogecoind v1.14.1
 * charges extra fee at peers for outputs below its fixed 1 DOGE soft-dust threshold (today's nodes:
 * 0.01 DOGE, which kibble follows), so there 20 DOGE (9 each) keeps every output at 1 DOGE or more.
 */
const MONTH: Record<NodeKind, { budget: bigint; funded: bigint; share: bigint }> = {
  bcoin: { budget: doge(2), funded: doge(100), share: doge('0.9') },
  dogecoind: { budget: doge(20), funded: doge(1_000), share: doge(9) },
};

describeEachNode('settlement killed at every step and restarted', (kind) => {
  const world = useSettlementWorld(kind);
  const { budget, funded, share } = MONTH[kind];
  let donor: Donor;
  let month = 0;

  beforeAll(async () => {
    donor = await world.donor(budget);
    await world.fund(donor, funded);
  });

  function runChild(mode: 'execute' | 'follow', period: string, crashAt?: SettlementCheckpoint): Promise<ChildResult> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, nodeArgsFor(CHILD), {
        cwd: resolve(__dirname, '../../..'),
        env: {
          ...process.env,
          SETTLE_DB_URI: world.db.uri,
          SETTLE_DB_NAME: world.db.name,
          SETTLE_RPC_URL: world.node.rpcUrl,
          SETTLE_CHAIN: world.chain.name,
          SETTLE_FEE_ADDRESS: world.feeAddress,
          SETTLE_LEASE_HOLDER: LEASE_HOLDER,
          SETTLE_PERIOD: period,
          SETTLE_MODE: mode,
          ...(crashAt === undefined ? {} : { SETTLE_CRASH_AT: crashAt }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    });
  }

  /** A month of its own: the donor flattrs two fresh creators' things (see MONTH). */
  async function prepareMonth(): Promise<{ period: string; creators: Creator[] }> {
    month += 1;
    const period = `2026-${String(month).padStart(2, '0')}`;
    const creators = [await world.creator(), await world.creator()];
    for (const [i, creator] of creators.entries()) {
      await flattr(donor.id, await world.thing(creator), new Date(Date.UTC(2026, month - 1, 10 + i)));
    }
    return { period, creators };
  }

  const stored = (period: string) => SettlementModel.findById(period).lean<Settlement>();

  /** The killed instance started again: it takes over the lease its killed self held. */
  const restarted = () => world.service({ leaseHolder: LEASE_HOLDER });

  async function confirmInProcess(period: string): Promise<void> {
    await world.mineAndScan(MIN_CONFIRMATIONS);
    await restarted().followConfirmations();
    expect((await stored(period))?.state).toBe('confirmed');
  }

  async function expectEachCreatorPaidOnce(creators: readonly Creator[]): Promise<void> {
    const audit = await auditChain(world.rpc, world.chain);
    const outputs = [...audit.transactions.values()].flatMap((tx) => tx.outputs);
    for (const creator of creators) {
      const paid = outputs.filter((output) => output.address === creator.payoutAddress);
      expect(paid.map((output) => output.value)).toEqual([share]);
    }
    const holdings = await world.holdings();
    expect(holdings.unbalanced).toEqual([]);
    expect(holdings.chainUnspent).toBe(holdings.ledgerHeld);
    expect(holdings.ledgerHeld).toBe(holdings.owedTotal);
  }

  const EXECUTE_CHECKPOINTS: Array<{ at: SettlementCheckpoint; state: string; signed: boolean }> = [
    { at: 'closed', state: 'closed', signed: false },
    { at: 'planned', state: 'planned', signed: false },
    { at: 'ledger-closed', state: 'planned', signed: false }, // the month's ledger book closed, nothing signed
    { at: 'signed', state: 'signed', signed: true }, // stored, not yet broadcast
    { at: 'sent', state: 'signed', signed: true }, // broadcast, not yet recorded
    { at: 'recorded-broadcast', state: 'signed', signed: true },
  ];

  it.each(EXECUTE_CHECKPOINTS)('killed at "$at": the restart pays every creator once, with the same txids', async ({ at, state, signed }) => {
    const { period, creators } = await prepareMonth();
    const crashed = await runChild('execute', period, at);
    expect({ signal: crashed.signal, stderr: crashed.stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    const afterCrash = await stored(period);
    expect(afterCrash?.state).toBe(state);
    const txidsAtCrash = afterCrash?.transactions.map((tx) => tx.txid) ?? [];
    expect(txidsAtCrash.length > 0).toBe(signed);

    // The restart runs in this process: the same service code and lease holder as the killed
    // one, resuming from nothing but what the database holds (a second child would only add its
    // start-up time).
    await restarted().execute(period);
    const afterRestart = await stored(period);
    expect(afterRestart?.state).toBe('broadcast');
    if (signed) expect(afterRestart?.transactions.map((tx) => tx.txid)).toEqual(txidsAtCrash);

    await confirmInProcess(period);
    await expectEachCreatorPaidOnce(creators);
  });

  it('killed while confirming (payout journal written, transaction not marked): the restart finishes without paying twice', async () => {
    const { period, creators } = await prepareMonth();
    expect((await restarted().execute(period)).state).toBe('broadcast');
    const txids = (await stored(period))?.transactions.map((tx) => tx.txid);
    await world.mineAndScan(MIN_CONFIRMATIONS);
    const crashed = await runChild('follow', period, 'payout-journal');
    expect(crashed.signal).toBe('SIGKILL');
    expect((await stored(period))?.state).toBe('broadcast');

    await restarted().followConfirmations();
    const after = await stored(period);
    expect(after?.state).toBe('confirmed');
    expect(after?.transactions.map((tx) => tx.txid)).toEqual(txids);
    await expectEachCreatorPaidOnce(creators);
  });
});

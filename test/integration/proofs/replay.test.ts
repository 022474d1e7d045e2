import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountModel } from '../../../src/db/account';
import { toHex } from '../../../src/proofs/encoding';
import type { PaydaySnapshot } from '../../../src/proofs/payday-snapshot';
import { allocationSalt } from '../../../src/proofs/salts';
import { flattr } from '../../../src/services/clicks/clicks';
import { paydaySnapshot } from '../../../src/services/settlement/payday-snapshot';
import { readPlanChunks } from '../../../src/services/settlement/plan-store';
import { findSettlement, type Settlement } from '../../../src/services/settlement/settlement-store';
import { deploymentEnv, runKibble, runKibbleProcess } from '../../support/cli';
import { rejectedCode } from '../../support/errors';
import { doge } from '../../support/money';
import { MIN_CONFIRMATIONS, useSettlementWorld, type Creator, type Donor } from '../../support/settlement-world';

const PERIOD = '2026-10';
const IN_OCTOBER = (day: number) => new Date(Date.UTC(2026, 9, day, 12));

/**
 * One month settled and confirmed on the real database and regtest node; `kibble
 * payday-snapshot` writes its snapshot, `kibble replay` recomputes it and compares (with --rpc,
 * against the chain too). Edited snapshots must fail, naming what differs.
 */
describe('kibble payday-snapshot and replay of a settled month', () => {
  const world = useSettlementWorld();
  const dir = mkdtempSync(join(tmpdir(), 'kibble-replay-'));
  const file = join(dir, 'snapshot.json');
  let donors: Donor[];
  let creators: Creator[];
  let settlement: Settlement;
  let snapshot: PaydaySnapshot;
  let snapshotText: string;

  beforeAll(async () => {
    creators = [await world.creator(), await world.creator(), await world.creator({ payoutAddress: null })];
    const things = await Promise.all(creators.map((creator) => world.thing(creator)));
    donors = [await world.donor(doge(10)), await world.donor(doge(6))];
    await world.fund(donors[0] as Donor, doge(50));
    await world.fund(donors[1] as Donor, doge('3.00000001'));
    await flattr((donors[0] as Donor).id, things[0] as string, IN_OCTOBER(2));
    await flattr((donors[0] as Donor).id, things[1] as string, IN_OCTOBER(3));
    await flattr((donors[0] as Donor).id, things[2] as string, IN_OCTOBER(4));
    await flattr((donors[1] as Donor).id, things[1] as string, IN_OCTOBER(5));
    await flattr((donors[1] as Donor).id, things[0] as string, IN_OCTOBER(6));
    const service = world.service();
    await service.execute(PERIOD);
    await world.mineAndScan(MIN_CONFIRMATIONS);
    [settlement] = (await service.followConfirmations()) as [Settlement];
    expect(settlement.state).toBe('confirmed');

    const env = deploymentEnv(world.db, world.chain, world.node.rpcUrl);
    const { stderr } = await runKibbleProcess(['payday-snapshot', PERIOD, '--out', file], { env, timeout: 60_000 });
    expect(stderr).toContain(`wrote the payday snapshot of ${PERIOD}`);
    snapshotText = readFileSync(file, 'utf8');
    snapshot = JSON.parse(snapshotText) as PaydaySnapshot;
  }, 180_000);

  const write = (name: string, value: PaydaySnapshot): string => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };
  const edited = (edit: (copy: PaydaySnapshot) => void): PaydaySnapshot => {
    const copy = JSON.parse(snapshotText) as PaydaySnapshot;
    edit(copy);
    return copy;
  };

  it('holds the month: pseudonymous donors, the creators, the wallet outputs, the signed transactions', async () => {
    expect(snapshot).toMatchObject({ kind: 'kibble-payday-snapshot', version: 1, period: PERIOD, settings: { chain: world.chain.name, serviceFeeBps: 1000 } });
    expect(snapshot.donors.map((d) => d.donor).sort()).toEqual(['donor-000001', 'donor-000002']);
    expect(snapshot.donors.map((d) => d.clicks.length).sort()).toEqual([2, 3]);
    expect(snapshot.creators.map((c) => c.id).sort()).toEqual(creators.map((c) => c.id).sort());
    expect(snapshot.published.transactions.map((tx) => tx.signed?.txid)).toEqual(settlement.transactions.map((tx) => tx.txid));
    expect(snapshot.published.transactions.every((tx) => tx.signed?.blockHeight !== null)).toBe(true);
    expect(snapshot.builder.utxos.length).toBeGreaterThanOrEqual(2);
  });

  it('contains no donor id, handle or salt', async () => {
    const stored = await readPlanChunks(PERIOD, settlement.planAttempt as string, settlement.planChunks as number);
    const secret = Buffer.from(stored.commitment?.saltSecret as string, 'hex');
    const handles = (await AccountModel.find({ _id: { $in: donors.map((d) => d.id) } }, { handle: 1 }).lean()).map((a) => a.handle);
    expect(handles).toHaveLength(2);
    const secrets = [secret.toString('hex'), ...donors.map((d) => toHex(allocationSalt(secret, PERIOD, d.id)))];
    for (const forbidden of [...donors.map((d) => d.id), ...handles.map((h) => `"${h}"`), ...secrets]) expect(snapshotText).not.toContain(forbidden);
  });

  it('replays to a match, exit 0, against the chain too', async () => {
    const offline = await runKibble('replay', file);
    expect({ exitCode: offline.exitCode, stderr: offline.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(offline.stdout).toContain(`replay of ${PERIOD}: everything recomputed matches what was published`);

    const online = await runKibble('replay', file, '--rpc', world.node.rpcUrl, '--json');
    const verdict = JSON.parse(online.stdout) as { matches: boolean; items: Array<{ name: string; status: string; differences: string[] }> };
    expect(verdict.items.flatMap((i) => i.differences)).toEqual([]);
    expect(online.exitCode).toBe(0);
    expect(Object.fromEntries(verdict.items.map((i) => [i.name, i.status]))).toEqual({
      'plan totals': 'match',
      payments: 'match',
      'allocation root': 'match',
      'unsigned transactions': 'match',
      'signed transactions': 'match',
      'on chain': 'match',
      'allocation root on chain': 'match',
    });
  });

  it('fails a snapshot with one click moved, exit 1, naming what differs', async () => {
    const moved = edited((copy) => {
      const donor = copy.donors.find((d) => d.clicks.length === 3) as PaydaySnapshot['donors'][number];
      donor.clicks[2] = creators[0]?.id as string; // the unclaimed creator's click now goes to the first creator
    });
    const result = await runKibble('replay', write('click-moved', moved));
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^MISMATCH {2}payments: /m);
    expect(result.stdout).toContain(`payment creator:${creators[0]?.id as string} amount: published`);
    expect(result.stdout).toMatch(/^MISMATCH {2}allocation root: /m);
    expect(result.stdout).toContain(`replay of ${PERIOD}: NOT matching: `);
  });

  it('fails a snapshot with one balance changed, exit 1, naming what differs', async () => {
    const changed = edited((copy) => {
      const donor = copy.donors.find((d) => d.balanceBefore === '300000001') as PaydaySnapshot['donors'][number];
      donor.balanceBefore = '250000000';
    });
    const result = await runKibble('replay', write('balance-changed', changed), '--rpc', world.node.rpcUrl);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('charged: published 1300000001, recomputed 1250000000');
    expect(result.stdout).toMatch(/^MISMATCH {2}allocation root on chain: /m);
  });

  it('refuses an unreadable or malformed snapshot with exit 2', async () => {
    expect((await runKibble('replay', join(dir, 'missing.json'))).exitCode).toBe(2);
    const result = await runKibble('replay', write('malformed', edited((copy) => Object.assign(copy, { version: 2 }))));
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('[snapshot-invalid]');
  });

  it('refuses a snapshot of a month not planned', async () => {
    expect(await findSettlement('2026-09')).toBeNull();
    expect(await rejectedCode(paydaySnapshot('2026-09'))).toBe('snapshot-unavailable');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Transaction } from 'bitcoinjs-lib';
import { sessionKeyOf } from '../../../src/config/derived-secrets';
import type { Settlement } from '../../../src/db/settlement';
import { formatCoins } from '../../../src/money/amount';
import { commitmentScript, findCommitment } from '../../../src/proofs/commitment';
import { fromHex } from '../../../src/proofs/encoding';
import type { AllocationProofJson } from '../../../src/proofs/proof-format';
import { issueSession } from '../../../src/services/accounts/sessions';
import { flattr } from '../../../src/services/clicks/clicks';
import { monthAllocationsOf } from '../../../src/services/settlement/commitment';
import { findSettlement } from '../../../src/services/settlement/settlement-store';
import { planReportView, type PlanReportView } from '../../../src/services/settlement/views';
import { runKibble } from '../../support/cli';
import { bearer, createTestApp, expectError, type TestApp } from '../../support/http';
import { doge } from '../../support/money';
import { describeEachNode, missingAtPeer } from '../../support/regtest';
import { MIN_CONFIRMATIONS, useSettlementWorld, type Creator, type Donor, type Person } from '../../support/settlement-world';

const PERIOD = '2026-10';
const IN_OCTOBER = (day: number) => new Date(Date.UTC(2026, 9, day, 12));

/**
 * Issue 15, items 2 and 3 on a real database and node: one settled month (beforeAll) whose first
 * transaction carries the allocation root in an OP_RETURN output; every donor's and creator's
 * proof from GET /api/v1/me/proofs/:period verifies with `kibble verify-proof --rpc` run as a CLI,
 * and tampered ones fail. Amounts keep every output at 1 DOGE or more (dogecoind v1.14.1's soft
 * dust, see end-to-end.test.ts): creator one gets 4.5 + 5.4 DOGE, two 4.5 DOGE.
 */
describeEachNode('a month committed on chain, and its personal proofs', (kind) => {
  const world = useSettlementWorld(kind);
  const dir = mkdtempSync(join(tmpdir(), 'kibble-month-proofs-'));
  let api: TestApp;
  let donors: { one: Donor; two: Donor };
  let creators: { one: Creator; two: Creator };
  let bystander: Person;
  let settlement: Settlement;
  let dryRun: PlanReportView;
  const tokens = new Map<string, string>();

  const tokenOf = async (person: Person): Promise<string> => {
    let token = tokens.get(person.id);
    if (token === undefined) {
      token = (await issueSession(sessionKeyOf(api.deps.config), person.id, api.clock(), 3_600_000)).token;
      tokens.set(person.id, token);
    }
    return token;
  };
  const proofOf = async (person: Person, period = PERIOD): Promise<request.Response> =>
    request(api.app).get(`/api/v1/me/proofs/${period}`).set('Authorization', bearer(await tokenOf(person)));
  const writeProof = (name: string, proof: unknown): string => {
    const path = join(dir, `${kind}-${name}.json`);
    writeFileSync(path, JSON.stringify(proof, null, 2));
    return path;
  };

  beforeAll(async () => {
    api = createTestApp({ chainTip: () => world.rpc.getBlockCount() });
    creators = { one: await world.creator(), two: await world.creator() };
    const things = { one: await world.thing(creators.one), two: await world.thing(creators.two) };
    donors = { one: await world.donor(doge(10)), two: await world.donor(doge(6)) };
    bystander = await world.donor(doge(1));
    await world.fund(donors.one, doge(20));
    await world.fund(donors.two, doge(20));
    // one: 10 DOGE, fee 1, 4.5 each to one and two; two: 6 DOGE, fee 0.6, 5.4 to one.
    await flattr(donors.one.id, things.one, IN_OCTOBER(2));
    await flattr(donors.one.id, things.two, IN_OCTOBER(3));
    await flattr(donors.two.id, things.one, IN_OCTOBER(4));
    dryRun = planReportView(await world.service().plan(PERIOD));
    settlement = await world.service().execute(PERIOD);
  });

  it('broadcasts a first transaction whose output 0 is the OP_RETURN commitment of the stored root, worth nothing', async () => {
    expect(settlement.state).toBe('broadcast');
    const root = settlement.commitment?.root as string;
    expect(root).toMatch(/^[0-9a-f]{64}$/);
    const first = settlement.transactions[0];
    expect(settlement.commitment).toMatchObject({ txid: first?.txid, vout: 0 });
    // The bytes the node has, not only the stored ones.
    const raw = Buffer.from(await world.rpc.getRawTransaction(first?.txid as string)).toString('hex');
    expect(raw).toBe(first?.raw);
    const tx = Transaction.fromHex(raw);
    expect(tx.outs[0]?.value).toBe(0n);
    expect(Buffer.from(tx.outs[0]?.script ?? []).toString('hex')).toBe(Buffer.from(commitmentScript(PERIOD, fromHex('root', root, 32))).toString('hex'));
    expect(tx.outs.slice(1).every((out) => out.value >= doge(1))).toBe(true);
    expect(findCommitment(tx)).toMatchObject({ period: PERIOD, vout: 0 });
    // The plan views show it: the dry run (its own throwaway salts) and the stored plan.
    expect(dryRun.commitment).toMatchObject({ root: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown, transaction: 0, vout: 0, note: expect.stringContaining('dry run') as unknown });
    expect(planReportView(await world.service().plan(PERIOD)).commitment).toEqual({
      root, transaction: 0, vout: 0, script: Buffer.from(tx.outs[0]?.script ?? []).toString('hex'), note: 'output 0 of transaction 1: OP_RETURN, 45 bytes of script, worth nothing',
    });
    // Dogecoin Core's relay policy takes it: the policy peer has it in its mempool.
    if (kind === 'dogecoind') expect(await missingAtPeer(world.node, settlement.transactions.map((t) => t.txid))).toEqual([]);
    // The allocations the root commits to, as other tasks read them.
    expect((await monthAllocationsOf(PERIOD)).map((a) => [a.donorId, a.creatorId, a.amount]).sort()).toEqual(
      [[donors.one.id, creators.one.id, doge('4.5')], [donors.one.id, creators.two.id, doge('4.5')], [donors.two.id, creators.one.id, doge('5.4')]].sort(),
    );
  });

  it("gives every donor and creator a proof (a file to save) that kibble verify-proof --rpc accepts, naming their amounts", async () => {
    const cases: Array<[string, Person, string[]]> = [
      ['donor-one', donors.one, [`${formatCoins(doge('4.5'))} (450000000 units) to creator ${creators.one.id} from donor ${donors.one.id}`, `to creator ${creators.two.id} from donor ${donors.one.id}`]],
      ['donor-two', donors.two, [`${formatCoins(doge('5.4'))} (540000000 units) to creator ${creators.one.id} from donor ${donors.two.id}`]],
      ['creator-one', creators.one, ['2 allocations in the proof', `(450000000 units) to creator ${creators.one.id} from the donor committed as`, `(540000000 units) to creator ${creators.one.id}`]],
      ['creator-two', creators.two, [`(450000000 units) to creator ${creators.two.id} from the donor committed as`]],
    ];
    for (const [name, person, lines] of cases) {
      const res = await proofOf(person);
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="kibble-proof-${PERIOD}.json"`);
      const proof = res.body as AllocationProofJson;
      expect(proof).toMatchObject({ period: PERIOD, txid: settlement.commitment?.txid, vout: 0, root: settlement.commitment?.root, leafCount: 3 });
      // A creator learns no donor's id or salt.
      if (name.startsWith('creator')) expect(proof.leaves.every((leaf) => 'commitment' in leaf.donor)).toBe(true);
      const result = await runKibble('verify-proof', writeProof(name, proof), '--rpc', world.node.rpcUrl);
      expect({ name, exitCode: result.exitCode, stderr: result.stderr }).toEqual({ name, exitCode: 0, stderr: '' });
      expect(result.stdout).toContain(`valid: transaction ${settlement.commitment?.txid} (output 0) commits to the allocations of ${PERIOD}`);
      for (const line of lines) expect(result.stdout).toContain(line);
    }
  });

  it('fails a tampered proof (amount, creator, path element, output) with exit 1', async () => {
    const proof = (await proofOf(donors.one)).body as AllocationProofJson;
    const tamper = (change: (copy: AllocationProofJson) => void): AllocationProofJson => {
      const copy = JSON.parse(JSON.stringify(proof)) as AllocationProofJson;
      change(copy);
      return copy;
    };
    const leaf = (copy: AllocationProofJson) => copy.leaves[0] as AllocationProofJson['leaves'][number];
    const tampered: Array<[string, AllocationProofJson, string]> = [
      ['amount', tamper((copy) => { leaf(copy).amount = (BigInt(leaf(copy).amount) + 1n).toString(); }), 'root-mismatch'],
      ['creator', tamper((copy) => { leaf(copy).creator = creators.two.id === leaf(copy).creator ? creators.one.id : creators.two.id; }), 'root-mismatch'],
      ['path', tamper((copy) => { leaf(copy).path[0] = (leaf(copy).path[0] as string).replace(/^./, (c) => (c === '0' ? '1' : '0')); }), 'root-mismatch'],
      ['vout', tamper((copy) => { copy.vout = 1; }), 'vout-mismatch'],
    ];
    for (const [name, bad, reason] of tampered) {
      const result = await runKibble('verify-proof', writeProof(`tampered-${name}`, bad), '--rpc', world.node.rpcUrl);
      expect({ name, exitCode: result.exitCode, reason: /^NOT valid \(([a-z-]+)\)/.exec(result.stdout)?.[1] }).toEqual({ name, exitCode: 1, reason });
    }
  });

  it('answers 404 to an account without allocations that month, and 409 for a month not settled', async () => {
    expectError(await proofOf(bystander), 404, 'proof-not-found');
    expectError(await proofOf(donors.one, '2026-11'), 409, 'proof-not-committed');
    expect((await request(api.app).get(`/api/v1/me/proofs/${PERIOD}`)).status).toBe(401);
  });

  it('confirms, reading the root back from the mined transaction; the proof then counts its confirmations', async () => {
    await world.mineAndScan(MIN_CONFIRMATIONS);
    const [confirmed] = await world.service().followConfirmations();
    expect(confirmed?.state).toBe('confirmed');
    expect((await findSettlement(PERIOD))?.commitment?.checkedAt).toBeInstanceOf(Date);
    const proof = (await proofOf(creators.two)).body as AllocationProofJson;
    expect(proof.confirmations).toBeGreaterThanOrEqual(MIN_CONFIRMATIONS);
    const result = await runKibble('verify-proof', writeProof('creator-two-mined', proof), '--tx', settlement.transactions[0]?.raw as string);
    expect(result.exitCode).toBe(0);
  });
});

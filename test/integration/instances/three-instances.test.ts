// Three real `kibble serve` processes on one database and one regtest node, traffic spread across
// them, and during one month: the instance running the settlement is SIGKILLed mid-settlement while
// clicks stream in, then the one running the scanner is SIGKILLed mid-pass. The survivors take
// over within two lease slots, every creator is paid exactly once (read from the chain itself), the
// ledger equals the chain, no click is lost or doubled, a sign-out holds on every instance, and the
// rate limits count once for all instances.
// Run 20 times in a row by scripts/soak/three-instances.sh (npm run soak:instances).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { JsonRpcChainClient } from '../../../src/node/rpc-client';
import { ChainCursorModel } from '../../../src/db/chain-cursor';
import { ClickModel } from '../../../src/db/click';
import { SettlementModel, type Settlement } from '../../../src/db/settlement';
import { RateLimitHitModel } from '../../../src/db/rate-limit-hit';
import { WalletAddressModel } from '../../../src/db/wallet-address';
import { DEFAULT_RATE_LIMITS } from '../../../src/http/rate-limit';
import { creatorAccount, CUSTODY_ACCOUNT, donorAccount } from '../../../src/money/ledger';
import { nextPeriod, periodOf } from '../../../src/money/period';
import { accountBalance, balancesByPrefix } from '../../../src/services/ledger/balances';
import { unbalancedJournals } from '../../../src/services/ledger/ledger-audit';
import { blockSizeFor, windowOf } from '../../../src/services/rate-limits';
import { auditChain, spentValueOf, unspentValueOf, type ChainAudit } from '../../support/chain-audit';
import { streamClicks, type ClickAttempt } from '../../support/click-stream';
import { uriOfDatabase, useTestDatabase } from '../../support/database';
import { RegtestFaucet } from '../../support/faucet';
import { instanceOf, instancesOutput, startInstances, stopInstances, type KibbleInstance } from '../../support/instances';
import { currentHolder, leaseClaims, slotAt } from '../../support/leases';
import { doge } from '../../support/money';
import { useRegtestNode } from '../../support/regtest';
import { randomAddress, SETTLEMENT_CHAIN, SETTLEMENT_MNEMONIC, settlementXpub } from '../../support/settlement-world';
import { expectedPayouts } from './expected-payouts';

const LEASE_SECONDS = { scanner: 5, settlement: 8 };
const MIN_CONFIRMATIONS = 2;
const FEE_BPS = 1000;
/** Enough for a scanner pass of a few seconds, so the kill lands in the middle of one. */
const BLOCKS_TO_SCAN = 1200;
const PASSWORD = 'correct horse battery staple';
const THINGS_PER_CREATOR = 12;
const DONOR_MONEY = [
  { budget: doge(10), deposit: doge(20) },
  { budget: doge(7), deposit: doge(5) }, // charged its balance, below the budget
  { budget: doge(3), deposit: doge(10) },
  { budget: doge(2), deposit: doge(1) },
];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** One of each list in turn (a0 b0 c0 a1 b1...), starting from list `first`: every creator gets clicks early. */
function interleaved(lists: readonly string[][], first: number): string[] {
  const rotated = [...lists.slice(first % lists.length), ...lists.slice(0, first % lists.length)];
  const longest = Math.max(...rotated.map((list) => list.length));
  return Array.from({ length: longest }, (_, i) => rotated.flatMap((list) => (i < list.length ? [list[i] as string] : []))).flat();
}

interface Account {
  id: string;
  token: string;
}
interface CreatorAccount extends Account {
  payoutAddress: string;
  things: string[];
}
interface DonorAccount extends Account {
  budget: bigint;
  deposit: bigint;
  address: string;
  subscribedThing?: string;
}

describe('three kibble serve instances on one database and one node, under faults', () => {
  const db = useTestDatabase();
  const node = useRegtestNode();
  const feeAddress = randomAddress();
  const period = periodOf(new Date());
  let rpc: JsonRpcChainClient;
  let faucet: RegtestFaucet;
  let cluster: KibbleInstance[] = [];
  const creators: CreatorAccount[] = [];
  const donors: DonorAccount[] = [];
  let clicks: ClickAttempt[] = [];
  let settlement: Settlement;
  let audit: ChainAudit | undefined;
  /** The chain read once, after the month confirmed (some 1,300 blocks: seconds). */
  const chainAudit = async (): Promise<ChainAudit> => (audit ??= await auditChain(rpc, SETTLEMENT_CHAIN));
  /** What happened in this run, written to artifacts/three-instances/summary.json (the soak loop prints it). */
  const facts: Record<string, unknown> = {};

  const live = (): KibbleInstance[] => cluster.filter((instance) => instance.alive());
  const via = (n: number): KibbleInstance => {
    const alive = live();
    return alive[n % alive.length] as KibbleInstance;
  };
  const operatorToken = randomBytes(24).toString('hex');
  const settlementNow = async (): Promise<Settlement | null> => SettlementModel.findById(period).lean<Settlement>();

  beforeAll(async () => {
    rpc = new JsonRpcChainClient(node.rpcUrl);
    faucet = new RegtestFaucet(rpc, SETTLEMENT_CHAIN);
    await faucet.prepare();
    cluster = await startInstances(3, {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      MONGODB_URI: uriOfDatabase(db),
      CHAIN: SETTLEMENT_CHAIN.name,
      CHAIN_RPC_URL: node.rpcUrl,
      WALLET_XPUB: settlementXpub(),
      WALLET_MNEMONIC: SETTLEMENT_MNEMONIC,
      FEE_ADDRESS: feeAddress,
      OPERATOR_TOKEN: operatorToken,
      SERVICE_FEE_BPS: String(FEE_BPS),
      MIN_CONFIRMATIONS: String(MIN_CONFIRMATIONS),
      SCAN_INTERVAL_SECONDS: '1',
      SCAN_START_HEIGHT: String(await rpc.getBlockCount()),
      SCANNER_LEASE_SECONDS: String(LEASE_SECONDS.scanner),
      SETTLEMENT_LEASE_SECONDS: String(LEASE_SECONDS.settlement),
    });
  }, 180_000);

  afterAll(async () => {
    await stopInstances(cluster);
    // Kept for a failed run (the soak loop stops at the first failure): artifacts/ is git-ignored.
    const folder = join(__dirname, '../../../artifacts/three-instances');
    mkdirSync(folder, { recursive: true });
    for (const instance of cluster) writeFileSync(join(folder, `instance-${instance.index}.log`), instance.process.output());
    writeFileSync(join(folder, 'summary.json'), `${JSON.stringify(facts)}\n`);
  }, 30_000);

  async function signUp(instance: KibbleInstance, handle: string): Promise<Account> {
    const reply = await instance.api<{ id: string; token: string }>('POST', '/api/v1/accounts', { body: { handle, password: PASSWORD } });
    expect(reply.status).toBe(201);
    return { id: reply.body.id, token: reply.body.token };
  }

  it('takes sign-ups, things, budgets and deposits through any instance', async () => {
    let n = 0;
    for (let c = 0; c < 3; c++) {
      const account = await signUp(via(n++), `creator${c}`);
      const payoutAddress = randomAddress();
      expect((await via(n++).api('PUT', '/api/v1/me/payout-address', { token: account.token, body: { address: payoutAddress } })).status).toBe(200);
      const things: string[] = [];
      for (let t = 0; t < THINGS_PER_CREATOR; t++) {
        const reply = await via(n++).api<{ id: string }>('POST', '/api/v1/things', { token: account.token, body: { url: `https://example.org/${c}/${t}`, title: `thing ${c}.${t}` } });
        expect(reply.status).toBe(201);
        things.push(reply.body.id);
      }
      creators.push({ ...account, payoutAddress, things });
    }
    for (const [d, money] of DONOR_MONEY.entries()) {
      const account = await signUp(via(n++), `donor${d}`);
      expect((await via(n++).api('PUT', '/api/v1/me/budget', { token: account.token, body: { monthlyBudget: String(money.budget / 100_000_000n) } })).status).toBe(200);
      const me = await via(n++).api<{ depositAddress: string }>('GET', '/api/v1/me', { token: account.token });
      donors.push({ ...account, ...money, address: me.body.depositAddress });
    }
    // A subscription adds its click when the month closes; the donor does not click that thing.
    const subscribed = creators[2]?.things[0] as string;
    expect((await via(n++).api('POST', '/api/v1/subscriptions', { token: donors[0]?.token, body: { thingId: subscribed } })).status).toBe(201);
    (donors[0] as DonorAccount).subscribedThing = subscribed;

    await faucet.pay(donors.map((donor) => ({ address: donor.address, amount: donor.deposit })));
    await faucet.mine(MIN_CONFIRMATIONS);
    for (const [d, donor] of donors.entries()) {
      await waitFor(
        `donor${d}'s deposit to be credited`,
        async () => {
          const me = await via(n++).api<{ balance: string }>('GET', '/api/v1/me', { token: donor.token });
          return me.status === 200 && doge(me.body.balance) === donor.deposit ? true : undefined;
        },
        30_000,
        250,
      );
    }
  }, 90_000);

  it('holds a sign-out made on one instance on every instance within about a second', async () => {
    const signedIn = await via(0).api<{ token: string }>('POST', '/api/v1/sessions', { body: { handle: 'donor3', password: PASSWORD } });
    expect(signedIn.status).toBe(200);
    const token = signedIn.body.token;
    for (const instance of cluster) expect((await instance.api('GET', '/api/v1/me', { token })).status).toBe(200);

    const signedOutAt = Date.now();
    expect((await cluster[1]?.api('DELETE', '/api/v1/sessions/current', { token }))?.status).toBe(204);
    const refusedAfter = await Promise.all(
      cluster.map(async (instance) => {
        await waitFor(`instance #${instance.index} to refuse the signed-out token`, async () => ((await instance.api('GET', '/api/v1/me', { token })).status === 401 ? true : undefined), 10_000, 50);
        return Date.now() - signedOutAt;
      }),
    );
    // Instances re-read new revocations at most once a second; the rest is slack for a busy machine.
    facts.signOutRefusedEverywhereMs = Math.max(...refusedAfter);
    expect(Math.max(...refusedAfter)).toBeLessThan(3_000);
    for (const instance of cluster) expect((await instance.api('GET', '/api/v1/me', { token })).status).toBe(401);
  }, 30_000);

  it('counts rate limits once for all instances: sign-in attempts spread over three still stop at one limit', async () => {
    const rule = DEFAULT_RATE_LIMITS.sessions;
    const windowNow = () => windowOf('sessions', rule, 'ip:127.0.0.1', new Date());
    // The windows are fixed: start the burst well inside one, so that none of it counts in the next.
    const untilEnd = windowNow().endsAt.getTime() - Date.now();
    if (untilEnd < 20_000) await sleep(untilEnd + 100);
    const window = windowNow();
    // Slots are claimed in blocks (a tenth of the limit): what the database holds is a bound, and a
    // block's unused rest stays with the instance that claimed it.
    const size = blockSizeFor(rule.limit);
    const claimedBefore = (await RateLimitHitModel.countDocuments({ window: window.id })) * size;
    const left = rule.limit - claimedBefore;
    expect(left).toBeGreaterThan(3); // this file signed in once so far
    const statuses: number[] = [];
    for (let i = 0; i < left + 6; i++) statuses.push((await via(i).api('POST', '/api/v1/sessions', { body: { handle: 'donor2', password: 'not the password' } })).status);
    const allowed = statuses.filter((status) => status === 401).length;
    expect(allowed + statuses.filter((status) => status === 429).length).toBe(statuses.length);
    // Never more than the one limit for all three (in-memory counts would allow `limit` per
    // instance, three times as many): each block claimed before holds at least one earlier
    // attempt. At most one block's rest short per instance.
    expect(allowed).toBeLessThanOrEqual(rule.limit - claimedBefore / size);
    expect(allowed).toBeGreaterThanOrEqual(left - (size - 1) * cluster.length);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    expect(windowNow().id).toBe(window.id);
  }, 60_000);

  it('closes the month now while clicks stream in; its settlement holder is killed mid-run and a survivor finishes it within two slots', async () => {
    const scannerHolder = await currentHolder('scanner', LEASE_SECONDS.scanner);
    // The settlement runs where the operator's request lands: not on the scanner's instance, which dies next.
    const target = live().find((instance) => scannerHolder === undefined || instance !== instanceOf(cluster, scannerHolder)) as KibbleInstance;
    const next = nextPeriod(period);
    const streaming = streamClicks({
      donors: donors.map((donor, d) => ({ id: donor.id, token: donor.token, things: interleaved(creators.map((c) => c.things), d).filter((thing) => thing !== donor.subscribedThing) })),
      instanceFor: via,
      paceMs: 150,
      doneWhen: (attempts) => attempts.filter((attempt) => attempt.period === next).length >= 4,
    });
    await sleep(500);

    // Another instance's follower may hold the lease for a moment: the operator tries again then.
    void (async () => {
      for (;;) {
        const reply = await target.api<{ error?: { code: string } }>('POST', `/api/v1/admin/settlements/${period}/execute?closeNow=true`, { token: operatorToken }).catch(() => undefined);
        if (reply?.status !== 409 || reply.body.error?.code !== 'lease-held') return;
        await sleep(200);
      }
    })();
    const started = await waitFor('the settlement to leave "open"', async () => {
      const now = await settlementNow();
      return now !== null && now.state !== 'open' ? now : undefined;
    }, 30_000, 20);
    // The run claimed the slot it closed the month in (the clock is read after the claim, and a
    // claim made in a slot's last third takes the next one too). Older claims may linger: a
    // release only deletes the slot it runs in and the next.
    const runSlot = slotAt(started.closedAt ?? started.createdAt, LEASE_SECONDS.settlement);
    const holder = (await leaseClaims('settlement')).find((claim) => claim.slot === runSlot)?.holder;
    if (holder === undefined) throw new Error(`no claim of the settlement lease for slot ${runSlot}, the slot the month was closed in`);
    const victim = instanceOf(cluster, holder);
    await victim.kill();
    const killedAt = Date.now();
    const left = (await settlementNow()) as Settlement;
    facts.settlementKilled = { instance: victim.index, state: left.state };
    expect({ victim: victim.index, state: started.state }).toEqual({ victim: target.index, state: 'closed' });
    expect(['closed', 'planned', 'signed']).toContain(left.state);

    clicks = await streaming;
    const resumed = await waitFor('a survivor to write the settlement', async () => {
      const now = await settlementNow();
      return now && now.updatedAt.getTime() !== left.updatedAt.getTime() ? now : undefined;
    }, 3 * LEASE_SECONDS.settlement * 1000 + 10_000, 25);
    const resumedSlot = slotAt(resumed.updatedAt, LEASE_SECONDS.settlement);
    facts.settlementResumedAfterSlots = resumedSlot - slotAt(killedAt, LEASE_SECONDS.settlement);
    // Not while the dead holder's slots last (its claims stay: nobody released them), and within two slots.
    const victimSlots = (await leaseClaims('settlement')).filter((claim) => claim.holder === holder).map((claim) => claim.slot);
    expect(victimSlots).not.toEqual([]);
    expect(resumedSlot).toBeGreaterThan(Math.max(...victimSlots));
    expect(resumedSlot).toBeLessThanOrEqual(slotAt(killedAt, LEASE_SECONDS.settlement) + 2);
    settlement = await waitFor('the settlement to be broadcast', async () => {
      const now = await settlementNow();
      return now?.state === 'broadcast' ? now : undefined;
    }, 30_000);
    expect(settlement.transactions).toHaveLength(1);
    expect(settlement.lastError ?? null).toBeNull();
  }, 120_000);

  it('stores every click answered once, in the month its answer named, and settles exactly the closed month\'s clicks', async () => {
    const next = nextPeriod(period);
    const answered = clicks.filter((click) => click.status !== undefined);
    // Only requests in flight to the killed instance may go unanswered; every answer is a 201.
    expect(answered.map((click) => click.status).filter((status) => status !== 201)).toEqual([]);
    expect(clicks.filter((click) => click.error !== undefined && cluster[click.instance]?.alive())).toEqual([]);
    facts.clicks = { [period]: answered.filter((click) => click.period === period).length, [next]: answered.filter((click) => click.period === next).length, unanswered: clicks.length - answered.length };
    expect(new Set(answered.map((click) => click.period))).toEqual(new Set([period, next]));

    const stored = await ClickModel.find({ donorId: { $in: donors.map((donor) => donor.id) } }).lean();
    const buttonClicks = stored.filter((click) => click.source === 'button');
    const storedById = new Map(buttonClicks.map((click) => [click._id, click]));
    for (const click of answered) expect(storedById.get(click.id as string)?.period).toBe(click.period);
    // Nothing stored that nobody asked for, and no thing clicked twice by one donor in any month.
    const attempted = new Set(clicks.map((click) => `${click.donorId}:${click.thingId}`));
    const pairs = buttonClicks.map((click) => `${click.donorId.toHexString()}:${click.thingId.toHexString()}`);
    expect(pairs.filter((pair) => !attempted.has(pair))).toEqual([]);
    expect(pairs.length).toBe(new Set(pairs).size);
    expect(answered.every((click) => storedById.has(click.id as string))).toBe(true);

    const closedMonth = stored.filter((click) => click.period === period);
    expect(closedMonth.filter((click) => click.source === 'subscription')).toHaveLength(1);
    expect(settlement.summary?.clicks).toBe(closedMonth.length);
    expect(settlement.summary?.donorsCharged).toBe(donors.length);
  });

  it('kills the scanner holder mid-pass; a survivor scans on within two slots and the month confirms', async () => {
    const from = (await ChainCursorModel.findById(SETTLEMENT_CHAIN.name).lean())?.height ?? 0;
    // Straight to the node, not through the faucet (which would read every block itself).
    const mining = rpc.generateToAddress(BLOCKS_TO_SCAN, faucet.address);
    const midPass = await waitFor('the scanner cursor to move while below the tip', async () => {
      const [cursor, tip] = await Promise.all([ChainCursorModel.findById(SETTLEMENT_CHAIN.name).lean(), rpc.getBlockCount()]);
      return cursor && cursor.height > from && cursor.height < tip ? cursor : undefined;
    }, 60_000, 20);
    const holder = await waitFor('a scanner lease holder', () => currentHolder('scanner', LEASE_SECONDS.scanner), 5_000, 20);
    const victim = instanceOf(cluster, holder);
    await victim.kill();
    const killedSlot = slotAt(Date.now(), LEASE_SECONDS.scanner);
    const leftAt = (await ChainCursorModel.findById(SETTLEMENT_CHAIN.name).lean())?.height;
    await mining;
    const tip = await rpc.getBlockCount();
    facts.scannerKilled = { instance: victim.index, cursor: leftAt, from, tip };
    expect(leftAt).toBeLessThan(tip);
    expect(midPass.height).toBeGreaterThan(from);

    await waitFor('a survivor to scan to the tip', async () => ((await ChainCursorModel.findById(SETTLEMENT_CHAIN.name).lean())?.height === tip ? true : undefined), 90_000, 250);
    const takeover = (await leaseClaims('scanner')).find((claim) => claim.slot > killedSlot - 1 && claim.holder !== holder);
    facts.scannerTakenOverAfterSlots = takeover === undefined ? null : takeover.slot - killedSlot;
    expect(takeover?.slot).toBeLessThanOrEqual(killedSlot + 2);
    expect(live()).toHaveLength(1);

    settlement = await waitFor(
      `the settlement to be confirmed (still ${(await settlementNow())?.state}: a month stuck in "broadcast" is the scanner's stale view of issue 12)`,
      async () => {
        const now = await settlementNow();
        return now?.state === 'confirmed' ? now : undefined;
      },
      30_000,
      250,
    ).catch(async (error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; state now ${(await settlementNow())?.state}\n${instancesOutput(cluster)}`);
    });
  }, 180_000);

  it('paid every creator exactly once, exactly what the closed month\'s clicks earned, read from the chain itself', async () => {
    const closedMonth = await ClickModel.find({ period }).sort({ at: 1, _id: 1 }).lean();
    const expected = expectedPayouts(closedMonth, donors, FEE_BPS);
    expect([...expected.creators.keys()].sort()).toEqual(creators.map((creator) => creator.id).sort());
    const audit = await chainAudit();
    const outputsTo = (address: string) => [...audit.transactions.values()].flatMap((tx) => tx.outputs).filter((output) => output.address === address);
    for (const creator of creators) {
      const outputs = outputsTo(creator.payoutAddress);
      expect({ creator: creator.id, payments: outputs.length, amount: outputs[0]?.value }).toEqual({ creator: creator.id, payments: 1, amount: expected.creators.get(creator.id) });
      expect(await accountBalance(creatorAccount(creator.id))).toBe(0n);
    }
    // The fee address got the service fee less the network fee, which the chain shows as inputs minus outputs.
    const [tx] = settlement.transactions;
    const onChain = audit.transactions.get(tx?.txid as string);
    const networkFee = spentValueOf(audit, tx?.txid as string) - (onChain?.outputs ?? []).reduce((sum, output) => sum + output.value, 0n);
    expect(outputsTo(feeAddress).map((output) => output.value)).toEqual([expected.serviceFee - networkFee]);
    expect(settlement.summary).toMatchObject({ charged: expected.charged, serviceFee: expected.serviceFee, networkFee });
  }, 60_000);

  it('leaves the ledger equal to the chain: journals balance, custody is what the wallet holds, no donor charged above budget or balance', async () => {
    for (const donor of donors) {
      const charge = donor.budget < donor.deposit ? donor.budget : donor.deposit;
      expect(await accountBalance(donorAccount(donor.id))).toBe(donor.deposit - charge);
    }
    expect(await unbalancedJournals()).toEqual([]);
    const wallet = new Set((await WalletAddressModel.find({}, { _id: 1 }).lean()).map((row) => row._id));
    const chainUnspent = unspentValueOf(await chainAudit(), wallet);
    const owed = [...(await balancesByPrefix('donor:')).values(), ...(await balancesByPrefix('creator:')).values(), ...(await balancesByPrefix('platform:')).values()];
    expect(chainUnspent).toBe(-(await accountBalance(CUSTODY_ACCOUNT)));
    expect(chainUnspent).toBe(owed.reduce((sum, amount) => sum + amount, 0n));
  }, 60_000);
});

import { randomBytes } from 'node:crypto';
import mongoose, { Types } from 'mongoose';
import { chainProfile, type ChainProfile } from '../../src/chain/profiles';
import { AccountModel } from '../../src/db/account';
import { forEachChunk } from '../../src/db/chunks';
import { ClaimModel } from '../../src/db/claim';
import { ClickModel, clickKey } from '../../src/db/click';
import { COUNTER_DEPOSIT_INDEX, CounterModel, counterClaimKey } from '../../src/db/counter';
import { connectDatabase, disconnectDatabase, syncAllIndexes } from '../../src/db/connection';
import { SlotLease } from '../../src/db/lease';
import { ThingModel } from '../../src/db/thing';
import { WalletAddressModel } from '../../src/db/wallet-address';
import { AddressDeriver } from '../../src/keys/hd';
import { createLogger } from '../../src/log';
import { COIN, formatCoins } from '../../src/money/amount';
import { nextPeriod, periodBounds } from '../../src/money/period';
import { JsonRpcChainClient } from '../../src/node/rpc-client';
import { startRegtestNode } from '../../src/runtime/embedded/bcoin-node';
import { startMongoServer, type MongoServer } from '../../src/runtime/embedded/mongo-server';
import { bumpWalletAddressesVersion } from '../../src/services/wallet-watch/address-counters';
import { SettlementService, type SettlementCheckpoint } from '../../src/services/settlement/state-machine';
import { DepositScanner } from '../../src/services/wallet-watch/scanner';
import { createSigner } from '../../src/signer/hd-signer';
import { findDogecoind, startDogecoinNode } from '../regtest/dogecoin-node';
import { RegtestFaucet } from '../regtest/faucet';
import { CommandProfiler, profileLines, type CommandProfile } from './db-profile';

/**
 * `npm run bench:month` (issue 13): whole months through the database, the regtest node and the
 * settlement service, not the pure functions alone. Donors fund their deposit addresses on chain
 * (the real scanner credits them), clicks are written for the month, and the service closes,
 * plans, builds, signs, stores, broadcasts and confirms it. Then the next month, and so on: the
 * last month's time against the first says whether the cost grows with history.
 *
 *   npx tsx scripts/bench/month.ts [--donors N] [--clicks N] [--creators N] [--months N]
 *                                  [--node dogecoind|bcoin] [--json] [--profile]
 *
 * MONGODB_URI chooses the database server (a fresh database on it, dropped at the end); without
 * it the embedded FerretDB starts. Exit code 1 when a target is missed (first month over 120 s,
 * last month over 1.2x the first, peak memory of this process over 1 GiB). --profile times every
 * database command by step (db-profile.ts) and prints where each step's database time went.
 */

const TARGETS = { firstMonthSeconds: 120, lastToFirst: 1.2, peakBytes: 1024 ** 3 };
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const MIN_CONFIRMATIONS = 2;
const FEE_BPS = 1000;
/** Outputs per funding transaction: 34 bytes each keeps it far under the 100 kB standard size. */
const FUNDING_OUTPUTS_PER_TX = 2_000;
const FIRST_PERIOD = '2026-01';

interface Options {
  donors: number;
  clicks: number;
  creators: number;
  months: number;
  node: 'dogecoind' | 'bcoin';
  json: boolean;
  profile: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const usage = 'usage: month.ts [--donors N] [--clicks N] [--creators N] [--months N] [--node dogecoind|bcoin] [--json] [--profile]';
  const options: Options = { donors: 10_000, clicks: 100_000, creators: 1_000, months: 12, node: findDogecoind() === undefined ? 'bcoin' : 'dogecoind', json: false, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    if (flag === '--json' || flag === '--profile') {
      options[flag === '--json' ? 'json' : 'profile'] = true;
      continue;
    }
    const value = argv[i + 1] ?? '';
    i++;
    if (flag === '--node') {
      if (value !== 'dogecoind' && value !== 'bcoin') throw new Error(`${usage}; --node is dogecoind or bcoin, not "${value}"`);
      options.node = value;
      continue;
    }
    const key = flag.replace(/^--/, '');
    const number = Number(value);
    if (!['donors', 'clicks', 'creators', 'months'].includes(key) || !Number.isInteger(number) || number <= 0) throw new Error(`${usage}; bad "${flag} ${value}"`);
    options[key as 'donors' | 'clicks' | 'creators' | 'months'] = number;
  }
  if (options.clicks < options.donors) throw new Error('--clicks must be at least --donors (every donor clicks at least once)');
  if (Math.ceil(options.clicks / options.donors) > options.creators) throw new Error('a donor cannot click more things than there are creators');
  return options;
}

interface Chain {
  profile: ChainProfile;
  rpcUrl: string;
  stop(): Promise<void>;
}

async function startChain(kind: Options['node'], log: (message: string) => void): Promise<Chain> {
  if (kind === 'dogecoind') {
    const node = await startDogecoinNode({ log });
    return { profile: chainProfile('dogecoin-regtest'), rpcUrl: node.rpcUrl, stop: () => node.stop() };
  }
  const node = await startRegtestNode({ log });
  return { profile: chainProfile('bcoin-regtest'), rpcUrl: node.rpcUrl, stop: () => node.stop() };
}

/** Peak resident memory of this process, sampled (the database and the node run in their own). */
class PeakMemory {
  peak = process.memoryUsage().rss;
  readonly #timer = setInterval(() => this.sample(), 100);
  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }
  stop(): void {
    clearInterval(this.#timer);
  }
}

type Step = 'close' | 'plan' | 'book' | 'sign' | 'broadcast' | 'mine+scan' | 'confirm+payout-journal' | 'mark-confirmed';
interface MonthReport {
  period: string;
  clicks: number;
  transactions: number;
  steps: Record<Step, number>;
  totalMs: number;
  peakRss: number;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const log = (message: string): void => {
    process.stderr.write(`${message}\n`);
  };
  const memory = new PeakMemory();
  let mongo: MongoServer | undefined;
  let chain: Chain | undefined;
  const dbName = `bench-month-${randomBytes(4).toString('hex')}`;
  try {
    const uri = process.env.MONGODB_URI ?? (mongo = await startMongoServer({ log })).uri;
    log(`database ${dbName} on ${mongo?.kind ?? 'MONGODB_URI'}; node ${options.node}`);
    if (options.profile) {
      // As connectDatabase does, plus the driver's command events (they cannot be switched on later).
      mongoose.set('strictQuery', true);
      await mongoose.connect(uri, { dbName, useBigInt64: true, autoIndex: false, autoCreate: false, monitorCommands: true });
      await syncAllIndexes();
    } else {
      await connectDatabase({ uri, dbName });
    }
    chain = await startChain(options.node, log);
    const reports = await runMonths(options, chain, log);
    memory.sample();
    return report(options, reports, memory.peak);
  } finally {
    memory.stop();
    try {
      await mongoose.connection.db?.dropDatabase();
    } catch {
      // The server may be gone already; the database was a throwaway one.
    }
    await disconnectDatabase();
    await chain?.stop();
    await mongo?.stop();
  }
}

async function runMonths(options: Options, chain: Chain, log: (message: string) => void): Promise<MonthReport[]> {
  const profile = chain.profile;
  const rpc = new JsonRpcChainClient(chain.rpcUrl);
  const signer = createSigner(profile, { mnemonic: MNEMONIC });
  const deriver = new AddressDeriver(profile, signer.accountXpub());
  const faucet = new RegtestFaucet(rpc, profile);
  const silent = createLogger('silent');
  let now = periodBounds(FIRST_PERIOD).start;
  const clock = (): Date => now;
  const scanner = new DepositScanner({ rpc, chain: profile, minConfirmations: MIN_CONFIRMATIONS, log: silent, clock, startHeight: 0 });

  // Budgets sized so that every payout is far above the chain's dust (v1.14.1 charges extra under 1 DOGE).
  const budget = 10n * COIN;
  const clicksPerDonor = Math.floor(options.clicks / options.donors);
  // A year's budgets however many months run, so that a short run spends the same inputs a month as a full one.
  const deposit = budget * BigInt(Math.max(options.months, 12)) + COIN;
  log(`setting up: ${options.creators} creators with a thing each, ${options.donors} donors with ${formatCoins(budget)} a month, funded on chain...`);
  const setupStart = Date.now();
  const profiler = options.profile ? new CommandProfiler() : undefined;
  const phase = phaseTimer(log, profiler);
  await faucet.prepare(profile.coinbaseMaturity + 20);
  await scanner.scanOnce();
  phase('faucet prepared and first scan');

  const creatorIds: Types.ObjectId[] = [];
  const thingIds: Types.ObjectId[] = [];
  const donors: { id: Types.ObjectId; address: string }[] = [];
  const accounts: Record<string, unknown>[] = [];
  const ids = Array.from({ length: options.creators + options.donors }, () => new Types.ObjectId());
  const addresses = await allocateDepositAddresses(deriver, ids, now);
  ids.forEach((id, i) => {
    const { index, address } = addresses[i] as { index: number; address: string };
    const isCreator = i < options.creators;
    if (isCreator) creatorIds[i] = id;
    else donors[i - options.creators] = { id, address };
    accounts[i] = {
      _id: id,
      handle: `${isCreator ? 'creator' : 'donor'}${i}`,
      handleKey: `${isCreator ? 'creator' : 'donor'}${i}`,
      passwordHash: 'x',
      depositIndex: index,
      depositAddress: address,
      monthlyBudget: isCreator ? 0n : budget,
      ...(isCreator ? { payoutAddress: unwatchedAddress(deriver, 1_000_000 + i) } : {}),
    };
  });
  for (const chunk of chunks(accounts, 1_000)) await AccountModel.insertMany(chunk, { lean: true });
  const things = creatorIds.map((ownerId, i) => {
    const _id = new Types.ObjectId();
    thingIds.push(_id);
    return { _id, url: `https://example.org/thing/${i}`, title: `thing ${i}`, ownerId, createdAt: now };
  });
  await ThingModel.insertMany(things, { lean: true });
  phase('accounts, deposit addresses and things');

  // One funding transaction per block, as deposits arrive over time.
  for (const chunk of chunks(donors, FUNDING_OUTPUTS_PER_TX)) {
    await faucet.pay(chunk.map((donor) => ({ address: donor.address, amount: deposit })));
    await faucet.mine(1);
  }
  await faucet.mine(MIN_CONFIRMATIONS);
  phase('funding transactions sent and mined');
  const funded = await scanner.scanOnce();
  phase('deposits scanned and credited');
  log(`set up in ${((Date.now() - setupStart) / 1000).toFixed(1)} s (scanner: ${funded.received} outputs received, ${funded.credited} credited)`);

  const marks = new Map<SettlementCheckpoint, number>();
  const service = new SettlementService({
    rpc,
    chain: profile,
    settings: { serviceFeeBps: FEE_BPS, minConfirmations: MIN_CONFIRMATIONS, unclaimedMonths: 6, feeAddress: unwatchedAddress(deriver, 2_000_000) },
    deriver,
    signer: () => signer,
    lease: new SlotLease('settlement', 'bench-month', 10 * 60_000, () => new Date()),
    clock,
    log: silent,
    sleep: () => Promise.resolve(),
    checkpoint: (name) => {
      marks.set(name, performance.now());
      if (profiler !== undefined) addProfile(stepProfiles, STEP_OF_CHECKPOINT[name], profiler.take());
    },
  });
  let stepProfiles = new Map<string, CommandProfile>();

  const reports: MonthReport[] = [];
  let period = FIRST_PERIOD;
  for (let month = 1; month <= options.months; month++) {
    const bounds = periodBounds(period);
    now = new Date(bounds.start.getTime() + 60_000);
    await writeClicks(period, donors, creatorIds, thingIds, clicksPerDonor, month, now);
    phase(`${period}: clicks written`);
    now = new Date(bounds.end.getTime() + 60_000);
    marks.clear();
    stepProfiles = new Map();
    const monthMemory = new PeakMemory();
    const start = performance.now();
    const executed = await service.execute(period);
    if (executed.state !== 'broadcast' && executed.state !== 'confirmed') throw new Error(`${period} stopped in state ${executed.state}: ${executed.lastError ?? 'no error recorded'}`);
    const broadcastDone = performance.now();
    if (profiler !== undefined) addProfile(stepProfiles, 'broadcast', profiler.take());
    // A month of many inputs may be more transactions than one block holds: mine until all are in.
    for (let block = 0; block < 20 && (await rpc.getRawMempool()).length > 0; block++) await faucet.mine(1);
    await faucet.mine(MIN_CONFIRMATIONS);
    await scanner.scanOnce();
    const scanned = performance.now();
    if (profiler !== undefined) addProfile(stepProfiles, 'mine+scan', profiler.take());
    const followed = await service.followConfirmations();
    const end = performance.now();
    if (profiler !== undefined) addProfile(stepProfiles, 'mark-confirmed', profiler.take());
    monthMemory.stop();
    const settled = followed.find((s) => s._id === period) ?? executed;
    if (settled.state !== 'confirmed') throw new Error(`${period} did not confirm: state ${settled.state}`);
    const at = (name: SettlementCheckpoint, fallback: number): number => marks.get(name) ?? fallback;
    const closed = at('closed', start);
    const planned = at('planned', closed);
    const booked = at('ledger-closed', planned);
    const signed = at('signed', booked);
    const recorded = at('recorded-broadcast', signed);
    const journal = at('payout-journal', end);
    reports.push({
      period,
      clicks: clicksPerDonor * donors.length,
      transactions: settled.transactions.length,
      steps: {
        close: closed - start,
        plan: planned - closed,
        book: booked - planned,
        sign: signed - booked,
        broadcast: recorded - signed,
        'mine+scan': scanned - broadcastDone,
        'confirm+payout-journal': journal - scanned,
        'mark-confirmed': end - journal,
      },
      totalMs: end - start - (scanned - broadcastDone),
      peakRss: monthMemory.peak,
    });
    const last = reports[reports.length - 1] as MonthReport;
    log(`${period}: settled in ${(last.totalMs / 1000).toFixed(1)} s (${last.transactions} transactions; ${Object.entries(last.steps).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ')})`);
    for (const [step, stepProfile] of stepProfiles) for (const line of profileLines(stepProfile)) log(`  ${step.padEnd(22)} ${line}`);
    period = nextPeriod(period);
  }
  return reports;
}

/** Which step a checkpoint ends (the profile of the commands since the previous one goes to it). */
const STEP_OF_CHECKPOINT: Record<SettlementCheckpoint, Step> = {
  closed: 'close',
  planned: 'plan',
  'ledger-closed': 'book',
  signed: 'sign',
  sent: 'broadcast',
  'recorded-broadcast': 'broadcast',
  'payout-journal': 'confirm+payout-journal',
};

function addProfile(into: Map<string, CommandProfile>, step: string, profile: CommandProfile): void {
  const sum = into.get(step) ?? {};
  for (const [key, time] of Object.entries(profile)) {
    const entry = (sum[key] ??= { calls: 0, ms: 0, docs: 0 });
    entry.calls += time.calls;
    entry.ms += time.ms;
    entry.docs += time.docs;
  }
  into.set(step, sum);
}

/** Logs the time since the previous phase (and, profiling, its slowest database commands). */
function phaseTimer(log: (message: string) => void, profiler: CommandProfiler | undefined): (name: string) => void {
  let since = performance.now();
  return (name) => {
    const now = performance.now();
    log(`  ${name}: ${((now - since) / 1000).toFixed(1)} s`);
    since = now;
    if (profiler !== undefined) for (const line of profileLines(profiler.take())) log(`    ${line}`);
  };
}

/** The month's clicks as the API writes them (one per donor and thing), in bulk. */
async function writeClicks(
  period: string,
  donors: readonly { id: Types.ObjectId }[],
  creatorIds: readonly Types.ObjectId[],
  thingIds: readonly Types.ObjectId[],
  perDonor: number,
  month: number,
  at: Date,
): Promise<void> {
  const clicks: Record<string, unknown>[] = [];
  donors.forEach((donor, d) => {
    const first = (d * 7919 + month * 104_729) % thingIds.length;
    for (let j = 0; j < perDonor; j++) {
      const t = (first + j) % thingIds.length;
      const thingId = thingIds[t] as Types.ObjectId;
      clicks.push({ _id: clickKey(period, donor.id, thingId), period, donorId: donor.id, thingId, creatorId: creatorIds[t], at, source: 'button' });
    }
  });
  await forEachChunk(clicks, { size: 1_000, concurrency: 4 }, async (chunk) => {
    await ClickModel.insertMany(chunk, { lean: true, ordered: false });
  });
}

/**
 * What allocateDepositAddress does for each account (the counter's value claimed, the address
 * registered for the scanner, the scanners told), for all accounts at once: one increment of the
 * counter by their number and bulk inserts. One at a time, four round trips each on a contended
 * counter document, 11,000 accounts took minutes of set-up on a loaded machine, which is not what
 * this bench measures (the allocation itself is tested in the accounts' integration tests).
 */
async function allocateDepositAddresses(deriver: AddressDeriver, ids: readonly Types.ObjectId[], at: Date): Promise<Array<{ index: number; address: string }>> {
  const counter = await CounterModel.findOneAndUpdate({ _id: COUNTER_DEPOSIT_INDEX }, { $inc: { next: ids.length } }, { upsert: true, new: true, lean: true });
  if (!counter) throw new Error('deposit index counter: upsert returned no document');
  const first = counter.next - ids.length;
  const allocated = ids.map((id, i) => ({ index: first + i, address: deriver.depositAddress(first + i), accountId: id.toHexString() }));
  for (const chunk of chunks(allocated, 1_000)) {
    await ClaimModel.insertMany(chunk.map(({ index }) => ({ _id: counterClaimKey(COUNTER_DEPOSIT_INDEX, index) })), { lean: true });
    await WalletAddressModel.insertMany(chunk.map(({ index, address, accountId }) => ({ _id: address, kind: 'deposit', index, accountId, createdAt: at })), { lean: true });
  }
  await bumpWalletAddressesVersion();
  return allocated.map(({ index, address }) => ({ index, address }));
}

function unwatchedAddress(deriver: AddressDeriver, index: number): string {
  // Change-chain addresses far above what the service hands out: valid, and not watched.
  return deriver.changeAddress(index);
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

function report(options: Options, months: readonly MonthReport[], peakRss: number): number {
  const first = months[0];
  const last = months[months.length - 1];
  if (first === undefined || last === undefined) return 1;
  const ratio = last.totalMs / first.totalMs;
  // Month 1 also books every deposit of the set-up into its ledger book: month 2 is the like-for-like base.
  const second = months[1];
  const ratioToSecond = second === undefined || months.length < 3 ? null : last.totalMs / second.totalMs;
  const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
  const summary = {
    database: process.env.MONGODB_URI === undefined ? 'embedded FerretDB' : 'MONGODB_URI',
    node: options.node,
    donors: options.donors,
    clicksPerMonth: first.clicks,
    creators: options.creators,
    months: months.map((m) => ({ ...m, steps: Object.fromEntries(Object.entries(m.steps).map(([k, v]) => [k, Math.round(v)])), totalMs: Math.round(m.totalMs) })),
    firstMonthSeconds: first.totalMs / 1000,
    lastMonthSeconds: last.totalMs / 1000,
    lastToFirst: ratio,
    lastToSecond: ratioToSecond,
    peakRss,
  };
  if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    process.stdout.write(`\n${options.donors} donors, ${first.clicks} clicks a month, ${options.creators} creators; ${summary.database}, ${options.node}\n`);
    process.stdout.write(`month 1 (${first.period}): ${(first.totalMs / 1000).toFixed(1)} s; month ${months.length} (${last.period}): ${(last.totalMs / 1000).toFixed(1)} s; ratio ${ratio.toFixed(2)}\n`);
    if (ratioToSecond !== null) process.stdout.write(`month ${months.length} to month 2 (no set-up deposits to book): ${ratioToSecond.toFixed(2)}\n`);
    process.stdout.write(`peak memory of the service process: ${mib(peakRss)} (the database and the node run apart)\n`);
    process.stdout.write('(times exclude mining and the scanner pass between broadcast and confirm, shown as mine+scan)\n');
  }
  const missed: string[] = [];
  if (first.totalMs / 1000 > TARGETS.firstMonthSeconds) missed.push(`first month ${(first.totalMs / 1000).toFixed(1)} s > ${TARGETS.firstMonthSeconds} s`);
  if (months.length > 1 && ratio > TARGETS.lastToFirst) missed.push(`last/first ${ratio.toFixed(2)} > ${TARGETS.lastToFirst}`);
  if (peakRss > TARGETS.peakBytes) missed.push(`peak ${mib(peakRss)} > 1 GiB`);
  for (const line of missed) process.stderr.write(`TARGET MISSED: ${line}\n`);
  return missed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:month failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);

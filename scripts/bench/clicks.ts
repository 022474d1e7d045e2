import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Express } from 'express';
import mongoose, { Types } from 'mongoose';
import pino from 'pino';
import { z } from 'zod';
import { AddressDeriver } from '../../src/keys/hd';
import { createSigner } from '../../src/signer/hd-signer';
import { chainProfile, type ChainProfile } from '../../src/chain/profiles';
import { loadConfig, type Config } from '../../src/config/config';
import { sessionKeyOf } from '../../src/config/derived-secrets';
import { AccountModel } from '../../src/db/account';
import { ClickModel, clickKey } from '../../src/db/click';
import { connectDatabase, disconnectDatabase, syncAllIndexes } from '../../src/db/connection';
import { ThingModel } from '../../src/db/thing';
import { createApp } from '../../src/http/app';
import type { AppDeps } from '../../src/http/deps';
import { RATE_LIMIT_BUCKETS, type RateLimitSettings } from '../../src/http/rate-limit';
import { defineRoute, type Route } from '../../src/http/route';
import { ALL_ROUTES } from '../../src/http/routes';
import { objectId } from '../../src/http/schemas';
import { createLogger } from '../../src/log';
import { periodOf } from '../../src/money/period';
import { flattr } from '../../src/services/clicks/clicks';
import { DEFAULT_PASSWORD_HASH_PARAMS, hashPassword } from '../../src/services/accounts/passwords';
import { accountIdForToken, issueSession } from '../../src/services/accounts/sessions';
import { findThing } from '../../src/services/things/things';
import { startMongoServer, type MongoServer } from '../../src/runtime/embedded/mongo-server';
import { CommandProfiler, type CommandProfile } from './db-profile';

/**
 * Load on the flattr endpoint (issue 4): many donors with real sessions and many things on a real
 * database, every request a fresh (donor, thing) pair so each answers 201 with one inserted
 * click, beside a baseline route that does one insert into the same database through the same
 * app (headers, request log, route machinery). Target: flattr at least 0.6 of the baseline's
 * requests/s. The load generator (autocannon) runs in a worker thread, the app in this one.
 *
 *   npx tsx scripts/bench/clicks.ts [--duration 10] [--connections 10] [--donors 2000] [--things 2000] [--profile]
 *
 * Exit code 1 when a flattr answered anything but 201 (the figures would be meaningless) or the
 * ratio is below the target. Everything listens on 127.0.0.1; the database is a temporary one.
 */

export const TARGET_RATIO = 0.6;
const FLATTR_ROUTE = 'POST /api/v1/things/:id/flattr';
const BASELINE_PATH = '/bench/baseline-insert';
const WARMUP_SECONDS = 2;
const PROFILE_STEP_SECONDS = 3;
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

// --- the load generator (worker thread) ------------------------------------------------------

type Target = { kind: 'fixed'; method: 'GET' | 'POST'; path: string } | { kind: 'flattr'; tokens: readonly string[]; thingIds: readonly string[] };

interface LoadJob {
  url: string;
  target: Target;
  seconds: number;
  connections: number;
  /** Index of the first (donor, thing) pair this run may use; pairs are never reused. */
  firstPair: number;
}

export interface LoadFigures {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** The first few non-2xx bodies, to say why. */
  failures: string[];
  /** The next unused pair index. */
  nextPair: number;
  /** This process's CPU (app and load generator threads) per completed request, ms; set by the main thread. */
  cpuMsPerRequest?: number;
}

/** What autocannon resolves with inside a worker thread: not aggregated (see `aggregateResult`). */
interface AutocannonRawResult {
  totalCompletedRequests: number;
  /** Seconds. */
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
  onResponse?: (status: number, body: string) => void;
}
interface Autocannon {
  (options: Record<string, unknown>): Promise<AutocannonRawResult>;
  aggregateResult(results: AutocannonRawResult[], options: Record<string, unknown>): { latency: { p50: number; p99: number } };
}

async function generateLoad(job: LoadJob): Promise<LoadFigures> {
  // No @types/autocannon in the project: the few fields used here are typed above.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped package, typed above
  const autocannon = require('autocannon') as Autocannon;
  const { target } = job;
  let pair = job.firstPair;
  const failures: string[] = [];
  const onResponse = (status: number, body: string): void => {
    if (status >= 300 && failures.length < 3) failures.push(`${status} ${body.slice(0, 300)}`);
  };
  const request: AutocannonRequest =
    target.kind === 'fixed'
      ? { method: target.method, path: target.path, onResponse }
      : {
          method: 'POST',
          path: '/',
          // Pair k is donor k mod D and thing floor(k / D): unique while k < D * T.
          setupRequest: (req) => {
            const donor = pair % target.tokens.length;
            const thing = Math.floor(pair / target.tokens.length);
            pair += 1;
            return { ...req, path: `/api/v1/things/${target.thingIds[thing]}/flattr`, headers: { authorization: `Bearer ${target.tokens[donor]}` } };
          },
          onResponse,
        };
  const options = {
    url: job.url,
    connections: job.connections,
    pipelining: 1,
    duration: job.seconds,
    // Stop before the pairs run out (each setupRequest call takes one; a few are built unsent).
    ...(target.kind === 'flattr' ? { maxOverallRequests: target.tokens.length * target.thingIds.length - job.firstPair - 2 * job.connections } : {}),
    requests: [request],
  };
  // Outside the main thread autocannon leaves the latency histogram encoded, for its own workers.
  const raw = await autocannon(options);
  const { latency } = autocannon.aggregateResult([raw], options);
  return {
    requests: raw.totalCompletedRequests,
    requestsPerSecond: raw.totalCompletedRequests / raw.duration,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    non2xx: raw.non2xx,
    errors: raw.errors,
    timeouts: raw.timeouts,
    statusCodes: Object.fromEntries(Object.entries(raw.statusCodeStats).map(([code, stats]) => [code, stats.count])),
    failures,
    nextPair: pair,
  };
}

/** Runs one load job in a worker thread, so that the client does not share the app's event loop. */
function loadInWorker(job: LoadJob): Promise<LoadFigures> {
  const worker = new Worker(__filename, { workerData: job, execArgv: ['--require', require.resolve('tsx/cjs')] });
  return new Promise((resolve, reject) => {
    worker.once('message', (figures: LoadFigures) => {
      resolve(figures);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the load worker exited with code ${code} before reporting`)));
  });
}

// --- the app and its data (main thread) ------------------------------------------------------

export interface ClicksBenchOptions {
  seconds: number;
  connections: number;
  donors: number;
  things: number;
  /** Accounts that own the things (never donors: nobody can flattr their own thing). */
  creators: number;
  /** Also time each step of a flattr alone, and the request pipeline without the database. */
  profile: boolean;
  /** A database server to use (a temporary database in it, dropped at the end); default: the embedded FerretDB. */
  mongodbUri?: string;
  log: (message: string) => void;
}

export interface ClicksBenchFigures {
  databaseKind: string;
  seedMs: number;
  baseline: LoadFigures;
  flattr: LoadFigures;
  ratio: number;
  /**
   * Clicks in the database after the runs: the 201s answered, plus at most one per connection and
   * run for requests still in flight when the load generator stopped.
   */
  clicksStored: number;
  clicksAnswered: number;
  profile?: string[];
}

interface Seeded {
  /** Signs and checks the seeded sessions' tokens (the app's key: one config for both). */
  sessionKey: Uint8Array;
  tokens: string[];
  donorIds: string[];
  thingIds: string[];
}

async function seed(options: ClicksBenchOptions, deriver: AddressDeriver, sessionKey: Uint8Array): Promise<Seeded> {
  const { log } = options;
  const now = new Date();
  // One real scrypt hash shared by every seeded account: nobody signs in with a password here,
  // and 2,000 hashes would take longer than the whole run.
  const passwordHash = await hashPassword(new Types.ObjectId().toHexString(), DEFAULT_PASSWORD_HASH_PARAMS);
  const accountCount = options.donors + options.creators;
  const accountIds = Array.from({ length: accountCount }, () => new Types.ObjectId());
  for (let start = 0; start < accountCount; start += 500) {
    const batch = accountIds.slice(start, start + 500).map((_id, offset) => {
      const index = start + offset;
      return { _id, handle: `bench_${index}`, passwordHash, depositIndex: index, depositAddress: deriver.depositAddress(index), createdAt: now };
    });
    await AccountModel.insertMany(batch);
    log(`seeding: ${Math.min(start + 500, accountCount)}/${accountCount} accounts`);
  }
  const donorIds = accountIds.slice(0, options.donors).map((id) => id.toHexString());
  const creatorIds = accountIds.slice(options.donors);

  const thingIds = Array.from({ length: options.things }, () => new Types.ObjectId());
  for (let start = 0; start < options.things; start += 500) {
    const batch = thingIds.slice(start, start + 500).map((_id, offset) => {
      const index = start + offset;
      return { _id, url: `https://bench.example.org/thing/${index}`, title: `Bench thing ${index}`, ownerId: creatorIds[index % creatorIds.length], createdAt: now };
    });
    await ThingModel.insertMany(batch);
    log(`seeding: ${Math.min(start + 500, options.things)}/${options.things} things`);
  }

  const tokens: string[] = [];
  for (let start = 0; start < donorIds.length; start += 50) {
    const issued = await Promise.all(donorIds.slice(start, start + 50).map((id) => issueSession(sessionKey, id, now, 24 * 60 * 60 * 1000)));
    tokens.push(...issued.map((session) => session.token));
    if (tokens.length % 500 === 0 || tokens.length === donorIds.length) log(`seeding: ${tokens.length}/${donorIds.length} sessions`);
  }
  return { sessionKey, tokens, donorIds, thingIds: thingIds.map((id) => id.toHexString()) };
}

/** The bench's own route: one small insert, through the same app as the product's routes. */
function baselineRoute(): Route {
  let n = 0;
  return defineRoute({
    method: 'post',
    path: BASELINE_PATH,
    summary: 'bench only: one insert',
    tags: ['bench'],
    auth: 'none',
    responses: { 201: { description: 'inserted', schema: z.strictObject({ ok: z.boolean() }) } },
    handler: async () => {
      await mongoose.connection.collection('bench_baseline').insertOne({ n: n++, at: new Date() });
      return { status: 201, body: { ok: true } };
    },
  });
}

function benchConfig(chain: ChainProfile, xpub: string): Config {
  return loadConfig({ NODE_ENV: 'development', CHAIN: chain.name, WALLET_XPUB: xpub, OPERATOR_TOKEN: randomBytes(32).toString('hex') });
}

function benchApp(config: Config, chain: ChainProfile, deriver: AddressDeriver, logLevel: 'info' | 'silent'): Express {
  const generous = Object.fromEntries(RATE_LIMIT_BUCKETS.map((bucket) => [bucket, { limit: 1_000_000_000, windowMs: 60_000 }])) as RateLimitSettings;
  const deps: AppDeps = {
    config,
    chain,
    deriver,
    clock: () => new Date(),
    // Request logs at 'info' as in production, written (asynchronously) to /dev/null.
    logger: createLogger(logLevel, pino.destination({ dest: '/dev/null', sync: false })),
    readiness: () => Promise.resolve({}),
    chainTip: () => Promise.resolve(0),
    rateLimits: generous,
  };
  return createApp(deps, [...ALL_ROUTES, baselineRoute()]);
}

async function listen(app: Express, servers: Server[]): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function runClicksBench(options: ClicksBenchOptions): Promise<ClicksBenchFigures> {
  const { log } = options;
  if (!ALL_ROUTES.some((route) => `${route.method.toUpperCase()} ${route.path}` === FLATTR_ROUTE)) {
    throw new Error(`${FLATTR_ROUTE} is not in ALL_ROUTES (src/http/routes/index.ts): nothing to measure`);
  }
  let db: MongoServer | undefined;
  let connected = false;
  let dropAtEnd = false;
  const servers: Server[] = [];
  try {
    // Never a MONGODB_URI from the environment, the bench writes thousands of documents: only the
    // server --mongodb-uri names, and there a database of its own, dropped at the end.
    db = await startMongoServer({ externalUri: options.mongodbUri ?? '', log });
    log(`database: ${db.kind}${db.dataDir === undefined ? '' : ` (data in ${db.dataDir})`}`);
    const dbName = options.mongodbUri === undefined ? 'kibble_bench_clicks' : `kibble_bench_clicks_${randomBytes(4).toString('hex')}`;
    if (options.profile) {
      // As connectDatabase does, plus the driver's command events (they cannot be switched on later).
      mongoose.set('strictQuery', true);
      await mongoose.connect(db.uri, { dbName, useBigInt64: true, autoIndex: false, autoCreate: false, monitorCommands: true });
      connected = true;
      await syncAllIndexes();
    } else {
      await connectDatabase({ uri: db.uri, dbName });
      connected = true;
    }
    const profiler = options.profile ? new CommandProfiler() : undefined;
    if (options.mongodbUri !== undefined) dropAtEnd = true;

    const chain = chainProfile('bcoin-regtest');
    const xpub = createSigner(chain, { mnemonic: MNEMONIC }).accountXpub();
    const deriver = new AddressDeriver(chain, xpub);
    const seedStarted = Date.now();
    const config = benchConfig(chain, xpub);
    const seeded = await seed(options, deriver, sessionKeyOf(config));
    const seedMs = Date.now() - seedStarted;

    const url = await listen(benchApp(config, chain, deriver, 'info'), servers);
    log(`app listening on ${url}; ${options.connections} connections, ${options.seconds} s per run (after ${WARMUP_SECONDS} s of warm-up)`);
    const flattrTarget: Target = { kind: 'flattr', tokens: seeded.tokens, thingIds: seeded.thingIds };
    const baselineTarget: Target = { kind: 'fixed', method: 'POST', path: BASELINE_PATH };
    const run = async (target: Target, seconds: number, firstPair: number, at = url): Promise<LoadFigures> => {
      const cpu = process.cpuUsage();
      const figures = await loadInWorker({ url: at, target, seconds, connections: options.connections, firstPair });
      const used = process.cpuUsage(cpu);
      return { ...figures, cpuMsPerRequest: (used.user + used.system) / 1000 / Math.max(figures.requests, 1) };
    };

    log('warm-up');
    await run(baselineTarget, WARMUP_SECONDS, 0);
    const warm = await run(flattrTarget, WARMUP_SECONDS, 0);
    log(`baseline: one insert per request, ${options.seconds} s`);
    const baseline = await run(baselineTarget, options.seconds, 0);
    log(`flattr: a fresh (donor, thing) pair per request, ${options.seconds} s`);
    profiler?.take();
    const flattrRun = await run(flattrTarget, options.seconds, warm.nextPair);
    const flattrCommands = profiler?.take();
    profiler?.stop();
    const clicksStored = await ClickModel.countDocuments();

    let profile: string[] | undefined;
    if (options.profile) {
      log(`profile: each step alone, ${options.connections} at a time, ${PROFILE_STEP_SECONDS} s each`);
      profile = [
        `database commands of the measured flattr run (${flattrRun.requests} requests; times in flight together add up):`,
        ...commandLines(flattrCommands ?? {}, flattrRun.requests),
        ...(await profileSteps(seeded, url, flattrRun.nextPair, options.connections)),
      ];
      const quietUrl = await listen(benchApp(config, chain, deriver, 'silent'), servers);
      for (const [name, at] of [['GET /healthz (no database), request log on', url], ['GET /healthz (no database), request log off', quietUrl]] as const) {
        const figures = await run({ kind: 'fixed', method: 'GET', path: '/healthz' }, PROFILE_STEP_SECONDS, 0, at);
        profile.push(`${name.padEnd(48)} ${figures.requestsPerSecond.toFixed(0).padStart(7)} req/s   p50 ${figures.p50Ms} ms`);
      }
    }
    return {
      databaseKind: db.kind,
      seedMs,
      baseline,
      flattr: flattrRun,
      ratio: flattrRun.requestsPerSecond / baseline.requestsPerSecond,
      clicksStored,
      clicksAnswered: (warm.statusCodes['201'] ?? 0) + (flattrRun.statusCodes['201'] ?? 0),
      ...(profile === undefined ? {} : { profile }),
    };
  } finally {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    if (dropAtEnd) await mongoose.connection.dropDatabase().catch((error: unknown) => log(`dropping the bench database failed: ${String(error)}`));
    if (connected) await disconnectDatabase().catch(() => undefined);
    await db?.stop().catch((error: unknown) => log(`stopping the database failed: ${String(error)}`));
  }
}

// --- profile: the steps of a flattr, one at a time -------------------------------------------

/** Each command of a run, slowest first: calls per request and mean time (commands in flight together overlap). */
function commandLines(profile: CommandProfile, requests: number): string[] {
  return Object.entries(profile)
    .sort(([, a], [, b]) => b.ms - a.ms)
    .map(([key, time]) => `  ${key.padEnd(46)} ${(time.calls / Math.max(requests, 1)).toFixed(2).padStart(6)} per request   mean ${(time.ms / time.calls).toFixed(1)} ms   total ${time.ms.toFixed(0)} ms`);
}

/** `concurrency` loops calling `step` until the time is up: operations per second and mean latency. */
async function timeStep(name: string, concurrency: number, step: () => Promise<unknown>): Promise<string> {
  const deadline = performance.now() + PROFILE_STEP_SECONDS * 1000;
  let count = 0;
  let busyMs = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await step();
        busyMs += performance.now() - t0;
        count += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return `${name.padEnd(48)} ${(count / seconds).toFixed(0).padStart(7)} ops/s   mean ${(busyMs / count).toFixed(2)} ms`;
}

/** How the server runs a filter: FerretDB says whether it was pushed down to SQLite, MongoDB names its plan. */
async function planOf(collection: string, filter: unknown): Promise<string> {
  const explained = (await mongoose.connection.db?.command({ explain: { find: collection, filter }, verbosity: 'queryPlanner' })) ?? {};
  if ('filterPushdown' in explained) {
    const plan = (explained['queryPlanner'] as { Plan?: unknown } | undefined)?.Plan;
    return `filterPushdown ${String(explained['filterPushdown'])}, ${JSON.stringify(plan ?? null)}`;
  }
  const text = JSON.stringify(explained);
  return ['IDHACK', 'EXPRESS_IXSCAN', 'IXSCAN', 'COLLSCAN'].find((stage) => text.includes(stage)) ?? text.slice(0, 200);
}

/** The database calls one HTTP request makes (through mongoose's debug hook), each with its plan. */
async function queriesOf(what: string, send: () => Promise<Response>): Promise<string[]> {
  const calls: Array<{ collection: string; method: string; filter: unknown }> = [];
  mongoose.set('debug', (collection: string, method: string, ...args: unknown[]) => calls.push({ collection, method, filter: args[0] }));
  let res: Response;
  try {
    res = await send();
  } finally {
    mongoose.set('debug', false);
  }
  if (!res.ok) return [`${what}: answered ${res.status}, not profiled: ${(await res.text()).slice(0, 200)}`];
  const lines = [`database calls of ${what}:`];
  for (const call of calls) {
    const reads = ['find', 'findOne', 'countDocuments', 'distinct'].includes(call.method);
    const keys = reads && typeof call.filter === 'object' && call.filter !== null ? Object.keys(call.filter).join(', ') : '';
    lines.push(`  ${call.collection}.${call.method}(${keys})${reads ? `: ${await planOf(call.collection, call.filter)}` : ''}`);
  }
  return lines;
}

async function profileSteps(seeded: Seeded, url: string, firstPair: number, concurrency: number): Promise<string[]> {
  const { tokens, donorIds, thingIds } = seeded;
  let pair = firstPair;
  let i = 0;
  const nextPair = (): { donorId: string; thingId: string; token: string } => {
    const k = pair++;
    const donor = k % donorIds.length;
    return { donorId: donorIds[donor] ?? '', token: tokens[donor] ?? '', thingId: thingIds[Math.floor(k / donorIds.length)] ?? '' };
  };
  const any = <T>(list: readonly T[]): T => list[i++ % list.length] as T;
  const thing = await findThing(any(thingIds));
  const now = new Date();
  const probe = nextPair();
  const lines = [
    ...(await queriesOf('POST /api/v1/things/:id/flattr', () =>
      fetch(`${url}/api/v1/things/${probe.thingId}/flattr`, { method: 'POST', headers: { authorization: `Bearer ${probe.token}` } }),
    )),
    ...(await queriesOf('GET /t/:thingId/button.svg', () => fetch(`${url}/t/${probe.thingId}/button.svg`))),
  ];
  const paramsSchema = z.strictObject({ id: objectId });
  lines.push(await timeStep('validation (params schema, in process)', 1, () => Promise.resolve(paramsSchema.parse({ id: any(thingIds) }))));
  lines.push(await timeStep('auth: accountIdForToken (signed token)', concurrency, () => accountIdForToken(seeded.sessionKey, any(tokens), new Date())));
  lines.push(await timeStep('thing lookup: findThing (by _id)', concurrency, () => findThing(any(thingIds))));
  lines.push(
    await timeStep('click insert: ClickModel.create', concurrency, async () => {
      const { donorId, thingId } = nextPair();
      await ClickModel.create({ _id: clickKey(periodOf(now), new Types.ObjectId(donorId), new Types.ObjectId(thingId)), period: periodOf(now), donorId, thingId, creatorId: thing.ownerId, at: now, source: 'button' });
    }),
  );
  lines.push(await timeStep('flattr service: findThing + ClickModel.create', concurrency, () => {
      const { donorId, thingId } = nextPair();
      return flattr(donorId, thingId, now);
    }));
  lines.push(await timeStep('baseline: one insertOne', concurrency, () => mongoose.connection.collection('bench_baseline').insertOne({ n: -1, at: new Date() })));
  return lines;
}

// --- command line ----------------------------------------------------------------------------

function formatRun(name: string, run: LoadFigures): string {
  const codes = Object.entries(run.statusCodes).map(([code, count]) => `${code}: ${count}`).join(', ');
  const cpu = run.cpuMsPerRequest === undefined ? '' : `   bench process CPU ${run.cpuMsPerRequest.toFixed(2)} ms/request`;
  return `${name.padEnd(9)} ${run.requestsPerSecond.toFixed(0).padStart(6)} req/s   p50 ${run.p50Ms} ms   p99 ${run.p99Ms} ms   ${run.requests} requests (${codes})   non-2xx ${run.non2xx}   errors ${run.errors}   timeouts ${run.timeouts}${cpu}`;
}

export function formatClicksBench(figures: ClicksBenchFigures): string {
  const verdict = figures.ratio >= TARGET_RATIO ? 'PASS' : 'FAIL';
  return [
    `database: ${figures.databaseKind}; seeding took ${(figures.seedMs / 1000).toFixed(1)} s`,
    formatRun('baseline', figures.baseline),
    formatRun('flattr', figures.flattr),
    `clicks stored ${figures.clicksStored}, 201s answered ${figures.clicksAnswered} (warm-up included)`,
    `ratio flattr/baseline ${figures.ratio.toFixed(2)} (target >= ${TARGET_RATIO}): ${verdict}`,
    ...(figures.profile === undefined ? [] : ['', 'profile (steps alone, same database):', ...figures.profile.map((line) => `  ${line}`)]),
  ].join('\n');
}

const USAGE = `usage: npx tsx scripts/bench/clicks.ts [options]
  --duration <s>     seconds per measured run (default 10)
  --connections <n>  concurrent connections of the load generator (default 10)
  --donors <n>       donor accounts, each with a session (default 2000)
  --things <n>       things to flattr (default 2000)
  --creators <n>     accounts owning the things (default 100)
  --profile          then time each step of a flattr alone, and the app without the database
  --mongodb-uri <u>  run against this server (a temporary database in it, dropped at the end)
                     instead of the embedded FerretDB
  --help             this text`;

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got ${text}\n${USAGE}`);
  return value;
}

export function parseClicksArgs(argv: string[]): Omit<ClicksBenchOptions, 'log'> | 'help' {
  const text = { type: 'string' } as const;
  const flag = { type: 'boolean' } as const;
  const { values } = parseArgs({
    args: argv,
    options: { duration: text, connections: text, donors: text, things: text, creators: text, profile: flag, 'mongodb-uri': text, help: flag },
    strict: true,
  });
  if (values.help === true) return 'help';
  return {
    seconds: positiveInteger('duration', values.duration, 10),
    connections: positiveInteger('connections', values.connections, 10),
    donors: positiveInteger('donors', values.donors, 2000),
    things: positiveInteger('things', values.things, 2000),
    creators: positiveInteger('creators', values.creators, 100),
    profile: values.profile === true,
    ...(values['mongodb-uri'] === undefined ? {} : { mongodbUri: values['mongodb-uri'] }),
  };
}

function problemsOf(figures: ClicksBenchFigures, connections: number): string[] {
  const problems: string[] = [];
  const { flattr: run } = figures;
  if (run.non2xx > 0 || run.errors > 0 || run.timeouts > 0) {
    problems.push(`flattr: ${run.non2xx} non-2xx, ${run.errors} errors, ${run.timeouts} timeouts: the figures are meaningless\n  ${run.failures.join('\n  ')}`);
  }
  if (figures.baseline.non2xx > 0) problems.push(`the baseline answered ${figures.baseline.non2xx} non-2xx`);
  const inFlight = figures.clicksStored - figures.clicksAnswered;
  if (inFlight < 0 || inFlight > 2 * connections) problems.push(`${figures.clicksAnswered} clicks answered 201 but ${figures.clicksStored} are stored`);
  return problems;
}

if (!isMainThread) {
  generateLoad(workerData as LoadJob).then(
    (figures) => parentPort?.postMessage(figures),
    (error: unknown) => {
      throw error;
    },
  );
} else if (require.main === module) {
  const log = (message: string): void => {
    process.stderr.write(`[bench:clicks] ${message}\n`);
  };
  (async () => {
    const options = parseClicksArgs(process.argv.slice(2));
    if (options === 'help') {
      console.log(USAGE);
      return;
    }
    const figures = await runClicksBench({ ...options, log });
    console.log(formatClicksBench(figures));
    const problems = problemsOf(figures, options.connections);
    for (const problem of problems) console.error(`FAIL: ${problem}`);
    process.exitCode = problems.length === 0 && figures.ratio >= TARGET_RATIO ? 0 : 1;
  })().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

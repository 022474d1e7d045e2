import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Types, type mongo, type Schema } from 'mongoose';
import { ClickModel, clickKey } from '../../src/db/click';
import { connectDatabase, disconnectDatabase } from '../../src/db/connection';
import { isDuplicateKeyError } from '../../src/db/errors';
import { SubscriptionModel, subscriptionPairKey } from '../../src/db/subscription';
import { WalletAddressModel } from '../../src/db/wallet-address';
import { startMongoServer, type MongoServer } from '../../src/runtime/embedded/mongo-server';

/**
 * Insert cost as a collection grows, for each collection whose unique key changed in issue 13:
 * the layout before (a compound unique index with a field many documents share) against the
 * layout the schema declares now (the key in `_id` or one high-cardinality field, the rest
 * non-unique). Documents as kibble writes them: one month of clicks (10,000 donors, 1,000
 * things), deposit addresses, subscriptions to five popular things. Inserted in batches of 100
 * straight through the driver into collections created with their indexes, timed per 10,000;
 * a layout stops after a 10,000 that took longer than --step-limit seconds. Each layout must
 * then still refuse a duplicate with E11000.
 *
 *   MONGODB_URI=... npx tsx scripts/bench/unique-keys.ts [--clicks 100000] [--addresses 50000] [--subscriptions 50000] [--step-limit 120] [--only clicks]
 *
 * MONGODB_URI chooses the database (a temporary database in it, dropped at the end); without it,
 * FerretDB through the embedded launcher (which uses no index at all: meaningless here).
 */
const STEP = 10_000;
const BATCH = 100;

const { values: args } = parseArgs({
  options: {
    clicks: { type: 'string', default: '100000' },
    addresses: { type: 'string', default: '50000' },
    subscriptions: { type: 'string', default: '50000' },
    'step-limit': { type: 'string', default: '120' },
    only: { type: 'string' },
  },
});

function positive(name: 'clicks' | 'addresses' | 'subscriptions' | 'step-limit'): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive whole number`);
  return value;
}

type Doc = Record<string, unknown>;
interface Layout {
  name: string;
  indexes: mongo.IndexDescription[];
  doc: (i: number) => Doc;
}
interface Scenario {
  name: string;
  count: number;
  layouts: [Layout, Layout];
}

const log = (message: string): void => void process.stderr.write(`${message}\n`);
const donors = Array.from({ length: 10_000 }, () => new Types.ObjectId());
const things = Array.from({ length: 1_000 }, () => new Types.ObjectId());
const PERIOD = '2026-03';

/** The i-th (donor, thing) pair: never the same pair twice below 10,000 x 1,000. */
function pair(i: number): { donorId: Types.ObjectId; thingId: Types.ObjectId } {
  const donorId = donors[i % donors.length] as Types.ObjectId;
  const thingId = things[(Math.floor(i / donors.length) * 7 + i) % things.length] as Types.ObjectId;
  return { donorId, thingId };
}

/** The indexes a model's schema declares now, as createIndexes takes them. */
function declaredIndexes(model: { schema: Schema }): mongo.IndexDescription[] {
  return model.schema.indexes().map(([key, options]) => ({ key: key as Record<string, mongo.IndexDirection>, ...(options.unique === true ? { unique: true } : {}) }));
}

function scenarios(): Scenario[] {
  const click = (i: number): Doc => {
    const { donorId, thingId } = pair(i);
    return { period: PERIOD, donorId, thingId, creatorId: donors[(i * 3) % donors.length], at: new Date(), source: 'button' };
  };
  const address = (i: number): Doc => ({ _id: `address-${i}`, kind: 'deposit', index: i, accountId: donors[i % donors.length]?.toHexString(), createdAt: new Date() });
  // Five popular things: the n-th 10,000 subscriptions all go to thing n.
  const subscription = (i: number): Doc => ({ donorId: donors[i % donors.length], thingId: things[Math.floor(i / donors.length)], active: true, createdAt: new Date() });
  const all: Scenario[] = [
    {
      name: 'clicks, one month',
      count: positive('clicks'),
      layouts: [
        {
          name: 'before: unique { period, donorId, thingId }',
          indexes: [{ key: { period: 1, donorId: 1, thingId: 1 }, unique: true }, { key: { donorId: 1, period: 1 } }, { key: { creatorId: 1 } }, { key: { thingId: 1, period: 1 } }],
          doc: click,
        },
        {
          name: 'now: _id = clickKey, schema indexes',
          indexes: declaredIndexes(ClickModel),
          doc: (i) => {
            const doc = click(i);
            return { _id: clickKey(PERIOD, doc.donorId as Types.ObjectId, doc.thingId as Types.ObjectId), ...doc };
          },
        },
      ],
    },
    {
      name: 'wallet addresses (deposit)',
      count: positive('addresses'),
      layouts: [
        { name: 'before: unique { kind, index }', indexes: [{ key: { kind: 1, index: 1 }, unique: true }, { key: { createdAt: 1 } }], doc: address },
        { name: 'now: schema indexes', indexes: declaredIndexes(WalletAddressModel), doc: address },
      ],
    },
    {
      name: 'subscriptions, five popular things',
      count: Math.min(positive('subscriptions'), donors.length * 5),
      layouts: [
        { name: 'before: unique { donorId, thingId }', indexes: [{ key: { donorId: 1, thingId: 1 }, unique: true }, { key: { active: 1 } }], doc: subscription },
        {
          name: 'now: unique pair key, schema indexes',
          indexes: declaredIndexes(SubscriptionModel),
          doc: (i) => {
            const doc = subscription(i);
            return { ...doc, pair: subscriptionPairKey(doc.donorId as Types.ObjectId, doc.thingId as Types.ObjectId) };
          },
        },
      ],
    },
  ];
  return all.filter((scenario) => args.only === undefined || scenario.name.startsWith(args.only));
}

interface LayoutFigures {
  secondsPerStep: number[];
  stopped: boolean;
  duplicate: string;
}

async function measure(db: mongo.Db, collection: string, layout: Layout, count: number, stepLimit: number): Promise<LayoutFigures> {
  // One command creates the collection with its indexes, as syncAllIndexes does for a new one.
  await db.command({ createIndexes: collection, indexes: layout.indexes.map((index, n) => ({ name: `i${n}`, ...index })) });
  const target = db.collection(collection);
  const secondsPerStep: number[] = [];
  let stopped = false;
  for (let start = 0; start < count; start += STEP) {
    const began = performance.now();
    for (let b = start; b < Math.min(start + STEP, count); b += BATCH) {
      await target.insertMany(Array.from({ length: Math.min(BATCH, count - b) }, (_, k) => layout.doc(b + k)));
    }
    const seconds = (performance.now() - began) / 1000;
    secondsPerStep.push(seconds);
    log(`  ${layout.name}: ${Math.min(start + STEP, count)} documents, the last ${STEP} in ${seconds.toFixed(2)} s`);
    if (seconds > stepLimit && start + STEP < count) {
      stopped = true;
      break;
    }
  }
  const duplicate = await target.insertOne(layout.doc(0)).then(
    () => 'accepted (wrong)',
    (error: unknown) => (isDuplicateKeyError(error) ? 'E11000' : `failed otherwise: ${String(error)}`),
  );
  await target.drop();
  return { secondsPerStep, stopped, duplicate };
}

async function main(): Promise<void> {
  const stepLimit = positive('step-limit');
  let server: MongoServer | undefined;
  let connected = false;
  const dbName = `kibble_bench_keys_${randomBytes(4).toString('hex')}`;
  try {
    server = await startMongoServer({ log });
    const connection = await connectDatabase({ uri: server.uri, dbName, syncIndexes: false });
    connected = true;
    const db = connection.db;
    if (db === undefined) throw new Error('no database handle');
    log(`database: ${server.kind}; load average ${loadAverage()}`);
    const lines: string[] = [];
    for (const scenario of scenarios()) {
      log(`${scenario.name}: ${scenario.count} documents`);
      for (const [n, layout] of scenario.layouts.entries()) {
        const figures = await measure(db, `bench_keys_${n}`, layout, scenario.count, stepLimit);
        const steps = figures.secondsPerStep.map((s) => s.toFixed(1)).join(', ');
        lines.push(`${scenario.name} | ${layout.name} | ${steps}${figures.stopped ? ` (stopped: over ${stepLimit} s)` : ''} | duplicate: ${figures.duplicate}`);
      }
    }
    process.stdout.write(`seconds per ${STEP} inserts (batches of ${BATCH}) as the collection grows; load average at the end ${loadAverage()}\n${lines.join('\n')}\n`);
    if (lines.some((line) => !line.endsWith('duplicate: E11000'))) process.exitCode = 1;
    await connection.dropDatabase();
  } finally {
    if (connected) await disconnectDatabase().catch(() => undefined);
    await server?.stop();
  }
}

function loadAverage(): string {
  return loadavg().map((value) => value.toFixed(1)).join(' ');
}

main().catch((error: unknown) => {
  log(String(error instanceof Error ? (error.stack ?? error.message) : error));
  process.exitCode = 1;
});

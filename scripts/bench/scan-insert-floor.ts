import type { mongo } from 'mongoose';
import { isOrdered, orderedIndex, specificationOf } from '../../src/db/ordered-index';
import { processTreeCpuMs } from './process-cpu';

/**
 * bench:scan's "database floor": the documents the timed pass wrote, read back and inserted again
 * into a scratch database on the same server, with the same indexes, and nothing else: every
 * collection at once, in chunks of CHUNK, CHUNKS_IN_FLIGHT per collection. No fetch, no parsing,
 * no reads, no ordering between the writes. Whatever the scanner does around its writes, a pass
 * that stores these documents cannot take less on this server, so the floor says how much of the
 * pass is the database's share and what a target below it would ask for (fewer documents).
 *
 * The same is measured for candidate designs that store fewer documents per deposit (DESIGNS):
 * subsets of the pass's documents shaped as each design would store them, so that the decision
 * to redesign the crediting path rests on what each step would buy, not on a guess. Each design
 * is timed FLOOR_ROUNDS times (the median is reported), with the CPU this process (the driver
 * encoding the documents) and the database spent on it.
 */
export const FLOOR_COLLECTIONS = ['deposits', 'wallet_outputs', 'ledger_entries', 'events', 'wallet_spends', 'scanned_blocks'] as const;
export type FloorCollection = (typeof FLOOR_COLLECTIONS)[number];

const CHUNK = 200;
const CHUNKS_IN_FLIGHT = 2;
const FLOOR_ROUNDS = 3;

interface StoredCollection {
  documents: mongo.Document[];
  /** Secondary indexes (not `_id`). */
  indexes: mongo.IndexDescriptionInfo[];
}
type Stored = Record<FloorCollection, StoredCollection>;

interface FloorDesign {
  name: string;
  /** What this design stores differently from the one before it (or from the pass). */
  change: string;
  shape: (stored: Stored) => Stored;
}

export interface InsertFloor {
  design: string;
  change: string;
  /** Documents inserted, by collection. */
  documents: Record<string, number>;
  totalDocuments: number;
  /** Secondary index entries those documents write (documents x secondary indexes). */
  secondaryIndexEntries: number;
  /** Wall time of the inserts, all collections at once: the median of the rounds. */
  ms: number;
  roundsMs: number[];
  /** This process's CPU (the driver encoding and sending) in the median round. */
  clientCpuMs: number;
  /** The database's CPU (the `dbPids` process trees) in the median round, when known. */
  dbCpuMs?: number;
}

const without = (stored: Stored, name: FloorCollection, keep: (document: mongo.Document) => boolean): Stored => ({
  ...stored,
  [name]: { ...stored[name], documents: stored[name].documents.filter(keep) },
});
const withoutIndex = (stored: Stored, name: FloorCollection, keyStartsWith: string): Stored => ({
  ...stored,
  [name]: { ...stored[name], indexes: stored[name].indexes.filter((index) => Object.keys(index.key)[0] !== keyStartsWith) },
});
/** The first document of each group (by `groupOf`): one per block instead of one per deposit. */
function firstOfEach(documents: readonly mongo.Document[], groupOf: (document: mongo.Document) => unknown): Set<mongo.Document> {
  const seen = new Set<unknown>();
  const kept = new Set<mongo.Document>();
  for (const document of documents) {
    const group = groupOf(document);
    if (seen.has(group)) continue;
    seen.add(group);
    kept.add(document);
  }
  return kept;
}

/** Cumulative: each design is the one before it plus one change. */
const DESIGNS: readonly FloorDesign[] = [
  { name: 'as stored', change: 'the pass\'s documents', shape: (stored) => stored },
  {
    name: 'A',
    change: 'a deposit\'s wallet output is its deposit document (no wallet_outputs row for deposits)',
    shape: (stored) => without(stored, 'wallet_outputs', (output) => output.kind !== 'deposit'),
  },
  {
    name: 'B',
    change: 'A + one deposit.credited event per block, listing its deposits',
    shape: (stored) => {
      const blockOf = (event: mongo.Document): unknown => (event.data as { blockHeight?: unknown } | undefined)?.blockHeight;
      const kept = firstOfEach(stored.events.documents, (event) => (event.kind === 'deposit.credited' ? blockOf(event) : event._id));
      return without(stored, 'events', (event) => kept.has(event));
    },
  },
  {
    name: 'C',
    change: 'B + one credit journal per block: one custody entry per block instead of one per deposit',
    shape: (stored) => {
      const blocksWithDeposits = new Set(stored.deposits.documents.map((deposit): unknown => deposit.blockHeight)).size;
      const custody = stored.ledger_entries.documents.filter((entry) => entry.account === 'custody');
      const kept = new Set(custody.slice(0, blocksWithDeposits));
      return without(stored, 'ledger_entries', (entry) => entry.account !== 'custody' || kept.has(entry));
    },
  },
  {
    name: 'D',
    change: 'C + ledger_entries without the {book, account} index',
    shape: (stored) => withoutIndex(stored, 'ledger_entries', 'book'),
  },
  {
    name: 'E',
    change: 'one document per deposit (deposit = wallet output = the donor\'s credit), spends and blocks',
    shape: (stored) => ({
      ...stored,
      wallet_outputs: { ...stored.wallet_outputs, documents: [] },
      ledger_entries: { ...stored.ledger_entries, documents: [] },
      events: { ...stored.events, documents: [] },
    }),
  },
];

/**
 * Reads the collections' documents from `source` and times their insert into a scratch database,
 * as stored and as each candidate design would store them.
 */
export async function measureInsertFloors(
  client: mongo.MongoClient, source: string, dbPids?: readonly number[], leaveOut?: ReadonlyMap<FloorCollection, ReadonlySet<string>>,
): Promise<InsertFloor[]> {
  const read = async (name: FloorCollection): Promise<StoredCollection> => {
    const from = client.db(source).collection(name);
    const [stored, indexes] = await Promise.all([from.find({}).toArray(), from.indexes()]);
    const left = leaveOut?.get(name);
    const documents = left === undefined ? stored : stored.filter((document) => !left.has(String(document._id)));
    return { documents, indexes: indexes.filter((index) => index.name !== '_id_') };
  };
  const [deposits, walletOutputs, ledgerEntries, events, walletSpends, scannedBlocks] = await Promise.all(FLOOR_COLLECTIONS.map(read));
  if (!deposits || !walletOutputs || !ledgerEntries || !events || !walletSpends || !scannedBlocks) throw new Error('unreachable: a collection was not read');
  let stored: Stored = {
    deposits, wallet_outputs: walletOutputs, ledger_entries: ledgerEntries, events, wallet_spends: walletSpends, scanned_blocks: scannedBlocks,
  };
  const floors: InsertFloor[] = [];
  for (const design of DESIGNS) {
    stored = design.shape(stored);
    floors.push(await measureDesign(client, `${source}_floor`, design, stored, dbPids));
  }
  return floors;
}

async function measureDesign(client: mongo.MongoClient, scratchName: string, design: FloorDesign, stored: Stored, dbPids?: readonly number[]): Promise<InsertFloor> {
  const rounds: Array<{ ms: number; clientCpuMs: number; dbCpuMs?: number }> = [];
  for (let round = 0; round < FLOOR_ROUNDS; round++) {
    const scratch = client.db(scratchName);
    try {
      // The same indexes, created with the collection (one command: DocumentDB builds them at once).
      await Promise.all(FLOOR_COLLECTIONS.map(async (name) => {
        const { indexes } = stored[name];
        if (indexes.length > 0) await scratch.collection(name).createIndexes(indexes.map(specificationWithOrder));
        else await scratch.createCollection(name);
      }));
      const dbCpuBefore = dbPids ? processTreeCpuMs(dbPids) : 0;
      const cpuBefore = process.cpuUsage();
      const started = process.hrtime.bigint();
      await Promise.all(FLOOR_COLLECTIONS.map((name) => insertInChunks(scratch.collection(name), stored[name].documents)));
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const cpu = process.cpuUsage(cpuBefore);
      rounds.push({ ms, clientCpuMs: (cpu.user + cpu.system) / 1000, ...(dbPids ? { dbCpuMs: processTreeCpuMs(dbPids) - dbCpuBefore } : {}) });
    } finally {
      await scratch.dropDatabase().catch(() => undefined);
    }
  }
  const median = [...rounds].sort((a, b) => a.ms - b.ms)[Math.floor(rounds.length / 2)] as (typeof rounds)[number];
  return {
    design: design.name,
    change: design.change,
    documents: Object.fromEntries(FLOOR_COLLECTIONS.map((name) => [name, stored[name].documents.length])),
    totalDocuments: FLOOR_COLLECTIONS.reduce((sum, name) => sum + stored[name].documents.length, 0),
    secondaryIndexEntries: FLOOR_COLLECTIONS.reduce((sum, name) => sum + stored[name].documents.length * stored[name].indexes.length, 0),
    ms: median.ms,
    roundsMs: rounds.map((round) => round.ms),
    clientCpuMs: median.clientCpuMs,
    ...(median.dbCpuMs === undefined ? {} : { dbCpuMs: median.dbCpuMs }),
  };
}

/** The stored index as a createIndexes specification, ordered when the source index is. */
function specificationWithOrder(index: mongo.IndexDescriptionInfo): mongo.IndexDescription {
  return isOrdered(index) ? orderedIndex(specificationOf(index)) : specificationOf(index);
}

async function insertInChunks(collection: mongo.Collection, documents: readonly mongo.Document[]): Promise<void> {
  const chunks: mongo.Document[][] = [];
  for (let i = 0; i < documents.length; i += CHUNK) chunks.push(documents.slice(i, i + CHUNK));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) {
      const chunk = chunks[next++] as mongo.Document[];
      await collection.insertMany(chunk, { ordered: false });
    }
  };
  await Promise.all(Array.from({ length: CHUNKS_IN_FLIGHT }, worker));
}

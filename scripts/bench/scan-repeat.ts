import { mongo } from 'mongoose';

type Db = mongo.Db;
type Document = mongo.Document;
const { BSON } = mongo;

/**
 * bench:scan's `--passes N`: the timed pass run again on the same chain, so that one build of the
 * chain (about 90 s) gives N samples of a pass that varies by tens of percent from run to run.
 * Before each repeat the database is put back as it was before the first timed pass: every
 * document the pass inserted is deleted and every one it changed (a warm-up deposit it credited,
 * the cursor, the event counter) is written back. What the undo cannot put back is refused: a
 * large collection whose count the pass changed.
 */

/** Collections up to this size are kept whole; larger ones (the 100,000 watched addresses) are only counted. */
const KEPT_WHOLE_UP_TO = 20_000;

export interface DatabaseBeforePass {
  /** Every document of the collections kept whole, by collection and `_id`, with its BSON bytes to compare. */
  whole: Map<string, Map<string, { document: Document; bytes: Buffer }>>;
  counts: Map<string, number>;
}

const idOf = (document: Document): string => BSON.EJSON.stringify(document._id as unknown);

export async function snapshotBeforePass(db: Db): Promise<DatabaseBeforePass> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const counts = new Map<string, number>();
  const whole = new Map<string, Map<string, { document: Document; bytes: Buffer }>>();
  for (const name of names) {
    const count = await db.collection(name).countDocuments();
    counts.set(name, count);
    if (count > KEPT_WHOLE_UP_TO) continue;
    const documents = await db.collection(name).find({}).toArray();
    whole.set(name, new Map(documents.map((document) => [idOf(document), { document, bytes: Buffer.from(BSON.serialize(document)) }])));
  }
  return { whole, counts };
}

/** Puts the database back as `before` saw it; throws if a collection it only counted has changed. */
export async function undoPass(db: Db, before: DatabaseBeforePass): Promise<{ deleted: number; restored: number }> {
  let deleted = 0;
  let restored = 0;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  for (const name of names) {
    const kept = before.whole.get(name);
    const collection = db.collection(name);
    if (kept === undefined) {
      const count = await collection.countDocuments();
      const was = before.counts.get(name);
      if (was === undefined) {
        // A collection the pass created: nothing in it existed before.
        deleted += count;
        await collection.deleteMany({});
      } else if (count !== was) {
        throw new Error(`the timed pass changed ${name} (${was} documents before, ${count} after), which is too large to put back: --passes cannot repeat it`);
      }
      continue;
    }
    // One walk over what is there now: each document is new, changed or as it was.
    const added: unknown[] = [];
    const changed: Document[] = [];
    const present = new Set<string>();
    for (const document of await collection.find({}).toArray()) {
      const id = idOf(document);
      present.add(id);
      const was = kept.get(id);
      if (was === undefined) added.push(document._id);
      else if (!was.bytes.equals(Buffer.from(BSON.serialize(document)))) changed.push(was.document);
    }
    const removed = [...kept.entries()].filter(([id]) => !present.has(id)).map(([, { document }]) => document);
    if (added.length > 0) await collection.deleteMany({ _id: { $in: added } } as mongo.Filter<Document>);
    for (const document of changed) await collection.replaceOne({ _id: document._id as unknown } as mongo.Filter<Document>, document);
    if (removed.length > 0) await collection.insertMany(removed);
    deleted += added.length;
    restored += changed.length + removed.length;
  }
  return { deleted, restored };
}

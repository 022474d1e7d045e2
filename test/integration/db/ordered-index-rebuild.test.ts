import { Types } from 'mongoose';
import { syncAllIndexes } from '../../../src/db/connection';
import { AccountModel, ALL_MODELS, isDuplicateKeyError, ThingModel } from '../../../src/db/models';
import { useTestDatabase } from '../../support/database';
import { testDatabaseKind } from '../../support/env';

async function expectDuplicateKey(write: Promise<unknown>): Promise<void> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isDuplicateKeyError(error)).toBe(true);
}

interface StoredIndex {
  collection: string;
  name: string;
  key: [string, unknown][];
  unique: boolean;
  ordered: boolean;
}

/**
 * A DocumentDB database created before kibble asked for ordered indexes (src/db/ordered-index.ts)
 * has plain indexes of the schema's keys: starting kibble rebuilds them ordered, under their
 * names, without a moment in which a unique key is not enforced. FerretDB refuses ordered
 * indexes: there nothing changes.
 */
describe('plain indexes from before ordered indexes', () => {
  const db = useTestDatabase();
  const onDocumentDb = testDatabaseKind() === 'documentdb';

  async function storedIndexes(): Promise<StoredIndex[]> {
    const all = await Promise.all(
      ALL_MODELS.map(async (model) =>
        (await model.collection.indexes()).map((index) => ({
          collection: model.collection.collectionName,
          name: index.name ?? '',
          key: Object.entries(index.key),
          unique: index.unique === true,
          ordered: Boolean((index as { enableOrderedIndex?: unknown }).enableOrderedIndex),
        })),
      ),
    );
    return all.flat().sort((a, b) => `${a.collection}.${a.name}`.localeCompare(`${b.collection}.${b.name}`));
  }

  /** Creates the index again the way kibble did before: same key and options, not ordered. */
  async function makePlain(collection: string, name: string): Promise<void> {
    const index = (await db.native.collection(collection).indexes()).find((row) => row.name === name);
    if (index === undefined) throw new Error(`no index ${collection}.${name}`);
    await db.native.collection(collection).dropIndex(name);
    await db.native.collection(collection).createIndex(index.key, { name, ...(index.unique === true ? { unique: true } : {}) });
  }

  /**
   * Runs syncAllIndexes while another writer inserts accounts with a taken handle until it is done:
   * what it rebuilt, how many inserts were tried and how many the database took.
   */
  async function syncWhileInsertingDuplicates(handle: string, firstDepositIndex: number) {
    let synced = false;
    const [rebuilt, duplicates] = await Promise.all([syncAllIndexes().finally(() => (synced = true)), insertDuplicateHandles(handle, firstDepositIndex, () => synced)]);
    return { rebuilt, ...duplicates };
  }

  async function insertDuplicateHandles(handle: string, firstDepositIndex: number, done: () => boolean): Promise<{ attempts: number; accepted: number }> {
    let accepted = 0;
    let attempts = 0;
    for (; !done(); attempts += 1) {
      await AccountModel.create({ handle, passwordHash: 'x', depositIndex: firstDepositIndex + attempts }).then(
        () => (accepted += 1),
        (error: unknown) => {
          if (!isDuplicateKeyError(error)) throw error;
        },
      );
    }
    return { attempts, accepted };
  }

  const byCollection = (a: { collection: string }, b: { collection: string }) => a.collection.localeCompare(b.collection);

  it('rebuilds plain indexes ordered under their names, unique ones enforced throughout, once', async () => {
    const ordered = await storedIndexes();
    expect(ordered.filter((index) => index.name !== '_id_').every((index) => index.ordered)).toBe(onDocumentDb);
    await makePlain('accounts', 'handleKey_1');
    await makePlain('accounts', 'depositIndex_1');
    await makePlain('ledger_entries', 'account_1_book_1');
    await makePlain('things', 'url_1');
    const plain = await storedIndexes();
    expect(plain.filter((index) => !index.ordered).map((index) => `${index.collection}.${index.name}`)).toEqual(
      expect.arrayContaining(['accounts.depositIndex_1', 'accounts.handleKey_1', 'ledger_entries.account_1_book_1', 'things.url_1']),
    );
    await AccountModel.create({ handle: 'Taken', passwordHash: 'x', depositIndex: 1 });
    const collections = async () => (await db.native.listCollections({}, { nameOnly: true }).toArray()).map((row) => row.name).sort();
    const collectionsBefore = await collections();

    // Another instance keeps writing while this one rebuilds: no duplicate gets in.
    const { rebuilt, attempts, accepted } = await syncWhileInsertingDuplicates('Taken', 1_000);
    expect(attempts).toBeGreaterThan(0);
    expect(accepted).toBe(0);
    expect(await collections()).toEqual(collectionsBefore); // the server's probe left nothing

    if (onDocumentDb) {
      expect(rebuilt.map((row) => ({ ...row, indexes: [...row.indexes].sort() })).sort(byCollection)).toEqual([
        { collection: 'accounts', indexes: ['depositIndex_1', 'handleKey_1'] },
        { collection: 'ledger_entries', indexes: ['account_1_book_1'] },
        { collection: 'things', indexes: ['url_1'] },
      ]);
      expect(await storedIndexes()).toEqual(ordered);
    } else {
      expect(rebuilt).toEqual([]);
      expect(await storedIndexes()).toEqual(plain);
    }
    await expectDuplicateKey(AccountModel.create({ handle: 'TAKEN', passwordHash: 'x', depositIndex: 2 }));
    await expectDuplicateKey(AccountModel.create({ handle: 'other', passwordHash: 'x', depositIndex: 1 }));
    const ownerId = new Types.ObjectId();
    await ThingModel.create({ url: 'https://example.org/a', title: 'A', ownerId });
    await expectDuplicateKey(ThingModel.create({ url: 'https://example.org/a', title: 'B', ownerId }));

    const settled = await storedIndexes();
    expect(await syncAllIndexes()).toEqual([]);
    expect(await storedIndexes()).toEqual(settled);
  });

  it('finishes a rebuild interrupted after the plain unique index was dropped: the guard goes once the index is back', async () => {
    const before = await storedIndexes();
    await AccountModel.create({ handle: 'Guarded', passwordHash: 'x', depositIndex: 5_000 });
    const accounts = db.native.collection('accounts');
    // What replaceWithOrdered leaves between dropping the plain index and creating it ordered.
    await accounts.createIndex({ handleKey: -1 }, { name: 'handleKey_1__rebuild_guard', unique: true });
    await accounts.dropIndex('handleKey_1');

    const { rebuilt, attempts, accepted } = await syncWhileInsertingDuplicates('guarded', 6_000);
    expect(rebuilt).toEqual([]);
    expect(attempts).toBeGreaterThan(0);
    expect(accepted).toBe(0);
    expect(await storedIndexes()).toEqual(before);
    await expectDuplicateKey(AccountModel.create({ handle: 'GUARDED', passwordHash: 'x', depositIndex: 5_001 }));
  });
});

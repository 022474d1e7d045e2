import { repeatOnWriteConflict } from './write-conflict';

/**
 * Inserts of one unique key made at once in this process, run one after another, each repeated on
 * a write conflict. Twenty registrations of one URL at once are a test's race, and a user's double
 * submit is a small one: on DocumentDB they deadlock inside PostgreSQL (write-conflict.ts), and with
 * twenty writers repeating alone did not untangle them. One at a time, the first inserts and the
 * others meet its document at once as a duplicate key: the answer the unique index gives anyway. A
 * writer in another process meets them in the index, and a conflict with it is repeated.
 */
export class OneWriterPerKey {
  /** The last write queued for each key, settled or not; removed once it settles still last. */
  readonly #last = new Map<string, Promise<unknown>>();

  run<T>(key: string, write: () => Promise<T>): Promise<T> {
    const before = this.#last.get(key) ?? Promise.resolve();
    const mine = before.then(() => repeatOnWriteConflict(write));
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.#last.set(key, settled);
    void settled.then(() => {
      if (this.#last.get(key) === settled) this.#last.delete(key);
    });
    return mine;
  }

  /** Keys with a write queued or running (tests: nothing is kept once the writes settle). */
  get pendingKeys(): number {
    return this.#last.size;
  }
}

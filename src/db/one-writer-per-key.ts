/**
 * Writes of one key made at once in this process, run one after another. Twenty registrations of
 * one URL at once are a test's race, and a user's double submit is a small one: on DocumentDB,
 * whose unique secondary indexes let concurrent inserters of one key wait for each other, they
 * deadlock inside PostgreSQL (write-conflict.ts), and with twenty writers repeating did not untangle
 * them. One at a time, the first inserts and the others meet its document at once as a duplicate
 * key: the answer the unique index gives anyway. Writers in other processes are left to the index
 * and to repeatOnWriteConflict.
 */
export class OneWriterPerKey {
  /** The last write queued for each key, settled or not; removed once it settles still last. */
  readonly #last = new Map<string, Promise<unknown>>();

  run<T>(key: string, write: () => Promise<T>): Promise<T> {
    const before = this.#last.get(key) ?? Promise.resolve();
    const mine = before.then(write);
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

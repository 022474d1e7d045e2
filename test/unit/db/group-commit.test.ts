import { GroupCommit } from '../../../src/db/group-commit';

/** A write whose completion the test decides: each call is recorded with its batch. */
function controlledWrite(): { batches: number[][]; finish: (error?: Error) => void; write: (batch: readonly number[]) => Promise<string[]> } {
  const batches: number[][] = [];
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  return {
    batches,
    finish: (error) => {
      const next = pending.shift();
      if (next === undefined) throw new Error('no write in flight');
      if (error === undefined) next.resolve();
      else next.reject(error);
    },
    write: (batch) => {
      batches.push([...batch]);
      return new Promise<string[]>((resolve, reject) => {
        pending.push({ resolve: () => resolve(batch.map((n) => `done ${n}`)), reject });
      });
    },
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit (src/db/group-commit.ts)', () => {
  it('writes a lone item at once, and the items submitted meanwhile together in the next write', async () => {
    const control = controlledWrite();
    const commit = new GroupCommit(control.write);
    const first = commit.submit(1);
    expect(control.batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((n) => commit.submit(n));
    await settle();
    expect(control.batches).toEqual([[1]]); // they wait for the write in flight
    control.finish();
    expect(await first).toBe('done 1');
    await settle();
    expect(control.batches).toEqual([[1], [2, 3, 4]]);
    control.finish();
    expect(await Promise.all(rest)).toEqual(['done 2', 'done 3', 'done 4']);
  });

  it('fails only the items of a failed write; later ones are written', async () => {
    const control = controlledWrite();
    const commit = new GroupCommit(control.write);
    const first = commit.submit(1);
    const second = commit.submit(2);
    control.finish(new Error('disk full'));
    await expect(first).rejects.toThrow('disk full');
    await settle();
    control.finish();
    expect(await second).toBe('done 2');
    const third = commit.submit(3);
    expect(control.batches).toEqual([[1], [2], [3]]);
    control.finish();
    expect(await third).toBe('done 3');
  });

  it('caps a write at maxBatch items', async () => {
    const control = controlledWrite();
    const commit = new GroupCommit(control.write, 2);
    const all = [1, 2, 3, 4, 5, 6].map((n) => commit.submit(n));
    for (let i = 0; i < 4; i++) {
      control.finish();
      await settle();
    }
    expect(await Promise.all(all)).toHaveLength(6);
    expect(control.batches).toEqual([[1], [2, 3], [4, 5], [6]]);
  });

  it('rejects every item when the write answers the wrong number of results', async () => {
    const commit = new GroupCommit<number, string>(() => Promise.resolve(['only one']));
    const [first, a, b] = [commit.submit(1), commit.submit(2), commit.submit(3)];
    await expect(first).resolves.toBe('only one');
    await expect(a).rejects.toThrow(/1 results for 2 items/);
    await expect(b).rejects.toThrow(/1 results for 2 items/);
  });
});

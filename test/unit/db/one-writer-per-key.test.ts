import { OneWriterPerKey } from '../../../src/db/one-writer-per-key';

/** A write that finishes when told to, recording when it started. */
function heldWrite(log: string[], name: string): { write: () => Promise<string>; finish: () => void; fail: () => void } {
  let finish = (): void => undefined;
  let fail = (): void => undefined;
  const write = (): Promise<string> => {
    log.push(`start ${name}`);
    return new Promise<string>((resolve, reject) => {
      finish = () => resolve(name);
      fail = () => reject(new Error(`${name} failed`));
    });
  };
  return { write, finish: () => finish(), fail: () => fail() };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('one writer per key', () => {
  it('runs the writes of one key one after another, in the order they came', async () => {
    const queue = new OneWriterPerKey();
    const log: string[] = [];
    const [a, b, c] = [heldWrite(log, 'a'), heldWrite(log, 'b'), heldWrite(log, 'c')];
    const answers = [queue.run('k', a.write), queue.run('k', b.write), queue.run('k', c.write)];
    await tick();
    expect(log).toEqual(['start a']);
    a.finish();
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    b.finish();
    await tick();
    c.finish();
    expect(await Promise.all(answers)).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'start b', 'start c']);
  });

  it('runs writes of other keys at once', async () => {
    const queue = new OneWriterPerKey();
    const log: string[] = [];
    const [a, b] = [heldWrite(log, 'a'), heldWrite(log, 'b')];
    const answers = [queue.run('one', a.write), queue.run('two', b.write)];
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    b.finish();
    a.finish();
    expect(await Promise.all(answers)).toEqual(['a', 'b']);
  });

  it('starts the next write after a failed one, and the failure goes to its own caller only', async () => {
    const queue = new OneWriterPerKey();
    const log: string[] = [];
    const [a, b] = [heldWrite(log, 'a'), heldWrite(log, 'b')];
    const first = queue.run('k', a.write);
    const second = queue.run('k', b.write);
    await tick();
    a.fail();
    await expect(first).rejects.toThrow('a failed');
    await tick();
    b.finish();
    await expect(second).resolves.toBe('b');
  });

  it('keeps nothing once the writes have settled', async () => {
    const queue = new OneWriterPerKey();
    await Promise.all([queue.run('k', () => Promise.resolve(1)), queue.run('k', () => Promise.reject(new Error('no'))).catch(() => 0), queue.run('other', () => Promise.resolve(2))]);
    await tick();
    expect(queue.pendingKeys).toBe(0);
  });
});

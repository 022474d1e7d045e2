import { settleAll } from '../../../src/settle-all';

const later = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));
const failLater = (ms: number, message: string): Promise<never> => new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms));

describe('settleAll', () => {
  it('answers every value, in the order given, typed per member', async () => {
    const [count, name] = await settleAll([later(20, 3), later(5, 'x')]);
    expect(count + 1).toBe(4);
    expect(name.toUpperCase()).toBe('X');
    expect(await settleAll([])).toEqual([]);
  });

  it('throws only once every member has settled', async () => {
    let slowDone = false;
    const slow = later(40, 'slow').then((value) => {
      slowDone = true;
      return value;
    });
    await expect(settleAll([failLater(1, 'quick failure'), slow])).rejects.toThrow('quick failure');
    expect(slowDone).toBe(true);
  });

  it('throws the first failure in the order given, not the first in time', async () => {
    await expect(settleAll([failLater(30, 'first given'), failLater(1, 'first in time')])).rejects.toThrow('first given');
  });
});

import { blockSizeFor, windowOf } from '../../../src/services/rate-limits';

describe('rate-limit blocks', () => {
  it.each([
    [1, 1],
    [6, 1],
    [10, 1],
    [19, 1],
    [20, 2],
    [40, 4],
    [120, 12],
    [1000, 100],
  ])('a limit of %i is claimed in blocks of %i slots', (limit, size) => {
    expect(blockSizeFor(limit)).toBe(size);
  });

  it('never makes a block larger than a tenth of the limit (so small limits stay exact)', () => {
    for (let limit = 1; limit <= 500; limit++) {
      const size = blockSizeFor(limit);
      expect(size).toBeGreaterThanOrEqual(1);
      expect(size === 1 || size * 10 <= limit).toBe(true);
    }
  });

  it('cuts time into fixed windows that name the rule and the key', () => {
    const rule = { limit: 20, windowMs: 60_000 };
    const a = windowOf('sessions', rule, 'ip:1.2.3.4', new Date(120_000));
    const b = windowOf('sessions', rule, 'ip:1.2.3.4', new Date(179_999));
    const c = windowOf('sessions', rule, 'ip:1.2.3.4', new Date(180_000));
    expect(a.id).toBe(b.id);
    expect(c.id).not.toBe(a.id);
    expect(a.endsAt.getTime()).toBe(180_000);
    expect(windowOf('sessions', { ...rule, limit: 21 }, 'ip:1.2.3.4', new Date(120_000)).id).not.toBe(a.id);
    expect(windowOf('sessions', rule, 'ip:5.6.7.8', new Date(120_000)).id).not.toBe(a.id);
  });
});

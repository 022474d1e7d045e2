import { takeInOrder } from '../../../../src/services/events/ordering';

const NOW = new Date('2026-12-06T12:00:00Z');
const ago = (ms: number): Date => new Date(NOW.getTime() - ms);
const GRACE = 30_000;
const seqs = (events: ReadonlyArray<{ seq: number }>): number[] => events.map((event) => event.seq);

describe('takeInOrder (which outbox events a consumer may take now)', () => {
  it('takes a contiguous run after the cursor, in seq order', () => {
    const batch = [3, 1, 2].map((seq) => ({ seq, recordedAt: ago(1) }));
    const result = takeInOrder(0, batch, NOW, GRACE);
    expect(seqs(result.taken)).toEqual([1, 2, 3]);
    expect(result.cursor).toBe(3);
  });

  it('stops before a fresh gap (its event may still be on its way)', () => {
    const batch = [{ seq: 5, recordedAt: ago(10) }, { seq: 7, recordedAt: ago(10) }, { seq: 8, recordedAt: ago(10) }];
    const result = takeInOrder(4, batch, NOW, GRACE);
    expect(seqs(result.taken)).toEqual([5]);
    expect(result.cursor).toBe(5);
  });

  it('skips a gap once the event after it is older than the grace', () => {
    const batch = [{ seq: 7, recordedAt: ago(GRACE + 1) }, { seq: 9, recordedAt: ago(5) }];
    const result = takeInOrder(5, batch, NOW, GRACE);
    expect(seqs(result.taken)).toEqual([7]);
    expect(result.cursor).toBe(7);
  });

  it('takes nothing and keeps the cursor when the first event after it is a fresh gap', () => {
    expect(takeInOrder(2, [{ seq: 4, recordedAt: ago(0) }], NOW, GRACE)).toEqual({ taken: [], cursor: 2 });
    expect(takeInOrder(2, [], NOW, GRACE)).toEqual({ taken: [], cursor: 2 });
  });

  it('ignores events at or below the cursor', () => {
    const result = takeInOrder(3, [{ seq: 2, recordedAt: ago(1) }, { seq: 3, recordedAt: ago(1) }, { seq: 4, recordedAt: ago(1) }], NOW, GRACE);
    expect(seqs(result.taken)).toEqual([4]);
  });
});

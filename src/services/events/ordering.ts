/**
 * Which outbox events a consumer may take now, in order. Writers allocate `seq` first and insert
 * the event after, so a reader can see seq 7 before seq 6 arrives; taking 7 and moving the cursor
 * past 6 would lose 6. So the reader stops at a gap, unless the gap is old: when the event after
 * it was recorded more than `gapGraceMs` ago, the missing number will never come (its writer
 * found the event already recorded, or died between allocating and inserting) and is skipped.
 * Pure: the clock is passed in.
 */
export interface Sequenced {
  seq: number;
  recordedAt: Date;
}

export function takeInOrder<T extends Sequenced>(cursor: number, batch: readonly T[], now: Date, gapGraceMs: number): { taken: T[]; cursor: number } {
  const taken: T[] = [];
  let last = cursor;
  for (const event of [...batch].sort((a, b) => a.seq - b.seq)) {
    if (event.seq <= last) continue;
    const gap = event.seq !== last + 1;
    if (gap && now.getTime() - event.recordedAt.getTime() < gapGraceMs) break;
    taken.push(event);
    last = event.seq;
  }
  return { taken, cursor: last };
}

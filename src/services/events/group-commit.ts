import { GroupCommit } from '../../db/group-commit';
import { insertEventsOnce, storedEventIds, type EventDocument } from './event-store';

/**
 * Single events (a flattr's `flattr.created`, a deposit's credit...) recorded at once in one
 * process go to the outbox together (src/db/group-commit.ts): one sequence range and one insert
 * for the batch, which takes consecutive numbers in the order the events were recorded. Each
 * caller still waits until its own event is stored.
 */

export type EventRow = Omit<EventDocument, 'seq'>;

interface Recording {
  row: EventRow;
  /**
   * The caller's own unique insert just made the fact (a click's `_id`): no earlier run can have
   * recorded it, so the lookup that spares numbers on a re-run is skipped for it. The unique id
   * still decides under a race (a repeat's recording becomes a gap).
   */
  fresh: boolean;
}

const batches = new GroupCommit<Recording, boolean>(writeBatch);

/** Records one event in this process's next batch; true when this call stored it. */
export function recordInNextBatch(row: EventRow, fresh: boolean): Promise<boolean> {
  return batches.submit({ row, fresh });
}

async function writeBatch(batch: readonly Recording[]): Promise<boolean[]> {
  const rows = new Map<string, EventRow>();
  const mayBeStored: string[] = [];
  for (const { row, fresh } of batch) {
    if (rows.has(row._id)) continue;
    rows.set(row._id, row);
    if (!fresh) mayBeStored.push(row._id);
  }
  const stored = mayBeStored.length === 0 ? new Set<string>() : await storedEventIds(mayBeStored);
  const inserted = await insertEventsOnce([...rows.values()].filter((row) => !stored.has(row._id)));
  // Two callers of one fact in one batch: the first one recorded it.
  const answered = new Set<string>();
  return batch.map(({ row }) => {
    const first = !answered.has(row._id);
    answered.add(row._id);
    return first && inserted.has(row._id);
  });
}

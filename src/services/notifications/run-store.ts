import { NotificationRunModel } from '../../db/notification-run';

/** The one owner of `notification_runs`: which periodic notification passes are finished. */

export async function runDone(id: string): Promise<boolean> {
  return (await NotificationRunModel.exists({ _id: id })) !== null;
}

/** Idempotent: a second pass that finished too writes nothing new. */
export async function markRunDone(id: string, queued: number, at: Date): Promise<void> {
  await NotificationRunModel.updateOne({ _id: id }, { $setOnInsert: { doneAt: at, queued } }, { upsert: true });
}

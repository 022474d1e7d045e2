import { WebhookDeliveryModel, type WebhookDelivery } from '../../db/webhook-delivery';
import { isDuplicateKeyError } from '../../db/errors';

/** The one owner of `webhook_deliveries`. */
export type { WebhookDelivery };

export function deliveryId(eventId: string, endpointId: string): string {
  return `${eventId}|${endpointId}`;
}

/** Inserts the deliveries not stored yet (a fan-out run again after a crash inserts nothing). */
export async function insertDeliveriesOnce(deliveries: readonly WebhookDelivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  try {
    await WebhookDeliveryModel.insertMany(deliveries, { ordered: false, lean: true });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** Pending deliveries whose next attempt is due, oldest due first. */
export async function dueDeliveries(now: Date, limit: number): Promise<WebhookDelivery[]> {
  return WebhookDeliveryModel.find({ state: 'pending', nextAttemptAt: { $lte: now } }).sort({ nextAttemptAt: 1, _id: 1 }).limit(limit).lean<WebhookDelivery[]>();
}

export async function markDelivered(id: string, attempt: { at: Date; status: number; attempts: number }): Promise<void> {
  await WebhookDeliveryModel.updateOne(
    { _id: id, state: 'pending' },
    { $set: { state: 'delivered', deliveredAt: attempt.at, lastAttemptAt: attempt.at, lastStatus: attempt.status, lastError: null, attempts: attempt.attempts } },
  );
}

export async function markAttemptFailed(id: string, attempt: { at: Date; status: number | null; error: string; attempts: number; nextAttemptAt: Date }): Promise<void> {
  await WebhookDeliveryModel.updateOne(
    { _id: id, state: 'pending' },
    { $set: { lastAttemptAt: attempt.at, lastStatus: attempt.status, lastError: attempt.error, attempts: attempt.attempts, nextAttemptAt: attempt.nextAttemptAt } },
  );
}

/** The endpoint was disabled: what it still had pending will not be sent. */
export async function failPendingOf(endpointId: string, reason: string): Promise<void> {
  await WebhookDeliveryModel.updateMany({ endpointId, state: 'pending' }, { $set: { state: 'failed', lastError: reason } });
}

/** An endpoint's delivery log, newest first. */
export async function deliveriesOf(endpointId: string, limit: number): Promise<WebhookDelivery[]> {
  return WebhookDeliveryModel.find({ endpointId }).sort({ createdAt: -1, _id: -1 }).limit(limit).lean<WebhookDelivery[]>();
}

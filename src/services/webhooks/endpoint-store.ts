import { Types } from 'mongoose';
import { WebhookEndpointModel, type WebhookEndpoint } from '../../db/webhook-endpoint';

/** The one owner of `webhook_endpoints`. */
export type { WebhookEndpoint };

/** Why an endpoint was disabled, stored as this code and put in words by each reader's page. */
export type DisabledReason = 'no-delivery';

export async function insertEndpoint(endpoint: Omit<WebhookEndpoint, '_id' | 'failingSince' | 'disabledAt' | 'disabledReason' | 'disabledLastError'>): Promise<WebhookEndpoint> {
  const document = { _id: new Types.ObjectId(), ...endpoint, failingSince: null, disabledAt: null, disabledReason: null, disabledLastError: null };
  await WebhookEndpointModel.insertMany([document], { lean: true });
  return document;
}

export async function endpointById(id: string): Promise<WebhookEndpoint | undefined> {
  if (!Types.ObjectId.isValid(id)) return undefined;
  return (await WebhookEndpointModel.findById(id).lean<WebhookEndpoint>()) ?? undefined;
}

export async function endpointsOf(ownerId: string): Promise<WebhookEndpoint[]> {
  return WebhookEndpointModel.find({ ownerId }).sort({ createdAt: 1, _id: 1 }).lean<WebhookEndpoint[]>();
}

/** Endpoints that still receive events (the fan-out's routing table). */
export async function activeEndpoints(): Promise<WebhookEndpoint[]> {
  return WebhookEndpointModel.find({ disabledAt: null }).lean<WebhookEndpoint[]>();
}

/** A delivery succeeded: the endpoint is no longer failing. */
export async function markEndpointHealthy(id: string): Promise<void> {
  await WebhookEndpointModel.updateOne({ _id: id, failingSince: { $ne: null } }, { $set: { failingSince: null } });
}

/** A delivery failed: the run of failures starts now unless it started before. */
export async function markEndpointFailing(id: string, at: Date): Promise<void> {
  await WebhookEndpointModel.updateOne({ _id: id, failingSince: null }, { $set: { failingSince: at } });
}

/** Stops sending to the endpoint; true when this call disabled it. */
export async function disableEndpoint(id: string, why: { reason: DisabledReason; lastError: string }, at: Date): Promise<boolean> {
  const result = await WebhookEndpointModel.updateOne({ _id: id, disabledAt: null }, { $set: { disabledAt: at, disabledReason: why.reason, disabledLastError: why.lastError } });
  return result.modifiedCount === 1;
}

/** Removes an owner's endpoint; false when it is not theirs (or gone). */
export async function deleteEndpoint(ownerId: string, id: string): Promise<boolean> {
  if (!Types.ObjectId.isValid(id)) return false;
  return (await WebhookEndpointModel.deleteOne({ _id: id, ownerId })).deletedCount === 1;
}

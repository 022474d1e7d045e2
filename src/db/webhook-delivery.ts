import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions } from './fields';

export const WEBHOOK_DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;

/**
 * One event for one endpoint: `_id` is `<event id>|<endpoint id>`, so fanning an event out again
 * creates nothing. Attempts until delivered (2xx) or the endpoint is disabled.
 */
const webhookDeliverySchema = new Schema(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    endpointId: { type: String, required: true },
    ownerId: { type: String, required: true },
    kind: { type: String, required: true },
    state: { type: String, enum: WEBHOOK_DELIVERY_STATES, required: true, default: 'pending' },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    lastAttemptAt: { type: Date, default: null },
    /** The receiver's HTTP status of the last attempt, null when none came (refused, timeout...). */
    lastStatus: { type: Number, default: null },
    /** Why the last attempt failed: `http-<status>`, `timeout`, `too-large`, `network`, `address`... */
    lastError: { type: String, default: null },
    deliveredAt: { type: Date, default: null },
  },
  { ...baseSchemaOptions, collection: 'webhook_deliveries' },
);

webhookDeliverySchema.index({ state: 1, nextAttemptAt: 1 });
webhookDeliverySchema.index({ endpointId: 1, createdAt: -1 });

export type WebhookDelivery = InferSchemaType<typeof webhookDeliverySchema>;
export const WebhookDeliveryModel = model('WebhookDelivery', webhookDeliverySchema);

import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { baseSchemaOptions } from './fields';

/**
 * A URL that an account (or the operator, `ownerId` 'operator', for every event) registered to
 * receive signed webhooks of the kinds it chose (services/webhooks/, docs/webhooks.md).
 */
const webhookEndpointSchema = new Schema(
  {
    /** An account id (hex), or 'operator'. */
    ownerId: { type: String, required: true },
    url: { type: String, required: true },
    kinds: { type: [String], required: true },
    /** The HMAC key of the signatures; shown to the owner once, at creation. */
    secret: { type: String, required: true },
    createdAt: { type: Date, required: true },
    /** First failure of the current run of failures; null once a delivery succeeds. */
    failingSince: { type: Date, default: null },
    /** Set when the endpoint kept failing too long (or its owner removed it); nothing is sent then. */
    disabledAt: { type: Date, default: null },
    /**
     * Why, as a code (services/webhooks/endpoint-store.ts, DisabledReason); endpoints disabled
     * before reasons were codes hold an English sentence here.
     */
    disabledReason: { type: String, default: null },
    /** With 'no-delivery': the last attempt's error (http-500, timeout, address...). */
    disabledLastError: { type: String, default: null },
  },
  { ...baseSchemaOptions, collection: 'webhook_endpoints' },
);

webhookEndpointSchema.index({ ownerId: 1 });

export type WebhookEndpoint = InferSchemaType<typeof webhookEndpointSchema> & { _id: Types.ObjectId };
export const WebhookEndpointModel = model('WebhookEndpoint', webhookEndpointSchema);

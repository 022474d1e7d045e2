import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions, createdAt } from './fields';

/**
 * A mail kind someone turned off: `_id` is `<subject>|<kind>` (subject `account:<id>` or
 * `address:<address>`). Turning off inserts, turning back on deletes: both are race-free on
 * FerretDB, unlike an array updated in place. No document: the kind is on (the default).
 */
const mailOptOutSchema = new Schema(
  {
    _id: { type: String, required: true },
    subject: { type: String, required: true },
    kind: { type: String, required: true },
    createdAt,
  },
  { ...baseSchemaOptions, collection: 'mail_opt_outs' },
);

mailOptOutSchema.index({ subject: 1 });

export type MailOptOut = InferSchemaType<typeof mailOptOutSchema>;
export const MailOptOutModel = model('MailOptOut', mailOptOutSchema);

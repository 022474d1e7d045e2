import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions } from './fields';

/**
 * An open episode of an operator condition (services/notifications/episodes.ts): `_id` is the
 * condition's key (`node-unreachable`, `settlement-failed:2026-10`, ...), so a condition has at
 * most one open episode. `firedAt` is set once the operator was told; the document is removed when
 * the condition ends (after the "resolved" notice, if it had fired).
 */
const operatorAlertSchema = new Schema(
  {
    _id: { type: String, required: true },
    since: { type: Date, required: true },
    firedAt: { type: Date, default: null },
  },
  { ...baseSchemaOptions, collection: 'operator_alerts' },
);

export type OperatorAlert = InferSchemaType<typeof operatorAlertSchema> & { _id: string };
export const OperatorAlertModel = model('OperatorAlert', operatorAlertSchema);

import { Schema, model, type InferSchemaType } from 'mongoose';
import { baseSchemaOptions } from './fields';

/** A named lock with an expiry: the instance named in `holder` runs the job until `expiresAt`. */
const leaseSchema = new Schema(
  {
    /** Lease name (e.g. `settlement`, `scanner`). */
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { ...baseSchemaOptions, collection: 'leases' },
);

export type Lease = InferSchemaType<typeof leaseSchema>;
export const LeaseModel = model('Lease', leaseSchema);

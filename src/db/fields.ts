import { Schema } from 'mongoose';
import { PERIOD_PATTERN } from '../money/period';

// Field definitions shared by the models. `as const` keeps the literal types that
// InferSchemaType needs (a `required: true` field is not optional in the inferred type).

/** Whole koinu (or the chain's smallest unit), stored as BSON Long (int64), read as `bigint`. */
export const requiredAmount = { type: Schema.Types.BigInt, required: true } as const;

/** A period `YYYY-MM` (calendar month, UTC); the pattern lives with the other period rules. */
export { PERIOD_PATTERN };
export const requiredPeriod = { type: String, required: true, match: PERIOD_PATTERN } as const;

export const requiredObjectId = { type: Schema.Types.ObjectId, required: true } as const;

/** Creation time; services pass their clock's time, the default is for scripts and tests. */
export const createdAt = { type: Date, required: true, default: () => new Date() } as const;

/** Options every schema shares: no `__v` (updates are conditional on state, not versions). */
export const baseSchemaOptions = { versionKey: false, strict: true } as const;

import { Schema, model, type InferSchemaType } from 'mongoose';
import { tryClaim } from './claim';
import { isDuplicateKeyError } from './errors';
import { baseSchemaOptions } from './fields';

/** Names of the counters in use. */
export const COUNTER_DEPOSIT_INDEX = 'depositIndex';

const MAX_ATTEMPTS = 200;

const counterSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The value the next allocation returns. */
    next: { type: Number, required: true, default: 0 },
  },
  { ...baseSchemaOptions, collection: 'counters' },
);

export type Counter = InferSchemaType<typeof counterSchema>;
export const CounterModel = model('Counter', counterSchema);

/** The claim that makes a counter value taken (see claim.ts). */
export function counterClaimKey(name: string, value: number): string {
  return `counter:${name}:${value}`;
}

/**
 * Allocates the next value of a counter (0, 1, 2...); concurrent callers never get the same value.
 * One atomic `$inc` proposes the value: enough on MongoDB. FerretDB 1.x can lose concurrent
 * increments and hand the same value to several callers, so the value is also claimed by an
 * insert (unique `_id`); a caller that loses the claim increments again.
 */
export async function allocateCounterValue(name: string): Promise<number> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let value: number;
    try {
      const counter = await CounterModel.findOneAndUpdate({ _id: name }, { $inc: { next: 1 } }, { upsert: true, new: true, lean: true });
      if (!counter) throw new Error(`counter ${name}: upsert returned no document`);
      value = counter.next - 1;
    } catch (error) {
      // two first-ever upserts raced on the _id: the counter exists now
      if (isDuplicateKeyError(error)) continue;
      throw error;
    }
    if (await tryClaim(counterClaimKey(name, value))) return value;
  }
  throw new Error(`counter ${name}: no free value after ${MAX_ATTEMPTS} attempts (too much contention?)`);
}

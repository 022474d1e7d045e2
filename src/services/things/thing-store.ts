import type { Types } from 'mongoose';
import { isDuplicateKeyError } from '../../db/errors';
import { OneWriterPerKey } from '../../db/one-writer-per-key';
import { ThingModel, type Thing } from '../../db/thing';

/**
 * The things collection's owner: the only module that reads or writes it. Things are never
 * updated or deleted today (the owner cache of things.ts relies on it), so there are no
 * transitions here, only the insert and the reads.
 */

export type { Thing };

export interface NewThingRecord {
  url: string;
  title: string;
  ownerId: Types.ObjectId;
  createdAt: Date;
}

/** Registrations of one URL at once in this process (one-writer-per-key.ts). */
const thingInserts = new OneWriterPerKey();

/** Inserts a thing; null when its (normalized) URL is registered already: the unique index decides. */
export async function insertThing(record: NewThingRecord): Promise<Thing | null> {
  try {
    return (await thingInserts.run(record.url, () => ThingModel.create(record))).toObject();
  } catch (error) {
    if (isDuplicateKeyError(error)) return null;
    throw error;
  }
}

export async function findThingById(id: Types.ObjectId): Promise<Thing | null> {
  return ThingModel.findById(id).lean();
}

/** Only the owner, for the flattr path. */
export async function findOwnerIdOfThing(id: Types.ObjectId): Promise<Types.ObjectId | null> {
  const thing = await ThingModel.findById(id, { ownerId: 1 }).lean();
  return thing?.ownerId ?? null;
}

/** The things of these ids that exist, in no particular order. */
export async function findThingsByIds(ids: readonly Types.ObjectId[]): Promise<Thing[]> {
  if (ids.length === 0) return [];
  return ThingModel.find({ _id: { $in: ids } }).lean();
}

/** The owners of the things of these ids that exist, by thing id (hex); only owners are read (the settlement's path). */
export async function findOwnersOfThings(ids: readonly Types.ObjectId[]): Promise<Map<string, Types.ObjectId>> {
  if (ids.length === 0) return new Map();
  const things = await ThingModel.find({ _id: { $in: ids } }, { ownerId: 1 }).lean();
  return new Map(things.map((thing) => [thing._id.toHexString(), thing.ownerId]));
}

/** An owner's things, oldest first. */
export async function findThingsOfOwner(ownerId: Types.ObjectId): Promise<Thing[]> {
  return ThingModel.find({ ownerId }).sort({ createdAt: 1, _id: 1 }).lean();
}

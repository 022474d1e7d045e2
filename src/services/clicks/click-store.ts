import type { Types } from 'mongoose';
import { ClickModel, clickKey, type Click } from '../../db/click';
import { isDuplicateKeyError } from '../../db/errors';
import { GroupCommit, insertEachOnce, type InsertOutcome } from '../../db/group-commit';

/**
 * The one owner of the clicks collection: every read and write of it in src/ goes through here.
 * Writes are keyed by the `_id` clickKey(period, donorId, thingId), so a repeated insert is
 * "already there", never a second click.
 */
export type { Click };
export { clickKey };

/** A click as the settlement's planner reads it. */
export type PlanClick = Pick<Click, '_id' | 'donorId' | 'creatorId' | 'source' | 'at'>;

/** Flattrs made at once in this process share one insert (src/db/group-commit.ts). */
const clickInserts = new GroupCommit<Click, InsertOutcome>((clicks) => insertEachOnce(ClickModel, clicks));

/**
 * Inserts one click as it is (no casting or validation: the caller built every field).
 * 'duplicate' when the donor already has a click for this thing in this period.
 */
export async function insertClick(click: Click): Promise<InsertOutcome> {
  return clickInserts.submit(click);
}

/** Inserts clicks, skipping those already stored (closing a period again after a crash). */
export async function insertClicksOnce(clicks: readonly Click[]): Promise<void> {
  if (clicks.length === 0) return;
  try {
    await ClickModel.insertMany(clicks, { ordered: false, lean: true, throwOnValidationError: true });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** One donor's clicks of a period, in click order ({ at, _id }). */
export async function donorClicksOf(period: string, donorId: Types.ObjectId): Promise<Click[]> {
  return ClickModel.find({ period, donorId }).sort({ at: 1, _id: 1 }).lean<Click[]>();
}

/** Every click of a period, in click order, with what the planner needs. */
export async function periodClicksForPlan(period: string): Promise<PlanClick[]> {
  return ClickModel.find({ period }, { donorId: 1, creatorId: 1, source: 1, at: 1 }).sort({ at: 1, _id: 1 }).lean<PlanClick[]>();
}

/** The (donor, thing) pairs clicked in a period. */
export async function clickedPairsOf(period: string): Promise<Array<Pick<Click, 'donorId' | 'thingId'>>> {
  return ClickModel.find({ period }, { donorId: 1, thingId: 1, _id: 0 }).lean<Array<Pick<Click, 'donorId' | 'thingId'>>>();
}

/** The donors and creators (ids, hex) with clicks in a period: whom its settlement concerns. */
export async function periodParticipants(period: string): Promise<{ donors: string[]; creators: string[] }> {
  const [donors, creators] = await Promise.all([ClickModel.distinct('donorId', { period }), ClickModel.distinct('creatorId', { period })]);
  return { donors: donors.map(String), creators: creators.map(String) };
}

/** Whether the donor flattred the thing in the period. */
export async function hasClicked(period: string, donorId: Types.ObjectId | string, thingId: Types.ObjectId): Promise<boolean> {
  return (await ClickModel.exists({ period, donorId, thingId })) !== null;
}

/** Periods before `before` (and after `after`, when given) that have clicks (in no particular order). */
export async function clickPeriodsBefore(before: string, after?: string): Promise<string[]> {
  return stringsOf(await ClickModel.distinct('period', { period: after === undefined ? { $lt: before } : { $gt: after, $lt: before } }));
}

/** Every period in which the donor clicked (in no particular order). */
export async function donorClickPeriods(donorId: Types.ObjectId): Promise<string[]> {
  return stringsOf(await ClickModel.distinct('period', { donorId }));
}

/** A thing's clicks in a period (its button shows the count). */
export async function thingClickCount(thingId: Types.ObjectId, period: string): Promise<number> {
  return ClickModel.countDocuments({ period, thingId });
}

/** How many distinct donors ever flattred one of the creator's things. */
export async function distinctSupporterCount(creatorId: Types.ObjectId): Promise<number> {
  return (await ClickModel.distinct('donorId', { creatorId })).length;
}

/** Flattrs of the creator's things per period. One accumulator per $group: FerretDB answers 0 for a second. */
export async function creatorFlattrsPerPeriod(creatorId: Types.ObjectId): Promise<Map<string, number>> {
  const rows = await ClickModel.aggregate<{ _id: string; flattrs: number | bigint }>([
    { $match: { creatorId } },
    { $group: { _id: '$period', flattrs: { $sum: 1 } } },
  ]);
  return new Map(rows.map((row) => [row._id, Number(row.flattrs)]));
}

function stringsOf(values: readonly unknown[]): string[] {
  return values.filter((value): value is string => typeof value === 'string');
}

/** The clicks on one creator's things in a period (a statement's supporters). */
export async function creatorClicksOf(period: string, creatorId: Types.ObjectId): Promise<Array<Pick<Click, 'donorId'>>> {
  return ClickModel.find({ creatorId, period }, { donorId: 1, _id: 0 }).lean<Array<Pick<Click, 'donorId'>>>();
}

/** Every click of these donors in a period, in click order ({ at, _id }): their whole months. */
export async function donorsClicksOf(period: string, donorIds: readonly Types.ObjectId[]): Promise<Click[]> {
  if (donorIds.length === 0) return [];
  return ClickModel.find({ period, donorId: { $in: donorIds } }).sort({ at: 1, _id: 1 }).lean<Click[]>();
}

/** Every click of a period with its donor, creator, thing, source and time (the creators' daily digest). */
export async function periodClicksForDigest(period: string): Promise<Array<Pick<Click, 'donorId' | 'creatorId' | 'thingId' | 'source' | 'at'>>> {
  return ClickModel.find({ period }, { donorId: 1, creatorId: 1, thingId: 1, source: 1, at: 1 }).lean();
}

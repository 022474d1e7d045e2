import { randomBytes } from 'node:crypto';
import { KibbleError } from '../../errors';
import type { BuildResult, RecordedBuildInputs } from '../../chain/tx/tx-builder';
import { SettlementPlanChunkModel } from '../../db/settlement-plan-chunk';
import { parseWithBigints, stringifyWithBigints } from '../../money/bigint-json';
import type { PlanDonor, PlanInput, SettlementPlan } from '../../money/settlement-plan';

/** What the transaction builder was given besides the plan; change slots: one per transaction index of the build. */
export type BuilderInput = RecordedBuildInputs;

/**
 * What the month commits to (docs/proofs.md), fixed with the plan: the salt secret its donors'
 * salts derive from, the fee rate its allocations were split with (to rebuild them), the root.
 */
export interface PlanCommitment {
  /** 32 random bytes as hex, made with this plan attempt. Never logged, never in an answer. */
  saltSecret: string;
  serviceFeeBps: number;
  /** The allocation root (hex); null when the month has no allocations (nothing to commit). */
  root: string | null;
}

/** A plan as stored: the allocations and the unsigned transactions that carry them out. */
export interface StoredPlan {
  plan: SettlementPlan;
  build: BuildResult;
  /** Node tip the spendable outputs were chosen at. */
  tip: number;
  /** Absent on plans stored before months were committed on chain. */
  commitment?: PlanCommitment;
  /**
   * Exactly what the planner and the builder took, so that the month can be recomputed later
   * (kibble payday-snapshot and replay, docs/proofs.md "Replay"). Written with the plan, in the same
   * attempt, so it is as idempotent as the plan; absent on plans stored before it was recorded.
   */
  input?: StoredPlanInput;
  builder?: BuilderInput;
}

/**
 * The planner's input as stored: each click names its creator by index into `creators`, a few
 * bytes instead of a 24-character id (measured: 100,000 donors with a million clicks over 10,000
 * creators store 17 MB instead of 40 MB).
 */
export type StoredPlanInput = Omit<PlanInput, 'donors'> & { donors: Array<Omit<PlanDonor, 'clickCreators'> & { clicks: number[] }> };

export function storedPlanInput(input: PlanInput): StoredPlanInput {
  const indexOf = new Map(input.creators.map((creator, index) => [creator.id, index]));
  const donors = input.donors.map(({ clickCreators, ...donor }) => ({
    ...donor,
    clicks: clickCreators.map((creatorId) => {
      const index = indexOf.get(creatorId);
      // The planner refuses such an input before it could be stored.
      if (index === undefined) throw new KibbleError('internal', `donor ${donor.id} clicked creator ${creatorId}, who is missing from the creators`);
      return index;
    }),
  }));
  return { ...input, donors };
}

export function planInputOf(stored: StoredPlanInput): PlanInput {
  const donors = stored.donors.map(({ clicks, ...donor }) => ({
    ...donor,
    clickCreators: clicks.map((index) => {
      const creator = stored.creators[index];
      if (creator === undefined) throw new KibbleError('internal', `stored plan input of ${stored.period}: click of donor ${donor.id} names creator #${index} of ${stored.creators.length}`);
      return creator.id;
    }),
  }));
  return { ...stored, donors };
}

/** Well below MongoDB's 16 MiB document limit, and FerretDB's SQLite rows stay moderate. */
const CHUNK_CHARS = 4 * 1024 * 1024;

/** Writes the plan's chunks under a fresh attempt id; the caller commits by naming the attempt. */
export async function writePlanChunks(period: string, stored: StoredPlan, at: Date): Promise<{ attempt: string; chunks: number }> {
  const attempt = randomBytes(6).toString('hex');
  const text = stringifyWithBigints(stored);
  const chunks: string[] = [];
  for (let offset = 0; offset < text.length; offset += CHUNK_CHARS) chunks.push(text.slice(offset, offset + CHUNK_CHARS));
  await SettlementPlanChunkModel.insertMany(
    chunks.map((chunk, index) => ({ _id: `${period}:${attempt}:${index}`, period, attempt, index, text: chunk, createdAt: at })),
    { ordered: true },
  );
  return { attempt, chunks: chunks.length };
}

export async function readPlanChunks(period: string, attempt: string, chunks: number): Promise<StoredPlan> {
  const rows = await SettlementPlanChunkModel.find({ period, attempt }).sort({ index: 1 }).lean();
  if (rows.length !== chunks) throw new Error(`stored plan ${period}/${attempt} has ${rows.length} of ${chunks} chunks`);
  return parseWithBigints(rows.map((row) => row.text).join('')) as StoredPlan;
}

/** Chunks of attempts that never became the plan (a crash between writing and committing). */
export async function deleteOtherPlanAttempts(period: string, keep: string | undefined): Promise<void> {
  await SettlementPlanChunkModel.deleteMany(keep === undefined ? { period } : { period, attempt: { $ne: keep } });
}

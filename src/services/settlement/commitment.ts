import { randomBytes } from 'node:crypto';
import { KibbleError } from '../../errors';
import { monthAllocations, reconstructAllocations } from '../../money/allocations';
import type { Allocation, PlanInput, SettlementPlan } from '../../money/settlement-plan';
import { buildAllocationTree, type AllocationInput, type AllocationTree } from '../../proofs/allocation-tree';
import { commitmentScript } from '../../proofs/commitment';
import { fromHex, toHex } from '../../proofs/encoding';
import { allocationSalt } from '../../proofs/salts';
import { periodClickCreatorsByDonor } from './plan-input';
import { readPlanChunks, type PlanCommitment, type StoredPlan } from './plan-store';
import { findSettlement, type Settlement } from './settlement-store';

/**
 * What a month commits to on chain (issue 15, docs/proofs.md): its allocations (every donor ->
 * creator amount), each donor salted with a per-month secret, as a Merkle tree whose root the
 * first settlement transaction carries in an OP_RETURN output.
 *
 * The allocations are not stored: they are rebuilt from the stored plan (each donor's budget and
 * balance before) and the month's counted clicks, and checked against the plan's credits to the
 * koinu (money/allocations.ts, reconstructAllocations). A month of a million allocations would be
 * about 70 MB more of plan chunks; the clicks it is rebuilt from are kept anyway.
 */

const SALT_SECRET_BYTES = 32;

/** The commitment of a plan about to be stored: a fresh salt secret and the root of `input`'s allocations. */
export function planCommitment(input: PlanInput, plan: SettlementPlan): PlanCommitment {
  const allocations = monthAllocations(input);
  // The same reconstruction later proofs will make, checked now: a plan it cannot reproduce is not stored.
  const clicks = new Map(input.donors.map((donor) => [donor.id, donor.clickCreators]));
  const rebuilt = reconstructAllocations(plan, clicks, input.serviceFeeBps);
  if (rebuilt.problems.length > 0) throw new KibbleError('internal', `${plan.period}: the allocations do not rebuild from the plan: ${rebuilt.problems.slice(0, 3).join('; ')}`);
  const saltSecret = randomBytes(SALT_SECRET_BYTES);
  const root = allocations.length === 0 ? null : toHex(allocationTreeFrom(plan.period, allocations, saltSecret).root);
  return { saltSecret: saltSecret.toString('hex'), serviceFeeBps: input.serviceFeeBps, root };
}

/** The OP_RETURN script carrying a stored root (hex), as the builder adds it and the signer expects it. */
export function commitmentScriptHex(period: string, root: string): string {
  return Buffer.from(commitmentScript(period, fromHex('root', root, 32))).toString('hex');
}

/** A planned month's allocations with what its proofs need. */
export interface CommittedMonth {
  settlement: Settlement;
  stored: StoredPlan;
  commitment: PlanCommitment;
  allocations: Allocation[];
}

/**
 * Every (donor, creator) amount of a planned month, sorted by donor then creator, rebuilt from
 * what the settlement stored and checked against its plan (refused with the first differences
 * otherwise). For statements, replays and proofs.
 */
export async function monthAllocationsOf(period: string): Promise<Allocation[]> {
  return (await committedMonth(period)).allocations;
}

export async function committedMonth(period: string): Promise<CommittedMonth> {
  const settlement = await findSettlement(period);
  if (settlement === null || !settlement.planAttempt || !settlement.planChunks) {
    throw new KibbleError('not-found', `${period} has no stored plan yet (state: ${settlement?.state ?? 'open'})`);
  }
  const stored = await readPlanChunks(period, settlement.planAttempt, settlement.planChunks);
  const commitment = stored.commitment;
  if (commitment === undefined) throw new KibbleError('not-found', `${period} was planned before months were committed on chain: it has no allocation commitment`);
  const rebuilt = reconstructAllocations(stored.plan, await periodClickCreatorsByDonor(period), commitment.serviceFeeBps);
  if (rebuilt.problems.length > 0) {
    throw new KibbleError('internal', `${period}: the stored clicks no longer rebuild the plan's allocations (${rebuilt.problems.length} differences; first: ${rebuilt.problems.slice(0, 3).join('; ')})`);
  }
  return { settlement, stored, commitment, allocations: rebuilt.allocations };
}

/** The month's allocation tree with every donor's salt (the donor's own proof shows it). */
export function allocationTreeOf(month: Pick<CommittedMonth, 'allocations' | 'commitment'> & { period: string }): AllocationTree {
  return allocationTreeFrom(month.period, month.allocations, Buffer.from(month.commitment.saltSecret, 'hex'));
}

function allocationTreeFrom(period: string, allocations: readonly Allocation[], secret: Uint8Array): AllocationTree {
  const salts = new Map<string, Uint8Array>();
  const inputs: AllocationInput[] = allocations.map((allocation) => {
    let salt = salts.get(allocation.donorId);
    if (salt === undefined) salts.set(allocation.donorId, (salt = allocationSalt(secret, period, allocation.donorId)));
    return { creator: allocation.creatorId, amount: allocation.amount, donor: { id: allocation.donorId, salt } };
  });
  return buildAllocationTree(period, inputs);
}

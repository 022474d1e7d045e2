import type { Allocation } from '../money/settlement-plan';
import { buildAllocationTree, type AllocationInput, type AllocationTree } from './allocation-tree';
import { allocationSalt } from './salts';

/**
 * A month's allocation tree from its (donor, creator, amount) allocations and the month's salt
 * secret: each donor's salt is allocationSalt(secret, period, donor), derived once per donor.
 * The tree the settlement commits to and personal proofs are cut from.
 */
export function saltedAllocationTree(period: string, allocations: readonly Allocation[], secret: Uint8Array): AllocationTree {
  const salts = new Map<string, Uint8Array>();
  const inputs: AllocationInput[] = allocations.map((allocation) => {
    let salt = salts.get(allocation.donorId);
    if (salt === undefined) salts.set(allocation.donorId, (salt = allocationSalt(secret, period, allocation.donorId)));
    return { creator: allocation.creatorId, amount: allocation.amount, donor: { id: allocation.donorId, salt } };
  });
  return buildAllocationTree(period, inputs);
}

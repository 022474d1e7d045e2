import { randomBytes } from 'node:crypto';
import { isKibbleError, KibbleError } from '../../errors';
import { monthAllocations } from '../../money/allocations';
import { parsePeriod } from '../../money/period';
import { donorCommitment } from '../../proofs/allocation-tree';
import { fromHex } from '../../proofs/encoding';
import { paydaySnapshotJson, type PaydaySnapshot } from '../../proofs/payday-snapshot';
import { PSEUDONYM_KEY_BYTES } from '../../proofs/pseudonyms';
import { allocationSalt } from '../../proofs/salts';
import { committedMonth, type CommittedMonth } from './commitment';
import { planInputOf } from './plan-store';

/**
 * `kibble payday-snapshot` (docs/proofs.md, "Replay"): a planned (or later) month's planner and
 * builder inputs, as the plan stored them, with its donors pseudonymised under a key made for
 * this snapshot alone and thrown away, and what the month published.
 */
export async function paydaySnapshot(periodText: string): Promise<PaydaySnapshot> {
  const period = parsePeriod(periodText);
  const { settlement, stored, commitment, allocations } = await plannedMonth(period);
  if (stored.input === undefined || stored.builder === undefined) {
    throw new KibbleError('snapshot-unavailable', `${period} was planned before kibble recorded the planner's and builder's inputs: it cannot be replayed`);
  }
  const input = planInputOf(stored.input);
  // The stored input and the month's clicks must tell the same story (commitment.ts rebuilds the
  // allocations from the clicks): a snapshot that the commitment would contradict is not written.
  const fromInput = monthAllocations(input);
  const agree = fromInput.length === allocations.length && fromInput.every((a, i) => {
    const b = allocations[i];
    return b !== undefined && a.donorId === b.donorId && a.creatorId === b.creatorId && a.amount === b.amount;
  });
  if (!agree) throw new KibbleError('internal', `${period}: the stored planner input and the month's clicks give different allocations`);
  const secret = fromHex('salt secret', commitment.saltSecret, 32);
  const salts = new Map<string, Uint8Array>();
  const saltOf = (donor: string): Uint8Array => {
    let salt = salts.get(donor);
    if (salt === undefined) salts.set(donor, (salt = allocationSalt(secret, period, donor)));
    return salt;
  };
  return paydaySnapshotJson({
    input,
    builder: { ...stored.builder, tip: stored.tip },
    plan: stored.plan,
    build: stored.build,
    signed: settlement.transactions.map((tx) => ({ txid: tx.txid, raw: tx.raw, blockHeight: tx.blockHeight ?? null })),
    allocationRoot: commitment.root === null ? null : fromHex('allocation root', commitment.root, 32),
    donorCommitment: (donor, creator) => donorCommitment(saltOf(donor), donor, creator),
    pseudonymKey: randomBytes(PSEUDONYM_KEY_BYTES),
  });
}

async function plannedMonth(period: string): Promise<CommittedMonth> {
  try {
    return await committedMonth(period);
  } catch (error) {
    // Not planned yet, or planned before months were committed: nothing a snapshot can show.
    if (isKibbleError(error, 'not-found')) throw new KibbleError('snapshot-unavailable', error.message);
    throw error;
  }
}

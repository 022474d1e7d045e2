import { randomBytes } from 'node:crypto';
import { KibbleError } from '../../errors';
import { parsePeriod } from '../../money/period';
import { donorCommitment } from '../../proofs/allocation-tree';
import { fromHex } from '../../proofs/encoding';
import { paydaySnapshotJson, type PaydaySnapshot } from '../../proofs/payday-snapshot';
import { PSEUDONYM_KEY_BYTES } from '../../proofs/pseudonyms';
import { allocationSalt } from '../../proofs/salts';
import { planInputOf, readPlanChunks, type StoredPlan } from './plan-store';
import { findSettlement } from './settlement-store';

/** The month's commitment as the plan stores it (its salt secret and root). */
type CommittedPlan = StoredPlan & { commitment?: { saltSecret: string; root: string | null } };

/**
 * `kibble payday-snapshot` (docs/proofs.md, "Replay"): a planned (or later) month's planner and
 * builder inputs, as the plan stored them, with its donors pseudonymised under a key made for
 * this snapshot alone and thrown away, and what the month published.
 */
export async function paydaySnapshot(periodText: string): Promise<PaydaySnapshot> {
  const period = parsePeriod(periodText);
  const settlement = await findSettlement(period);
  if (settlement === null || !settlement.planAttempt || !settlement.planChunks) {
    throw new KibbleError('snapshot-unavailable', `${period} is not planned yet (state: ${settlement?.state ?? 'open'}): a snapshot shows what a planned month took`);
  }
  const stored = (await readPlanChunks(period, settlement.planAttempt, settlement.planChunks)) as CommittedPlan;
  if (stored.input === undefined || stored.builder === undefined || stored.commitment === undefined) {
    throw new KibbleError('snapshot-unavailable', `${period} was planned before kibble recorded the planner's inputs and the month's commitment: it cannot be replayed`);
  }
  const secret = fromHex('salt secret', stored.commitment.saltSecret, 32);
  const salts = new Map<string, Uint8Array>();
  const saltOf = (donor: string): Uint8Array => {
    let salt = salts.get(donor);
    if (salt === undefined) salts.set(donor, (salt = allocationSalt(secret, period, donor)));
    return salt;
  };
  const root = stored.commitment.root;
  return paydaySnapshotJson({
    input: planInputOf(stored.input),
    builder: { ...stored.builder, tip: stored.tip },
    plan: stored.plan,
    build: stored.build,
    signed: settlement.transactions.map((tx) => ({ txid: tx.txid, raw: tx.raw, blockHeight: tx.blockHeight ?? null })),
    allocationRoot: root === null ? null : fromHex('allocation root', root, 32),
    donorCommitment: (donor, creator) => donorCommitment(saltOf(donor), donor, creator),
    pseudonymKey: randomBytes(PSEUDONYM_KEY_BYTES),
  });
}

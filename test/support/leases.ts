// Reads the slot leases (src/db/lease.ts) as stored: claims `lease:<name>:<slot>`, one per slot,
// holder `<host>:<pid>:<random>`. For tests that need to know who runs the scanner or the settlement.
import { ClaimModel } from '../../src/db/claim';

export interface LeaseClaim {
  slot: number;
  holder: string;
}

export function slotAt(at: Date | number, slotSeconds: number): number {
  return Math.floor((typeof at === 'number' ? at : at.getTime()) / (slotSeconds * 1000));
}

/** Every stored claim of the lease, oldest slot first. */
export async function leaseClaims(name: string): Promise<LeaseClaim[]> {
  const prefix = `lease:${name}:`;
  const rows = await ClaimModel.find({ _id: { $regex: `^${prefix}` } }).lean();
  return rows
    .map((row) => ({ slot: Number(row._id.slice(prefix.length)), holder: row.holder ?? '' }))
    .sort((a, b) => a.slot - b.slot);
}

/** The holder of the slot running now, if any instance claimed it. */
export async function currentHolder(name: string, slotSeconds: number): Promise<string | undefined> {
  const claim = await ClaimModel.findById(`lease:${name}:${slotAt(Date.now(), slotSeconds)}`).lean();
  return claim?.holder ?? undefined;
}

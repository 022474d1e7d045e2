import { createHmac } from 'node:crypto';
import { KibbleError } from '../errors';

/**
 * Pseudonyms for the donors of a payday snapshot (docs/proofs.md, "Replay"): `donor-000001`,
 * `donor-000002`, ... numbered in the order of HMAC-SHA256(key, id). The same id always gets the
 * same pseudonym within one snapshot (one key); without the key, a pseudonym says nothing about
 * the id (not its order among the ids, not its value). The key is thrown away after the snapshot
 * is written, so not even the operator can map a snapshot's pseudonyms back later: a donor finds
 * their own line through the donor commitments their proof gives them.
 */

export const PSEUDONYM_KEY_BYTES = 32;
export const PSEUDONYM = /^donor-[0-9]{6,}$/;
const DIGITS = 6;

export function pseudonymsFor(ids: Iterable<string>, key: Uint8Array): Map<string, string> {
  if (key.length < PSEUDONYM_KEY_BYTES) {
    throw new KibbleError('internal', `a pseudonym key is at least ${PSEUDONYM_KEY_BYTES} bytes, got ${key.length}`);
  }
  const keyed = [...new Set(ids)].map((id) => ({ id, rank: createHmac('sha256', key).update(id, 'utf8').digest('hex') }));
  keyed.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  const width = Math.max(DIGITS, String(keyed.length).length);
  return new Map(keyed.map(({ id }, index) => [id, `donor-${String(index + 1).padStart(width, '0')}`]));
}

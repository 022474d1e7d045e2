import { createHmac } from 'node:crypto';
import { KibbleError } from '../errors';
import { identifierBytes, periodBytes } from './encoding';

/**
 * Per-user salts, derived rather than stored: the service can issue the same proof again at any
 * time from the secret alone. HMAC-SHA256(secret, tag || scope fields), each field length-prefixed
 * or fixed-length (docs/proofs.md, "Salts"). Anyone without the secret cannot guess a salt, so
 * a donor commitment or an account commitment reveals nothing about whose it is.
 */

export const MIN_SALT_SECRET_BYTES = 32;
const SALT_TAG = Buffer.from('kibble/v1/salt', 'ascii');

function hmacSalt(secret: Uint8Array, ...fields: readonly Uint8Array[]): Uint8Array {
  if (secret.length < MIN_SALT_SECRET_BYTES) {
    throw new KibbleError('config-invalid', `the proof salt secret must be at least ${MIN_SALT_SECRET_BYTES} bytes, got ${secret.length}`);
  }
  const hmac = createHmac('sha256', secret).update(new Uint8Array([SALT_TAG.length])).update(SALT_TAG);
  for (const field of fields) hmac.update(field);
  return new Uint8Array(hmac.digest());
}

/** The donor's salt for the allocation leaves of one period. */
export function allocationSalt(secret: Uint8Array, period: string, account: string): Uint8Array {
  return hmacSalt(secret, identifierBytes('scope', 'allocation'), periodBytes(period), identifierBytes('account id', account));
}

/** An account's salt in one proof-of-reserves snapshot (named by `snapshot`, e.g. the period or a block height). */
export function reservesSalt(secret: Uint8Array, snapshot: string, account: string): Uint8Array {
  return hmacSalt(secret, identifierBytes('scope', 'reserves'), identifierBytes('snapshot id', snapshot), identifierBytes('account id', account));
}

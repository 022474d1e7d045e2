import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A session token carries what a request needs to know about its session, signed, so that any
 * instance checks it without reading the database: a version byte, 32 random bytes, the account
 * id (12 bytes) and the expiry (8 bytes, milliseconds since the epoch), then an HMAC-SHA256 of
 * those 53 bytes under the session key. base64url, 114 characters. Revocation is the one thing
 * the token cannot say; see session-revocations.ts.
 */
const VERSION = 1;
const NONCE_BYTES = 32;
const ACCOUNT_ID_BYTES = 12;
const BODY_BYTES = 1 + NONCE_BYTES + ACCOUNT_ID_BYTES + 8;
const MAC_BYTES = 32;
export const SESSION_TOKEN_CHARS = Math.ceil(((BODY_BYTES + MAC_BYTES) * 4) / 3);
const TOKEN_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${SESSION_TOKEN_CHARS}}$`);
const ACCOUNT_ID_PATTERN = /^[0-9a-f]{24}$/;

export interface SessionClaims {
  /** The account's ObjectId as 24 lower-case hex digits. */
  accountId: string;
  expiresAt: Date;
}

export function mintSessionToken(key: Uint8Array, claims: SessionClaims, nonce: Uint8Array = randomBytes(NONCE_BYTES)): string {
  if (!ACCOUNT_ID_PATTERN.test(claims.accountId)) throw new Error(`not an account id: ${JSON.stringify(claims.accountId)}`);
  if (nonce.length !== NONCE_BYTES) throw new Error(`a session nonce has ${NONCE_BYTES} bytes, got ${nonce.length}`);
  const expiresAtMs = claims.expiresAt.getTime();
  if (!Number.isSafeInteger(expiresAtMs) || expiresAtMs < 0) throw new Error(`not an expiry: ${String(claims.expiresAt)}`);
  const body = Buffer.alloc(BODY_BYTES);
  body.writeUInt8(VERSION, 0);
  body.set(nonce, 1);
  body.write(claims.accountId, 1 + NONCE_BYTES, 'hex');
  body.writeBigUInt64BE(BigInt(expiresAtMs), 1 + NONCE_BYTES + ACCOUNT_ID_BYTES);
  return Buffer.concat([body, macOf(key, body)]).toString('base64url');
}

/**
 * The claims of a token this key signed, or undefined for anything else (malformed, another key,
 * altered). Expiry is the caller's to check against its clock. Only the canonical encoding is
 * accepted, so one session has exactly one token text (and one hash to revoke).
 */
export function readSessionToken(key: Uint8Array, token: string): SessionClaims | undefined {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== BODY_BYTES + MAC_BYTES || bytes.toString('base64url') !== token) return undefined;
  const body = bytes.subarray(0, BODY_BYTES);
  if (!timingSafeEqual(bytes.subarray(BODY_BYTES), macOf(key, body))) return undefined;
  if (body.readUInt8(0) !== VERSION) return undefined;
  return {
    accountId: body.toString('hex', 1 + NONCE_BYTES, 1 + NONCE_BYTES + ACCOUNT_ID_BYTES),
    expiresAt: new Date(Number(body.readBigUInt64BE(1 + NONCE_BYTES + ACCOUNT_ID_BYTES))),
  };
}

/** What the database keeps of a token (the session's `_id`): its SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function macOf(key: Uint8Array, body: Buffer): Buffer {
  return createHmac('sha256', key).update(body).digest();
}

import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { SessionModel } from '../db/session';

/**
 * Sessions: a token is 32 random bytes (base64url, 43 characters) handed to the client once; the
 * database keeps only its SHA-256, so a leaked database does not leak usable tokens. A plain hash
 * (no salt, no KDF) is enough because the token has 256 bits of entropy, and it lets the hash be
 * the session's `_id`, so the lookup and the revocation are by `_id` (the only filter FerretDB 1.x
 * pushes down to its backend; see src/db/session.ts).
 */

const TOKEN_BYTES = 32;
/**
 * How long an instance trusts a session it has read. FerretDB's `_id` lookup scans the whole
 * sessions table (its SQLite backend has no index on it), ~30 ms with 2,000 sessions, which made
 * the session read the slowest part of a flattr. Revoking on this instance takes effect at once
 * (the entry is dropped); another instance may accept a revoked token for up to this long.
 */
export const SESSION_CACHE_MS = 30_000;
const SESSION_CACHE_MAX = 50_000;
const sessionCache = new Map<string, { accountId: string; expiresAt: number; trustedUntil: number }>();
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedSession {
  token: string;
  expiresAt: Date;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function issueSession(accountId: string, now: Date, ttlMs: number): Promise<IssuedSession> {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs);
  const tokenHash = hashToken(token);
  await SessionModel.create({ _id: tokenHash, tokenHash, accountId: new Types.ObjectId(accountId), expiresAt, createdAt: now });
  return { token, expiresAt };
}

/**
 * The account a token belongs to, or undefined when it is malformed, unknown, revoked or expired.
 * Expiry is checked here on every read: the test database has no TTL indexes, and even MongoDB's
 * TTL monitor only removes documents once a minute.
 */
export async function accountIdForToken(token: string, now: Date): Promise<string | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const tokenHash = hashToken(token);
  const cached = sessionCache.get(tokenHash);
  if (cached !== undefined && cached.trustedUntil > Date.now()) {
    return cached.expiresAt > now.getTime() ? cached.accountId : undefined;
  }
  const session = await SessionModel.findById(tokenHash, { accountId: 1, expiresAt: 1 }).lean();
  if (session === null) {
    sessionCache.delete(tokenHash);
    return undefined;
  }
  remember(tokenHash, { accountId: session.accountId.toString(), expiresAt: session.expiresAt.getTime(), trustedUntil: Date.now() + SESSION_CACHE_MS });
  return session.expiresAt.getTime() <= now.getTime() ? undefined : session.accountId.toString();
}

function remember(tokenHash: string, entry: { accountId: string; expiresAt: number; trustedUntil: number }): void {
  // Oldest first: a Map iterates in insertion order, so this drops the longest-cached entry.
  if (sessionCache.size >= SESSION_CACHE_MAX) sessionCache.delete(sessionCache.keys().next().value as string);
  sessionCache.set(tokenHash, entry);
}

/** Revoking twice, or revoking an unknown token, is not an error: the token is unusable either way. */
export async function revokeSession(token: string): Promise<void> {
  sessionCache.delete(hashToken(token));
  await SessionModel.deleteOne({ _id: hashToken(token) });
}

/** Housekeeping for a periodic job; reads never depend on it. */
export async function removeExpiredSessions(now: Date): Promise<number> {
  const result = await SessionModel.deleteMany({ expiresAt: { $lte: now } });
  return result.deletedCount;
}

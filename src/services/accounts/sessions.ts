import { Types } from 'mongoose';
import { SessionModel } from '../../db/session';
import { removeExpiredRevocations, SessionRevocations } from './session-revocations';
import { hashToken, mintSessionToken, readSessionToken } from './session-token';

/**
 * Sessions. A token is signed and carries its account and expiry (session-token.ts), so checking
 * one on a request reads nothing from the database; only revocations are followed
 * (session-revocations.ts). The database keeps each issued session by the token's SHA-256, never
 * the token, so a leaked database holds no usable token; and without the session key (derived from
 * OPERATOR_TOKEN, see config/derived-secrets.ts) nobody can make one.
 */

export interface IssuedSession {
  token: string;
  expiresAt: Date;
}

/** This process's view of the revocations, shared by every app it serves. */
const processRevocations = new SessionRevocations();

export async function issueSession(key: Uint8Array, accountId: string, now: Date, ttlMs: number): Promise<IssuedSession> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  const token = mintSessionToken(key, { accountId, expiresAt });
  const tokenHash = hashToken(token);
  await SessionModel.create({ _id: tokenHash, tokenHash, accountId: new Types.ObjectId(accountId), expiresAt, createdAt: now });
  return { token, expiresAt };
}

/** The account a token belongs to, or undefined when it is malformed, forged, expired or revoked. */
export async function accountIdForToken(key: Uint8Array, token: string, now: Date, revocations = processRevocations): Promise<string | undefined> {
  const claims = readSessionToken(key, token);
  if (claims === undefined || claims.expiresAt.getTime() <= now.getTime()) return undefined;
  return (await revocations.isRevoked(hashToken(token), now)) ? undefined : claims.accountId;
}

/**
 * The subject of the operator's web sessions: tokens signed with the operator session key (a key
 * of their own, config/derived-secrets.ts) for this id, which no account has (ObjectIds start
 * with their creation time). Issued, checked and revoked like an account's session.
 */
export const OPERATOR_SUBJECT = '000000000000000000000000';

export function issueOperatorSession(operatorKey: Uint8Array, now: Date, ttlMs: number): Promise<IssuedSession> {
  return issueSession(operatorKey, OPERATOR_SUBJECT, now, ttlMs);
}

/** True for an operator session token that is neither expired nor revoked. */
export async function isOperatorSession(operatorKey: Uint8Array, token: string, now: Date, revocations = processRevocations): Promise<boolean> {
  return (await accountIdForToken(operatorKey, token, now, revocations)) === OPERATOR_SUBJECT;
}

/**
 * Revoking twice is not an error, and a token this key never signed needs no revocation: it is
 * refused anyway. The revocation is recorded before the session is deleted, so a crash between
 * the two leaves the token revoked.
 */
export async function revokeSession(key: Uint8Array, token: string, revocations = processRevocations): Promise<void> {
  const claims = readSessionToken(key, token);
  if (claims === undefined) return;
  const tokenHash = hashToken(token);
  await revocations.revoke(tokenHash, claims.expiresAt);
  await SessionModel.deleteOne({ _id: tokenHash });
}

/** Housekeeping for a periodic job (reads never depend on it): expired sessions and revocations. */
export async function removeExpiredSessions(now: Date): Promise<number> {
  const sessions = await SessionModel.deleteMany({ expiresAt: { $lte: now } });
  const revoked = await removeExpiredRevocations(now);
  return sessions.deletedCount + revoked;
}

export { hashToken } from './session-token';

/**
 * Revokes every session of an account (after a password reset): each is recorded as revoked
 * before it is deleted, like revokeSession. Sessions issued meanwhile by another request are not
 * caught: a reset is followed by a fresh sign-in, and the old password no longer works.
 */
export async function revokeAllSessionsOf(accountId: string, revocations = processRevocations): Promise<number> {
  const sessions = await SessionModel.find({ accountId: new Types.ObjectId(accountId) }, { expiresAt: 1 }).lean();
  for (const session of sessions) {
    await revocations.revoke(session._id, session.expiresAt);
    await SessionModel.deleteOne({ _id: session._id });
  }
  return sessions.length;
}

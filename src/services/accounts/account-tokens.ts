import { createHash, randomBytes } from 'node:crypto';
import { AccountTokenModel } from '../../db/account-token';
import { isDuplicateKeyError } from '../../db/errors';

/**
 * Single-use, expiring tokens for links sent by mail. The owner of the account_tokens collection.
 * The token (32 random bytes, base64url) goes into the mail only; the database keeps its SHA-256.
 */

export type TokenPurpose = 'confirm-address' | 'password-reset';

export interface TokenGrant {
  accountId: string;
  address: string | undefined;
}

export async function issueAccountToken(purpose: TokenPurpose, grant: TokenGrant, now: Date, ttlMs: number): Promise<{ token: string; hash: string }> {
  const token = randomBytes(32).toString('base64url');
  const hash = tokenHash(token);
  await AccountTokenModel.create({
    _id: hash,
    purpose,
    accountId: grant.accountId,
    ...(grant.address === undefined ? {} : { address: grant.address }),
    expiresAt: new Date(now.getTime() + ttlMs),
    createdAt: now,
  });
  return { token, hash };
}

/**
 * Uses a token: its grant when it exists for this purpose, has not expired and was not used
 * before (this call's marker insert is the one that won), else undefined. Checking costs nothing
 * that depends on the token being right, so no timing tells a near miss.
 */
export async function useAccountToken(purpose: TokenPurpose, token: string, now: Date): Promise<TokenGrant | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const hash = tokenHash(token);
  const row = await AccountTokenModel.findById(hash).lean();
  if (row === null || row.purpose !== purpose || row.accountId == null || row.expiresAt.getTime() <= now.getTime()) return undefined;
  try {
    await AccountTokenModel.create({ _id: `used:${hash}`, purpose: 'used', expiresAt: row.expiresAt, createdAt: now });
  } catch (error) {
    if (isDuplicateKeyError(error)) return undefined;
    throw error;
  }
  return { accountId: row.accountId, address: row.address ?? undefined };
}

/** Housekeeping: tokens (and their use markers) past their expiry. */
export async function removeExpiredAccountTokens(now: Date): Promise<number> {
  return (await AccountTokenModel.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

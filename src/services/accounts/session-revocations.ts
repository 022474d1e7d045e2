import { isDuplicateKeyError } from '../../db/errors';
import { SessionRevocationModel } from '../../db/session-revocation';

export interface SessionRevocationOptions {
  /** How stale this instance's view may be when it answers; a revocation elsewhere takes effect within this. */
  refreshMs: number;
  /**
   * How far back each refresh reads by `revokedAt`, past the previous refresh: covers inserts
   * that commit late and clocks that differ between instances (keep them NTP-synced).
   */
  overlapMs: number;
}

export const DEFAULT_REVOCATION_OPTIONS: SessionRevocationOptions = { refreshMs: 1000, overlapMs: 10 * 60_000 };
/** Revocations are forgotten this long after their token expired (clocks in tests can run behind). */
const FORGET_AFTER_EXPIRY_MS = 24 * 60 * 60_000;

/**
 * One instance's view of the revoked sessions. The first check loads every revocation whose token
 * has not expired; after that, a check on a view older than `refreshMs` first reads what was
 * revoked since the last refresh (one small query, shared by the requests waiting on it). So a
 * sign-out takes effect at once on the instance that handled it and within `refreshMs` on the
 * others, and a request costs no database read otherwise.
 */
export class SessionRevocations {
  private readonly revoked = new Map<string, number>();
  /** Date.now() when the last completed refresh started; undefined before the first load. */
  private refreshedAt: number | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly options: SessionRevocationOptions = DEFAULT_REVOCATION_OPTIONS) {}

  async isRevoked(tokenHash: string, now: Date): Promise<boolean> {
    if (this.revoked.has(tokenHash)) return true;
    await this.refreshIfStale(now);
    return this.revoked.has(tokenHash);
  }

  /** Records a revocation (idempotent); it holds here at once, elsewhere after their next refresh. */
  async revoke(tokenHash: string, expiresAt: Date): Promise<void> {
    this.revoked.set(tokenHash, expiresAt.getTime());
    try {
      await SessionRevocationModel.create({ _id: tokenHash, expiresAt, revokedAt: new Date() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  private async refreshIfStale(now: Date): Promise<void> {
    if (this.refreshedAt !== undefined && Date.now() - this.refreshedAt < this.options.refreshMs) return;
    this.refreshing ??= this.refresh(now).finally(() => {
      this.refreshing = undefined;
    });
    await this.refreshing;
  }

  private async refresh(now: Date): Promise<void> {
    const startedAt = Date.now();
    const forgetBefore = now.getTime() - FORGET_AFTER_EXPIRY_MS;
    const filter =
      this.refreshedAt === undefined
        ? { expiresAt: { $gt: new Date(forgetBefore) } }
        : { revokedAt: { $gte: new Date(this.refreshedAt - this.options.overlapMs) } };
    const rows = await SessionRevocationModel.find(filter, { expiresAt: 1 }).lean();
    for (const row of rows) this.revoked.set(row._id, row.expiresAt.getTime());
    for (const [tokenHash, expiresAt] of this.revoked) {
      if (expiresAt <= forgetBefore) this.revoked.delete(tokenHash);
    }
    this.refreshedAt = startedAt;
  }
}

/** Housekeeping: deletes the revocations of tokens expired for a day. Returns how many. */
export async function removeExpiredRevocations(now: Date): Promise<number> {
  const result = await SessionRevocationModel.deleteMany({ expiresAt: { $lte: new Date(now.getTime() - FORGET_AFTER_EXPIRY_MS) } });
  return result.deletedCount;
}

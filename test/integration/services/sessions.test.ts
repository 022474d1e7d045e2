import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { SessionModel } from '../../../src/db/session';
import { SessionRevocationModel } from '../../../src/db/session-revocation';
import { startHousekeeping } from '../../../src/jobs/housekeeping';
import { createLogger } from '../../../src/log';
import { SessionRevocations } from '../../../src/services/accounts/session-revocations';
import { accountIdForToken, hashToken, issueSession, removeExpiredSessions, revokeSession } from '../../../src/services/accounts/sessions';
import { useTestDatabase } from '../../support/database';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Each SessionRevocations stands for one instance of kibble behind the load balancer. */
describe('sessions across instances', () => {
  useTestDatabase();
  const key = randomBytes(32);
  const now = new Date();
  const newAccountId = () => new Types.ObjectId().toHexString();

  it('a token is checked without its session document: only a revocation ends it early', async () => {
    const accountId = newAccountId();
    const { token } = await issueSession(key, accountId, now, DAY_MS);
    const instance = new SessionRevocations({ refreshMs: 0, overlapMs: 60_000 });
    await SessionModel.deleteMany({});
    expect(await accountIdForToken(key, token, now, instance)).toBe(accountId);
  });

  it('a sign-out on one instance holds there at once and on another from its next refresh', async () => {
    const accountId = newAccountId();
    const { token } = await issueSession(key, accountId, now, DAY_MS);
    const signedOutHere = new SessionRevocations({ refreshMs: 60_000, overlapMs: 60_000 });
    const elsewhere = new SessionRevocations({ refreshMs: 60_000, overlapMs: 60_000 });
    const alwaysFresh = new SessionRevocations({ refreshMs: 0, overlapMs: 60_000 });
    // Every view has loaded once (a view that has never loaded reads everything first).
    for (const view of [signedOutHere, elsewhere, alwaysFresh]) expect(await accountIdForToken(key, token, now, view)).toBe(accountId);

    await revokeSession(key, token, signedOutHere);
    expect(await accountIdForToken(key, token, now, signedOutHere)).toBeUndefined();
    expect(await accountIdForToken(key, token, now, alwaysFresh)).toBeUndefined();
    // Within its refresh interval an instance still answers from what it read last.
    expect(await accountIdForToken(key, token, now, elsewhere)).toBe(accountId);
    // A new instance loads every revocation of a token not yet expired.
    expect(await accountIdForToken(key, token, now, new SessionRevocations())).toBeUndefined();

    expect(await SessionModel.countDocuments({ _id: hashToken(token) })).toBe(0);
    const stored = await SessionRevocationModel.findById(hashToken(token)).lean();
    expect(stored?.expiresAt.getTime()).toBe(now.getTime() + DAY_MS);
  });

  it('a check after the refresh interval reads what was revoked elsewhere', async () => {
    const accountId = newAccountId();
    const { token } = await issueSession(key, accountId, now, DAY_MS);
    const elsewhere = new SessionRevocations({ refreshMs: 200, overlapMs: 60_000 });
    expect(await accountIdForToken(key, token, now, elsewhere)).toBe(accountId);
    await revokeSession(key, token, new SessionRevocations());
    await new Promise((resolve) => setTimeout(resolve, 250));
    const answers = await Promise.all(Array.from({ length: 20 }, () => accountIdForToken(key, token, now, elsewhere)));
    expect(answers).toEqual(Array.from({ length: 20 }, () => undefined));
  });

  it('revoking twice, or a token this key never signed, is not an error', async () => {
    const { token } = await issueSession(key, newAccountId(), now, DAY_MS);
    await revokeSession(key, token);
    await revokeSession(key, token);
    await revokeSession(key, 'A'.repeat(114));
    await revokeSession(randomBytes(32), token);
    expect(await SessionRevocationModel.countDocuments({ _id: hashToken(token) })).toBe(1);
  });

  it('an expired token is refused whatever the revocations say', async () => {
    const { token } = await issueSession(key, newAccountId(), now, 1000);
    expect(await accountIdForToken(key, token, new Date(now.getTime() + 999))).toBeDefined();
    expect(await accountIdForToken(key, token, new Date(now.getTime() + 1000))).toBeUndefined();
  });

  it('housekeeping removes expired sessions and the revocations of tokens expired for a day', async () => {
    await SessionModel.deleteMany({});
    await SessionRevocationModel.deleteMany({});
    const expiring = await issueSession(key, newAccountId(), now, 1000);
    const lasting = await issueSession(key, newAccountId(), now, 10 * DAY_MS);
    await revokeSession(key, expiring.token);
    await revokeSession(key, lasting.token);
    const lastingTwin = await issueSession(key, newAccountId(), now, 10 * DAY_MS);
    await issueSession(key, newAccountId(), now, 1000);

    // The unrevoked session that expired; the revocations stay a day longer.
    expect(await removeExpiredSessions(new Date(now.getTime() + 1000))).toBe(1);
    expect(await removeExpiredSessions(new Date(now.getTime() + 1000 + DAY_MS))).toBe(1);
    expect(await SessionRevocationModel.countDocuments({})).toBe(1);
    expect(await SessionModel.countDocuments({})).toBe(1);
    expect(await accountIdForToken(key, lasting.token, new Date(now.getTime() + 2 * DAY_MS), new SessionRevocations())).toBeUndefined();
    expect(await accountIdForToken(key, lastingTwin.token, new Date(now.getTime() + 2 * DAY_MS))).toBeDefined();
  });
});

describe('the housekeeping job', () => {
  useTestDatabase();

  it('removes expired sessions on its first pass and stops cleanly', async () => {
    const key = randomBytes(32);
    const issuedAt = new Date(Date.now() - 2 * DAY_MS);
    await issueSession(key, new Types.ObjectId().toHexString(), issuedAt, 1000);
    const alive = await issueSession(key, new Types.ObjectId().toHexString(), new Date(), DAY_MS);
    const job = startHousekeeping({ intervalMs: 60_000, clock: () => new Date(), log: createLogger('silent') });
    await job.stop();
    expect(await SessionModel.find({}, { _id: 1 }).lean()).toEqual([{ _id: hashToken(alive.token) }]);
  });
});

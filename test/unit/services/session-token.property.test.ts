import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { hashToken, mintSessionToken, readSessionToken, SESSION_TOKEN_CHARS } from '../../../src/services/accounts/session-token';

const key = randomBytes(32);
const accountIdArb = fc.uint8Array({ minLength: 12, maxLength: 12 }).map((bytes) => Buffer.from(bytes).toString('hex'));
// Any instant a session can expire at: from the epoch to the year 275760 (the largest JS Date).
const expiryArb = fc.integer({ min: 0, max: 8_640_000_000_000_000 }).map((ms) => new Date(ms));
const claimsArb = fc.record({ accountId: accountIdArb, expiresAt: expiryArb });
const nonceArb = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('session tokens', () => {
  it('read back exactly the claims they were minted with, in 114 URL-safe characters', () => {
    fc.assert(
      fc.property(claimsArb, nonceArb, (claims, nonce) => {
        const token = mintSessionToken(key, claims, nonce);
        expect(token).toHaveLength(SESSION_TOKEN_CHARS);
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(readSessionToken(key, token)).toEqual(claims);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuse any altered character', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(claimsArb, fc.nat({ max: SESSION_TOKEN_CHARS - 1 }), fc.nat({ max: 63 }), (claims, position, replacement) => {
        const token = mintSessionToken(key, claims);
        const character = alphabet[replacement] as string;
        fc.pre(token[position] !== character);
        const altered = token.slice(0, position) + character + token.slice(position + 1);
        expect(readSessionToken(key, altered)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('refuse a token signed with another key', () => {
    fc.assert(
      fc.property(claimsArb, (claims) => {
        expect(readSessionToken(randomBytes(32), mintSessionToken(key, claims))).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('refuse a claim moved from one token to another (the account or the expiry)', () => {
    const mine = mintSessionToken(key, { accountId: 'a'.repeat(24), expiresAt: new Date(1_000) });
    const theirs = mintSessionToken(key, { accountId: 'b'.repeat(24), expiresAt: new Date(2_000_000_000_000) });
    const bytesOf = (token: string) => Buffer.from(token, 'base64url');
    // Bytes 33..45 hold the account, 45..53 the expiry; the HMAC covers both.
    for (const [from, to] of [[33, 45], [45, 53]] as const) {
      const spliced = bytesOf(mine);
      bytesOf(theirs).copy(spliced, from, from, to);
      expect(readSessionToken(key, spliced.toString('base64url'))).toBeUndefined();
    }
  });

  it.each([
    ['empty', ''],
    ['the old 43-character form', 'A'.repeat(43)],
    ['one character short', 'A'.repeat(SESSION_TOKEN_CHARS - 1)],
    ['not base64url', '+'.repeat(SESSION_TOKEN_CHARS)],
    ['padded', `${'A'.repeat(SESSION_TOKEN_CHARS - 2)}==`],
    ['an operator injection', '{"$gt":""}'],
  ])('refuse %s', (_name, token) => {
    expect(readSessionToken(key, token)).toBeUndefined();
  });

  it('accept only the canonical text, so a session has one hash to revoke', () => {
    const token = mintSessionToken(key, { accountId: 'c'.repeat(24), expiresAt: new Date(5_000) });
    // 85 bytes use 680 of the last character's bits; the 4 unused bits must be zero.
    const last = token.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sameBytes = alphabet[alphabet.indexOf(last) | 0b1111] as string;
    const variant = token.slice(0, -1) + sameBytes;
    expect(Buffer.from(variant, 'base64url')).toEqual(Buffer.from(token, 'base64url'));
    expect(variant).not.toBe(token);
    expect(readSessionToken(key, variant)).toBeUndefined();
    expect(hashToken(variant)).not.toBe(hashToken(token));
  });

  it('refuse to mint from malformed claims', () => {
    expect(() => mintSessionToken(key, { accountId: 'not hex', expiresAt: new Date(0) })).toThrow(/not an account id/);
    expect(() => mintSessionToken(key, { accountId: 'a'.repeat(24), expiresAt: new Date(Number.NaN) })).toThrow(/not an expiry/);
    expect(() => mintSessionToken(key, { accountId: 'a'.repeat(24), expiresAt: new Date(0) }, new Uint8Array(8))).toThrow(/32 bytes/);
  });
});

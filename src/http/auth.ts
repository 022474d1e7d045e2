import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Secret } from '../config/secret';
import { KibbleError } from '../errors';
import { accountIdForToken } from '../services/accounts/sessions';
import { ACCOUNT_ID_LOCAL } from './rate-limit';

/**
 * `Authorization: Bearer <token>` for every mode:
 * - 'none': the header is ignored;
 * - 'account': a valid session token is required (401 when missing, invalid, expired or revoked);
 * - 'optional': anonymous without the header, but a header that is present must be valid (a
 *   stale token should be noticed, not silently treated as signed out);
 * - 'operator': OPERATOR_TOKEN, compared in constant time (401 without a token, 403 with another).
 */
export type AuthMode = 'none' | 'account' | 'optional' | 'operator';

/** res.locals key of the presented session token (DELETE /sessions/current revokes it). */
export const SESSION_TOKEN_LOCAL = 'sessionToken';

const MISSING_MESSAGE = 'sign in first: send "Authorization: Bearer <token>"';
const INVALID_MESSAGE = 'the token is invalid, expired or revoked; sign in again';

type Presented = { kind: 'missing' } | { kind: 'malformed' } | { kind: 'token'; token: string };

export function presentedToken(header: string | undefined): Presented {
  if (header === undefined || header.trim() === '') return { kind: 'missing' };
  // The scheme is case-insensitive (RFC 9110); the token itself is not.
  const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
  return match?.[1] === undefined ? { kind: 'malformed' } : { kind: 'token', token: match[1] };
}

/**
 * Hashing both sides first gives timingSafeEqual equal lengths, so neither the content nor the
 * length of the operator token leaks through response times.
 */
export function operatorTokenMatches(given: string, configured: Secret | undefined): boolean {
  if (configured === undefined) return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(configured.reveal()));
}

export interface AuthDeps {
  operatorToken: Secret | undefined;
  /** Verifies session tokens (derived from OPERATOR_TOKEN). */
  sessionKey: Uint8Array;
  clock: () => Date;
}

/** Fills res.locals with the account id (and session token) or fails with 401/403. */
export function authenticate(mode: AuthMode, deps: AuthDeps): RequestHandler {
  return async (req, res, next) => {
    if (mode === 'none') return next();
    const presented = presentedToken(req.get('authorization'));
    if (mode === 'operator') return next(operatorFailure(presented, deps.operatorToken));
    if (presented.kind === 'missing') {
      return next(mode === 'optional' ? undefined : new KibbleError('unauthorized', MISSING_MESSAGE));
    }
    const accountId = presented.kind === 'token' ? await accountIdForToken(deps.sessionKey, presented.token, deps.clock()) : undefined;
    if (accountId === undefined || presented.kind !== 'token') return next(new KibbleError('unauthorized', INVALID_MESSAGE));
    res.locals[ACCOUNT_ID_LOCAL] = accountId;
    res.locals[SESSION_TOKEN_LOCAL] = presented.token;
    next();
  };
}

function operatorFailure(presented: Presented, configured: Secret | undefined): KibbleError | undefined {
  if (presented.kind === 'missing') return new KibbleError('unauthorized', 'send "Authorization: Bearer <OPERATOR_TOKEN>"');
  if (presented.kind === 'token' && operatorTokenMatches(presented.token, configured)) return undefined;
  return new KibbleError('forbidden', 'this token does not grant operator access');
}

import type { CookieOptions, Request, Response } from 'express';
import type { Config } from '../../config/config';
import { accountIdForToken, isOperatorSession } from '../../services/accounts/sessions';

/**
 * Who is signed in to the web pages. A donor's or creator's session is the same session token the
 * API hands out, kept in an HttpOnly, SameSite cookie instead of an Authorization header. The
 * operator's cookie holds an operator session token (issued once OPERATOR_TOKEN was presented,
 * revoked on sign-out), never OPERATOR_TOKEN itself.
 */
export const SESSION_COOKIE = 'kibble_session';
export const OPERATOR_COOKIE = 'kibble_operator';

export function cookieOptions(config: Config, maxAgeMs?: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https://'),
    path: '/',
    ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
  };
}

/** A cookie's non-empty string value. */
function cookieOf(req: Request, name: string): string | undefined {
  // undefined when cookie-parser did not run, whatever the type says
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  const value: unknown = req.cookies?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function sessionTokenOf(req: Request): string | undefined {
  return cookieOf(req, SESSION_COOKIE);
}

export async function signedInAccount(req: Request, sessionKey: Uint8Array, now: Date): Promise<string | undefined> {
  const token = sessionTokenOf(req);
  return token === undefined ? undefined : accountIdForToken(sessionKey, token, now);
}

export function setSessionCookie(res: Response, config: Config, token: string, expiresAt: Date, now: Date): void {
  res.cookie(SESSION_COOKIE, token, cookieOptions(config, expiresAt.getTime() - now.getTime()));
}

export function clearSessionCookie(res: Response, config: Config): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(config));
}

export function operatorTokenOf(req: Request): string | undefined {
  return cookieOf(req, OPERATOR_COOKIE);
}

/** The operator cookie holds a signed, revocable operator session token (services/accounts/sessions.ts). */
export async function isOperator(req: Request, operatorKey: Uint8Array, now: Date): Promise<boolean> {
  const token = operatorTokenOf(req);
  return token !== undefined && (await isOperatorSession(operatorKey, token, now));
}

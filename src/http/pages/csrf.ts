import type { Request, Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import type { Config } from '../../config/config';
import { derivedSecret } from '../../config/derived-secrets';
import { CSRF_ERROR_CODE } from '../errors';
import { cookieOptions, operatorTokenOf, sessionTokenOf } from './web-session';

export const CSRF_FIELD = '_csrf';

export interface Csrf {
  /** Refuses a state-changing request whose form token does not match its cookie (403). */
  protect: ReturnType<typeof doubleCsrf>['doubleCsrfProtection'];
  /** The token to put in this page's forms (sets or reuses the CSRF cookie). */
  tokenFor(req: Request, res: Response): string;
}

/**
 * Double-submit CSRF tokens (csrf-csrf): a cookie plus the same token in every form, bound to the
 * session so a token from another session is refused. The secret must be the same on every
 * instance behind a load balancer: it is derived from OPERATOR_TOKEN (required in production).
 */
export function createCsrf(config: Config): Csrf {
  const secret = derivedSecret(config.operatorToken, 'csrf').toString('hex');
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req) => `${sessionTokenOf(req) ?? ''}|${operatorTokenOf(req) ?? ''}`,
    cookieName: config.publicUrl.startsWith('https://') ? '__Host-kibble.csrf' : 'kibble_csrf',
    cookieOptions: { ...cookieOptions(config), sameSite: 'strict' },
    getCsrfTokenFromRequest: (req) => {
      const body: unknown = req.body;
      const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
      return typeof value === 'string' ? value : undefined;
    },
    errorConfig: { statusCode: 403, message: 'the CSRF token is missing or does not match', code: CSRF_ERROR_CODE },
  });
  return {
    protect: doubleCsrfProtection,
    tokenFor(req, res) {
      try {
        return generateCsrfToken(req, res, { overwrite: false, validateOnReuse: true });
      } catch {
        // The cookie belongs to another session (signed in or out since): issue a fresh one.
        return generateCsrfToken(req, res, { overwrite: true });
      }
    },
  };
}

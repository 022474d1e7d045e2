import { z } from 'zod';
import { checkCredentials, PASSWORD_MAX_LENGTH } from '../../services/accounts/accounts';
import { defineRoute, type Route } from '../route';
import { issueSessionFor, revokeSessionFor } from '../session-issuing';
import { isoTimestamp } from '../schemas';
import { handleSchema } from './accounts';

export const sessionRoutes: Route[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/sessions',
    summary: 'Sign in: a new session token',
    description: 'A wrong handle and a wrong password get the same 401, so handles cannot be probed.',
    tags: ['sessions'],
    auth: 'none',
    rateLimit: 'sessions',
    // No minimum length here: a password rule may change, existing passwords must still work.
    body: z.object({ handle: handleSchema, password: z.string().min(1, 'is required').max(PASSWORD_MAX_LENGTH) }),
    responses: {
      200: { description: 'signed in', schema: z.strictObject({ token: z.string(), expiresAt: isoTimestamp }) },
      401: { description: 'unauthorized: wrong handle or password' },
    },
    handler: async ({ body, deps, now }) => {
      const accountId = await checkCredentials(body.handle, body.password, deps.passwordHashing);
      const session = await issueSessionFor(deps, accountId, now);
      return { status: 200, body: { token: session.token, expiresAt: session.expiresAt.toISOString() } };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/sessions/current',
    summary: 'Sign out: revoke the token this request carries',
    tags: ['sessions'],
    auth: 'account',
    responses: { 204: { description: 'revoked; the token no longer works' } },
    handler: async ({ sessionToken, deps }) => {
      if (sessionToken !== undefined) await revokeSessionFor(deps, sessionToken);
      return { status: 204 };
    },
  }),
];

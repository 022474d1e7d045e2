import { z } from 'zod';
import { createAccount, HANDLE_PATTERN, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../services/accounts/accounts';
import { defineRoute, type Route } from '../route';
import { issueSessionFor } from '../session-issuing';
import { objectId } from '../schemas';

export const handleSchema = z
  .string()
  .regex(HANDLE_PATTERN, '3 to 32 characters of a-z, 0-9, "_" and "-" (case-insensitive)')
  .meta({ example: 'alice' });

export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `at most ${PASSWORD_MAX_LENGTH} characters`);

export const accountRoutes: Route[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/accounts',
    summary: 'Create an account (signed in at once)',
    description: 'The account gets its own deposit address (see GET /api/v1/me). Handles are unique regardless of case.',
    tags: ['accounts'],
    auth: 'none',
    rateLimit: 'account-creation',
    body: z.object({ handle: handleSchema, password: newPasswordSchema }),
    responses: {
      201: { description: 'created, with a session token', schema: z.strictObject({ id: objectId, handle: z.string(), token: z.string() }) },
      409: { description: 'handle-taken' },
    },
    handler: async ({ body, deps, now }) => {
      const account = await createAccount(body, { deriver: deps.deriver, ...(deps.passwordHashing && { passwordHashing: deps.passwordHashing }) }, now);
      const session = await issueSessionFor(deps, account.id, now);
      return { status: 201, body: { id: account.id, handle: account.handle, token: session.token } };
    },
  }),
];

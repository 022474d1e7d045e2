import { z } from 'zod';
import { mailUnsubscribeKeyOf } from '../../config/derived-secrets';
import { KibbleError } from '../../errors';
import { LOCALES } from '../../i18n/locale';
import { confirmEmailAddress, emailStatus, EMAIL_MAX_LENGTH, removeEmailAddress, requestPasswordReset, resetPassword, setEmailAddress } from '../../services/accounts/email-address';
import { MAIL_KINDS } from '../../services/mail/kinds';
import { preferencesOf, setKindWanted, storePreferences } from '../../services/mail/preferences';
import { accountSubject, readUnsubscribeToken } from '../../services/mail/unsubscribe';
import { emailDepsOf } from '../mail-deps';
import { defineRoute, type Route } from '../route';
import { newPasswordSchema } from './accounts';

/** E-mail: the account's address and its confirmation, password reset, preferences, one-click unsubscribe. */

const emailSchema = z.strictObject({
  address: z.string().nullable(),
  confirmed: z.boolean(),
  locale: z.enum(LOCALES),
});
const token = z.string().max(200).meta({ description: 'the token of the link sent by mail' });
const preferencesSchema = z.strictObject(Object.fromEntries(MAIL_KINDS.map((kind) => [kind, z.boolean()])) as Record<(typeof MAIL_KINDS)[number], z.ZodBoolean>);

export const mailRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/api/v1/me/email',
    summary: "The account's e-mail address and whether it is confirmed",
    tags: ['mail'],
    auth: 'account',
    responses: { 200: { description: 'the address (null: none)', schema: emailSchema } },
    handler: async ({ accountId }) => {
      const status = await emailStatus(accountId);
      return { status: 200, body: { ...status, address: status.address ?? null } };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/me/email',
    summary: 'Give the account an e-mail address; a confirmation link is mailed to it',
    description: 'No mail goes to the address before its link is used (valid 48 hours, once). Mails are written in `locale` (default en).',
    tags: ['mail'],
    auth: 'account',
    rateLimit: 'mail-requests',
    body: z.object({ address: z.string().max(EMAIL_MAX_LENGTH).meta({ example: 'alice@example.org' }), locale: z.enum(LOCALES).optional() }),
    responses: { 202: { description: 'stored, unconfirmed; the link is on its way', schema: emailSchema } },
    handler: async ({ accountId, body, deps }) => {
      const status = await setEmailAddress(accountId, body.address, body.locale ?? 'en', emailDepsOf(deps));
      return { status: 202, body: { ...status, address: status.address ?? null } };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/me/email',
    summary: "Remove the account's e-mail address (no more mail)",
    tags: ['mail'],
    auth: 'account',
    responses: { 204: { description: 'removed' } },
    handler: async ({ accountId }) => {
      await removeEmailAddress(accountId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/email/confirm',
    summary: 'Confirm an e-mail address with the token of its link',
    tags: ['mail'],
    auth: 'none',
    body: z.object({ token }),
    responses: { 200: { description: 'confirmed', schema: z.strictObject({ address: z.string(), confirmed: z.literal(true) }) }, 400: { description: 'token-invalid' } },
    handler: async ({ body, now }) => {
      const { address } = await confirmEmailAddress(body.token, now);
      return { status: 200, body: { address, confirmed: true } };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/password-reset',
    summary: 'Ask for a password reset link by mail',
    description: 'The same answer whether or not an account has this confirmed address (no enumeration). The link is valid 30 minutes, once.',
    tags: ['mail'],
    auth: 'none',
    rateLimit: 'mail-requests',
    body: z.object({ address: z.string().max(EMAIL_MAX_LENGTH) }),
    responses: { 202: { description: 'if an account has this confirmed address, a link is on its way' } },
    handler: async ({ body, deps }) => {
      await requestPasswordReset(body.address, emailDepsOf(deps));
      return { status: 202 };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/password-reset/confirm',
    summary: 'Set a new password with the token of a reset link; signs every session of the account out',
    tags: ['mail'],
    auth: 'none',
    rateLimit: 'sessions',
    body: z.object({ token, password: newPasswordSchema }),
    responses: { 204: { description: 'the new password is set' }, 400: { description: 'token-invalid or validation-failed' } },
    handler: async ({ body, deps }) => {
      await resetPassword(body.token, body.password, emailDepsOf(deps));
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/me/mail-preferences',
    summary: 'Which kinds of mail the account gets (all on by default)',
    tags: ['mail'],
    auth: 'account',
    responses: { 200: { description: 'per kind, true: sent', schema: preferencesSchema } },
    handler: async ({ accountId }) => ({ status: 200, body: await preferencesOf(accountSubject(accountId)) }),
  }),
  defineRoute({
    method: 'put',
    path: '/api/v1/me/mail-preferences',
    summary: 'Turn kinds of mail on or off (kinds not named keep their setting)',
    tags: ['mail'],
    auth: 'account',
    body: preferencesSchema.partial(),
    responses: { 200: { description: 'the preferences now', schema: preferencesSchema } },
    handler: async ({ accountId, body, now }) => {
      await storePreferences(accountSubject(accountId), body, now);
      return { status: 200, body: await preferencesOf(accountSubject(accountId)) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/mail/unsubscribe',
    summary: 'One-click unsubscribe (RFC 8058): turns off the kind of mail the link names',
    description:
      "The URL of every mail's List-Unsubscribe header; mail providers POST `List-Unsubscribe=One-Click` to it (form-encoded, ignored here: the signed token is the authority). GET shows a page that asks first.",
    tags: ['mail'],
    auth: 'none',
    query: z.object({ token: z.string().max(600) }),
    responses: { 200: { description: 'that kind is off', schema: z.strictObject({ kind: z.enum(MAIL_KINDS), wanted: z.literal(false) }) }, 400: { description: 'token-invalid' } },
    handler: async ({ query, deps, now }) => {
      const target = readUnsubscribeToken(mailUnsubscribeKeyOf(deps.config), query.token);
      if (target === undefined) throw new KibbleError('token-invalid', 'this unsubscribe link is not valid');
      await setKindWanted(target.subject, target.kind, false, now);
      return { status: 200, body: { kind: target.kind, wanted: false } };
    },
  }),
];

import { mailUnsubscribeKeyOf } from '../../config/derived-secrets';
import { isKibbleError } from '../../errors';
import { confirmEmailAddress, emailStatus, requestPasswordReset, resetPassword, setEmailAddress } from '../../services/accounts/email-address';
import { ACCOUNT_MAIL_KINDS, MAIL_KINDS, type MailKind } from '../../services/mail/kinds';
import { preferencesOf, setKindWanted, storePreferences, type MailPreferences } from '../../services/mail/preferences';
import { accountSubject, readUnsubscribeToken } from '../../services/mail/unsubscribe';
import { html } from '../html';
import { emailDepsOf } from '../mail-deps';
import { csrfInput, field, layout, notice } from './layout';
import { signInFirst, type PageContext, type PageResult, type PageRoute } from './page';

/** The e-mail pages: the account's address and preferences, and the pages the mails link to. */
export const mailPages: PageRoute[] = [
  {
    method: 'get',
    path: '/account/mail',
    handler: async (ctx) => (ctx.accountId === undefined ? signInFirst('/account/mail') : settingsPage(ctx, ctx.accountId, {})),
  },
  {
    method: 'post',
    path: '/account/mail/address',
    rateLimit: 'mail-requests',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/account/mail');
      const address = ctx.form.address ?? '';
      try {
        const status = await setEmailAddress(ctx.accountId, address, ctx.i18n.locale, emailDepsOf(ctx.deps));
        return await settingsPage(ctx, ctx.accountId, { ok: ctx.i18n.t('mailpages:settings.addressSent', { address: status.address ?? '' }) });
      } catch (error) {
        if (!isKibbleError(error, 'validation-failed')) throw error;
        return settingsPage(ctx, ctx.accountId, { address, addressError: ctx.i18n.tDynamic('errors:validation-failed') }, 400);
      }
    },
  },
  {
    method: 'post',
    path: '/account/mail/preferences',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/account/mail');
      const chosen = Object.fromEntries(MAIL_KINDS.map((kind) => [kind, ctx.form[`kind-${kind}`] === 'on'])) as MailPreferences;
      await storePreferences(accountSubject(ctx.accountId), chosen, ctx.now);
      return settingsPage(ctx, ctx.accountId, { ok: ctx.i18n.t('mailpages:settings.kindsSaved') });
    },
  },
  {
    method: 'get',
    path: '/email/confirm',
    handler: (ctx) => tokenForm(ctx, 'confirm.title', 'confirm.ask', '/email/confirm', 'confirm.button'),
  },
  {
    method: 'post',
    path: '/email/confirm',
    handler: async (ctx) => {
      const { t } = ctx.i18n;
      try {
        const { address } = await confirmEmailAddress(ctx.form.token ?? '', ctx.now);
        return { page: layout(ctx, t('mailpages:confirm.title'), html`${notice(t('mailpages:confirm.done', { address }))}<p><a href="/account/mail">${t('mailpages:settings.title')}</a></p>`) };
      } catch (error) {
        return invalidLink(ctx, 'confirm.title', error);
      }
    },
  },
  { method: 'get', path: '/password/forgot', handler: (ctx) => forgotPage(ctx, undefined) },
  {
    method: 'post',
    path: '/password/forgot',
    rateLimit: 'mail-requests',
    handler: async (ctx) => {
      await requestPasswordReset(ctx.form.address ?? '', emailDepsOf(ctx.deps));
      return forgotPage(ctx, ctx.i18n.t('mailpages:forgot.sent'));
    },
  },
  { method: 'get', path: '/password/reset', handler: (ctx) => resetPage(ctx, {}) },
  {
    method: 'post',
    path: '/password/reset',
    rateLimit: 'sessions',
    handler: async (ctx) => {
      const { t } = ctx.i18n;
      try {
        await resetPassword(ctx.form.token ?? '', ctx.form.password ?? '', emailDepsOf(ctx.deps));
        return { page: layout(ctx, t('mailpages:reset.title'), html`${notice(t('mailpages:reset.done'))}<p><a class="button" href="/signin">${t('mailpages:reset.signIn')}</a></p>`) };
      } catch (error) {
        if (isKibbleError(error, 'validation-failed')) return resetPage(ctx, { error: ctx.i18n.tDynamic('errors:validation-failed') }, 400);
        return invalidLink(ctx, 'reset.title', error);
      }
    },
  },
  {
    method: 'get',
    path: '/mail/unsubscribe',
    handler: (ctx) => {
      const { t } = ctx.i18n;
      const token = queryToken(ctx);
      const target = readUnsubscribeToken(mailUnsubscribeKeyOf(ctx.deps.config), token);
      if (target === undefined) return invalidLink(ctx, 'unsubscribe.title', undefined);
      return {
        page: layout(
          ctx,
          t('mailpages:unsubscribe.title'),
          html`<form method="post" action="/mail/unsubscribe/confirm" class="stack">${csrfInput(ctx.csrfToken)}<input type="hidden" name="token" value="${token}">
<p>${t('mailpages:unsubscribe.ask', { kindName: kindName(ctx, target.kind) })}</p>
<p><button type="submit">${t('mailpages:unsubscribe.button')}</button></p></form>`,
        ),
      };
    },
  },
  {
    method: 'post',
    path: '/mail/unsubscribe/confirm',
    handler: async (ctx) => {
      const { t } = ctx.i18n;
      const target = readUnsubscribeToken(mailUnsubscribeKeyOf(ctx.deps.config), ctx.form.token ?? '');
      if (target === undefined) return invalidLink(ctx, 'unsubscribe.title', undefined);
      await setKindWanted(target.subject, target.kind, false, ctx.now);
      return {
        page: layout(
          ctx,
          t('mailpages:unsubscribe.title'),
          html`${notice(t('mailpages:unsubscribe.done', { kindName: kindName(ctx, target.kind) }))}<p><a href="/account/mail">${t('mailpages:unsubscribe.preferences')}</a></p>`,
        ),
      };
    },
  },
  {
    method: 'get',
    path: '/dev/mail',
    handler: async (ctx) => {
      const reader = ctx.deps.caughtMail;
      if (reader === undefined) return notFound(ctx);
      const { t } = ctx.i18n;
      const mails = await reader.list(50);
      const rows = mails.map(
        (mail) => html`<tr><td>${ctx.i18n.formatDate(mail.receivedAt, 'dateTime')}</td><td>${mail.to}</td><td><a href="/dev/mail/${mail.id}">${mail.subject}</a></td></tr>`,
      );
      const table =
        mails.length === 0
          ? html`<p>${t('mailpages:caught.none')}</p>`
          : html`<table><caption>${t('mailpages:caught.caption')}</caption><thead><tr><th scope="col">${t('mailpages:caught.received')}</th><th scope="col">${t('mailpages:caught.to')}</th><th scope="col">${t('mailpages:caught.subject')}</th></tr></thead><tbody>${rows}</tbody></table>`;
      return { page: layout(ctx, t('mailpages:caught.title'), html`<p>${t('mailpages:caught.intro')}</p>${table}`) };
    },
  },
  {
    method: 'get',
    path: '/dev/mail/:id',
    handler: async (ctx) => {
      const mail = await ctx.deps.caughtMail?.read(String(ctx.req.params.id ?? ''));
      if (mail === undefined) return notFound(ctx);
      const { t } = ctx.i18n;
      return {
        page: layout(
          ctx,
          mail.subject,
          html`<dl><dt>${t('mailpages:caught.to')}</dt><dd>${mail.to}</dd><dt>${t('mailpages:caught.received')}</dt><dd>${ctx.i18n.formatDate(mail.receivedAt, 'dateTime')}</dd></dl>
<pre class="mail">${mail.text}</pre><p><a href="/dev/mail">${t('mailpages:caught.back')}</a></p>`,
        ),
      };
    },
  },
];

function notFound(ctx: PageContext): PageResult {
  return { status: 404, page: layout(ctx, ctx.i18n.tDynamic('errors:not-found'), html``) };
}

interface SettingsState {
  ok?: string;
  address?: string;
  addressError?: string;
}

async function settingsPage(ctx: PageContext, accountId: string, state: SettingsState, status = 200): Promise<PageResult> {
  const { t } = ctx.i18n;
  const [email, preferences] = await Promise.all([emailStatus(accountId), preferencesOf(accountSubject(accountId))]);
  const current =
    email.address === undefined
      ? t('mailpages:settings.none')
      : t(email.confirmed ? 'mailpages:settings.confirmed' : 'mailpages:settings.unconfirmed', { address: email.address });
  const kinds = ACCOUNT_MAIL_KINDS.map(
    (kind) =>
      html`<div class="field checkbox"><input type="checkbox" id="kind-${kind}" name="kind-${kind}"${preferences[kind] ? html` checked` : html``}> <label for="kind-${kind}">${kindName(ctx, kind)}</label></div>`,
  );
  return {
    status,
    page: layout(
      ctx,
      t('mailpages:settings.title'),
      html`${notice(state.ok)}
<section aria-labelledby="mail-address"><h2 id="mail-address">${t('mailpages:settings.addressHeading')}</h2>
<p>${current}</p>
<form method="post" action="/account/mail/address" class="stack">${csrfInput(ctx.csrfToken)}
${field({ name: 'address', label: t('mailpages:settings.addressLabel'), type: 'email', value: state.address ?? email.address ?? '', autocomplete: 'email', required: true, ...(state.addressError === undefined ? {} : { error: state.addressError }) })}
<p><button type="submit">${t('mailpages:settings.addressSave')}</button></p></form></section>
<section aria-labelledby="mail-kinds"><h2 id="mail-kinds">${t('mailpages:settings.kindsHeading')}</h2>
<form method="post" action="/account/mail/preferences" class="stack">${csrfInput(ctx.csrfToken)}
<fieldset><legend>${t('mailpages:settings.kindsLegend')}</legend>${kinds}</fieldset>
<p><button type="submit">${t('mailpages:settings.kindsSave')}</button></p></form></section>`,
    ),
  };
}

type PageKey = 'confirm.title' | 'confirm.ask' | 'confirm.button' | 'reset.title' | 'unsubscribe.title';

/** A page that asks before using a link's token (mail scanners follow GET links; only a POST acts). */
function tokenForm(ctx: PageContext, title: PageKey, ask: PageKey, action: string, button: PageKey): PageResult {
  const { t } = ctx.i18n;
  return {
    page: layout(
      ctx,
      t(`mailpages:${title}`),
      html`<form method="post" action="${action}" class="stack">${csrfInput(ctx.csrfToken)}<input type="hidden" name="token" value="${queryToken(ctx)}">
<p>${t(`mailpages:${ask}`)}</p><p><button type="submit">${t(`mailpages:${button}`)}</button></p></form>`,
    ),
  };
}

function forgotPage(ctx: PageContext, sent: string | undefined): PageResult {
  const { t } = ctx.i18n;
  return {
    page: layout(
      ctx,
      t('mailpages:forgot.title'),
      html`${notice(sent)}<p>${t('mailpages:forgot.ask')}</p><form method="post" action="/password/forgot" class="stack">${csrfInput(ctx.csrfToken)}
${field({ name: 'address', label: t('mailpages:settings.addressLabel'), type: 'email', autocomplete: 'email', required: true })}
<p><button type="submit">${t('mailpages:forgot.button')}</button></p></form>`,
    ),
  };
}

function resetPage(ctx: PageContext, state: { error?: string }, status = 200): PageResult {
  const { t } = ctx.i18n;
  const token = ctx.form.token ?? queryToken(ctx);
  return {
    status,
    page: layout(
      ctx,
      t('mailpages:reset.title'),
      html`<form method="post" action="/password/reset" class="stack">${csrfInput(ctx.csrfToken)}<input type="hidden" name="token" value="${token}">
${field({ name: 'password', label: t('mailpages:reset.passwordLabel'), type: 'password', autocomplete: 'new-password', required: true, ...(state.error === undefined ? {} : { error: state.error }) })}
<p><button type="submit">${t('mailpages:reset.button')}</button></p></form>`,
    ),
  };
}

function invalidLink(ctx: PageContext, title: PageKey, error: unknown): PageResult {
  if (error !== undefined && !isKibbleError(error, 'token-invalid')) throw error instanceof Error ? error : new Error('an unexpected value was thrown while checking a link');
  return { status: 400, page: layout(ctx, ctx.i18n.t(`mailpages:${title}`), notice(ctx.i18n.t('mailpages:link.invalid'), 'error')) };
}

function kindName(ctx: PageContext, kind: MailKind): string {
  return ctx.i18n.tDynamic(`mail:kind-${kind}`);
}

function queryToken(ctx: PageContext): string {
  const token = ctx.req.query.token;
  return typeof token === 'string' ? token.slice(0, 600) : '';
}

import { isKibbleError, type KibbleError } from '../../errors';
import { localizedErrorMessage } from '../../i18n/error-messages';
import { checkCredentials, createAccount, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../services/accounts/accounts';
import { html } from '../html';
import { issueSessionFor, revokeSessionFor } from '../session-issuing';
import { csrfInput, field, layout, notice } from './layout';
import { richText } from './rich-text';
import { safeReturnPath, type PageContext, type PageResult, type PageRoute } from './page';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from './web-session';

/** The start page, sign up, sign in and sign out. A session is an HttpOnly, SameSite cookie. */
export const authPages: PageRoute[] = [
  {
    method: 'get',
    path: '/',
    handler: (ctx) => {
      const { t } = ctx.i18n;
      return {
        page: layout(
          ctx,
          t('auth:home.title'),
          html`<p>${t('auth:home.intro')}</p>
<p>${ctx.accountId ? html`<a class="button" href="/donor">${t('auth:home.donorPage')}</a> <a class="button" href="/creator">${t('auth:home.creatorPage')}</a>` : html`<a class="button" href="/signup">${t('common:nav.signUp')}</a> <a class="button" href="/signin">${t('common:nav.signIn')}</a>`}</p>`,
        ),
      };
    },
  },
  { method: 'get', path: '/signup', handler: (ctx) => signUpPage(ctx, {}) },
  {
    method: 'post',
    path: '/signup',
    rateLimit: 'account-creation',
    handler: async (ctx) => {
      const { handle = '', password = '' } = ctx.form;
      try {
        const { deps, now } = ctx;
        const account = await createAccount({ handle, password }, { deriver: deps.deriver, ...(deps.passwordHashing && { passwordHashing: deps.passwordHashing }) }, now);
        return await startSession(ctx, account.id);
      } catch (error) {
        if (!isKibbleError(error)) throw error;
        const onPassword = error.message.startsWith('password');
        const message = signUpErrorText(ctx, error, onPassword);
        return signUpPage(ctx, { handle, ...(onPassword ? { passwordError: message } : { handleError: message }) }, 400);
      }
    },
  },
  { method: 'get', path: '/signin', handler: (ctx) => signInPage(ctx, {}) },
  {
    method: 'post',
    path: '/signin',
    rateLimit: 'sessions',
    handler: async (ctx) => {
      const { handle = '', password = '' } = ctx.form;
      try {
        return await startSession(ctx, await checkCredentials(handle, password, ctx.deps.passwordHashing));
      } catch (error) {
        if (!isKibbleError(error, 'unauthorized')) throw error;
        return signInPage(ctx, { handle, error: ctx.i18n.t('auth:signIn.refused') }, 401);
      }
    },
  },
  {
    method: 'post',
    path: '/signout',
    handler: async (ctx) => {
      const token = sessionTokenOf(ctx.req);
      if (token !== undefined) await revokeSessionFor(ctx.deps, token);
      clearSessionCookie(ctx.res, ctx.deps.config);
      return { redirect: '/' };
    },
  },
];

/** The form's rules in the reader's words; a taken handle (or anything else) by its error code. */
function signUpErrorText(ctx: PageContext, error: KibbleError, onPassword: boolean): string {
  const { t } = ctx.i18n;
  if (error.code !== 'validation-failed') return localizedErrorMessage(ctx.i18n, error);
  return onPassword ? t('auth:signUp.passwordInvalid', { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH }) : t('auth:signUp.handleInvalid');
}

function nextOf(ctx: PageContext): string {
  const next = ctx.form.next ?? (typeof ctx.req.query.next === 'string' ? ctx.req.query.next : undefined);
  return safeReturnPath(next);
}

async function startSession(ctx: PageContext, accountId: string): Promise<PageResult> {
  const session = await issueSessionFor(ctx.deps, accountId, ctx.now);
  setSessionCookie(ctx.res, ctx.deps.config, session.token, session.expiresAt, ctx.now);
  return { redirect: nextOf(ctx) };
}

function signUpPage(ctx: PageContext, state: { handle?: string; handleError?: string; passwordError?: string }, status = 200): PageResult {
  const { t } = ctx.i18n;
  return {
    status,
    page: layout(
      ctx,
      t('auth:signUp.title'),
      html`<form method="post" action="/signup" class="stack">${csrfInput(ctx.csrfToken)}<input type="hidden" name="next" value="${nextOf(ctx)}">
${field({ name: 'handle', label: t('auth:signUp.handle'), value: state.handle ?? '', autocomplete: 'username', required: true, ...(state.handleError ? { error: state.handleError } : {}) })}
${field({ name: 'password', label: t('auth:signUp.password'), type: 'password', autocomplete: 'new-password', required: true, ...(state.passwordError ? { error: state.passwordError } : {}) })}
<p><button type="submit">${t('auth:signUp.submit')}</button></p></form>
<p>${richText(ctx.i18n, 'auth:signUp.haveAccount', {}, { link: html`<a href="/signin">${t('common:nav.signIn')}</a>` })}</p>`,
    ),
  };
}

function signInPage(ctx: PageContext, state: { handle?: string; error?: string }, status = 200): PageResult {
  const { t } = ctx.i18n;
  return {
    status,
    page: layout(
      ctx,
      t('auth:signIn.title'),
      html`${notice(state.error, 'error')}<form method="post" action="/signin" class="stack">${csrfInput(ctx.csrfToken)}<input type="hidden" name="next" value="${nextOf(ctx)}">
${field({ name: 'handle', label: t('auth:signIn.handle'), value: state.handle ?? '', autocomplete: 'username', required: true })}
${field({ name: 'password', label: t('auth:signIn.password'), type: 'password', autocomplete: 'current-password', required: true })}
<p><button type="submit">${t('auth:signIn.submit')}</button></p></form>
<p><a href="/password/forgot">${t('auth:signIn.forgot')}</a></p>
<p>${richText(ctx.i18n, 'auth:signIn.newHere', {}, { link: html`<a href="/signup">${t('common:nav.signUp')}</a>` })}</p>`,
    ),
  };
}

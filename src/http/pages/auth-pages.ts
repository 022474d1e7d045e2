import { isKibbleError } from '../../errors';
import { checkCredentials, createAccount } from '../../services/accounts/accounts';
import { html } from '../html';
import { issueSessionFor, revokeSessionFor } from '../session-issuing';
import { csrfInput, field, layout, notice } from './layout';
import { safeReturnPath, type PageContext, type PageResult, type PageRoute } from './page';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from './web-session';

/** The start page, sign up, sign in and sign out. A session is an HttpOnly, SameSite cookie. */
export const authPages: PageRoute[] = [
  {
    method: 'get',
    path: '/',
    handler: (ctx) => ({
      page: layout(
        ctx,
        'Flattr on Dogecoin',
        html`<p>Set a monthly budget, fund it with a deposit, and click the kibble buttons of what you like all month. At the end of the month your budget is split equally across your clicks and paid to the creators on chain.</p>
<p>${ctx.accountId ? html`<a class="button" href="/donor">Your donor page</a> <a class="button" href="/creator">Your creator page</a>` : html`<a class="button" href="/signup">Sign up</a> <a class="button" href="/signin">Sign in</a>`}</p>`,
      ),
    }),
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
        return signUpPage(ctx, { handle, ...(onPassword ? { passwordError: error.message } : { handleError: error.message.replace(/^handle: /, '') }) }, 400);
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
        return signInPage(ctx, { handle, error: error.message }, 401);
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
  return {
    status,
    page: layout(
      ctx,
      'Sign up',
      html`<form method="post" action="/signup" class="stack">${csrfInput(ctx.csrfToken)}<input type="hidden" name="next" value="${nextOf(ctx)}">
${field({ name: 'handle', label: 'Handle (3 to 32 characters: a-z, 0-9, _ and -)', value: state.handle ?? '', autocomplete: 'username', required: true, ...(state.handleError ? { error: state.handleError } : {}) })}
${field({ name: 'password', label: 'Password (at least 10 characters)', type: 'password', autocomplete: 'new-password', required: true, ...(state.passwordError ? { error: state.passwordError } : {}) })}
<p><button type="submit">Create my account</button></p></form>
<p>Already have an account? <a href="/signin">Sign in</a>.</p>`,
    ),
  };
}

function signInPage(ctx: PageContext, state: { handle?: string; error?: string }, status = 200): PageResult {
  return {
    status,
    page: layout(
      ctx,
      'Sign in',
      html`${notice(state.error, 'error')}<form method="post" action="/signin" class="stack">${csrfInput(ctx.csrfToken)}<input type="hidden" name="next" value="${nextOf(ctx)}">
${field({ name: 'handle', label: 'Handle', value: state.handle ?? '', autocomplete: 'username', required: true })}
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', required: true })}
<p><button type="submit">Sign in</button></p></form>
<p>New here? <a href="/signup">Sign up</a>.</p>`,
    ),
  };
}

import { join } from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Router } from 'express';
import { operatorSessionKeyOf, sessionKeyOf } from '../../config/derived-secrets';
import { formBodyParser } from '../body';
import type { AppDeps } from '../deps';
import { errorResponse } from '../errors';
import { translatorOf } from '../locale';
import { ACCOUNT_ID_LOCAL, type RateLimiters } from '../rate-limit';
import { html } from '../html';
import { authPages } from './auth-pages';
import { creatorPages } from './creator-pages';
import { webhookPages } from './webhook-pages';
import { createCsrf } from './csrf';
import { donorPages } from './donor-pages';
import { fiatPages } from './fiat-pages';
import { layout } from './layout';
import { operatorPages } from './operator-pages';
import { proofPages } from './proof-pages';
import type { PageContext, PageRoute } from './page';
import { thingPages } from './thing-pages';
import { statementPages } from './statement-pages';
import { reservesPages } from './reserves-pages';
import { paydaysPages } from './paydays-pages';
import { mailPages } from './mail-pages';
import { isOperator, signedInAccount } from './web-session';

export const ALL_PAGES: readonly PageRoute[] = [...authPages, ...donorPages, ...creatorPages, ...thingPages, ...operatorPages, ...statementPages, ...proofPages, ...reservesPages, ...paydaysPages, ...mailPages, ...webhookPages, ...fiatPages];

/**
 * The web pages: cookies, form bodies, CSRF on every POST, who is signed in, the rate limit of
 * the API route doing the same thing (shared with it), then the page handlers. Errors are decided
 * by errors.ts as for the API and rendered as an HTML page with that status and message (never a
 * stack trace).
 */
export function createPageRouter(deps: AppDeps, limiters: RateLimiters, pages: readonly PageRoute[] = ALL_PAGES): Router {
  const router = express.Router();
  const csrf = createCsrf(deps.config);
  const sessionKey = sessionKeyOf(deps.config);
  const operatorKey = operatorSessionKeyOf(deps.config);
  // Who is signed in, before the rate limit: it counts a signed-in visitor per account, as the API does.
  const identify: RequestHandler = async (req, res, next) => {
    const now = deps.clock();
    const accountId = await signedInAccount(req, sessionKey, now);
    if (accountId !== undefined) res.locals[ACCOUNT_ID_LOCAL] = accountId;
    res.locals[OPERATOR_LOCAL] = await isOperator(req, operatorKey, now);
    next();
  };
  router.use('/static', express.static(join(__dirname, 'static'), { maxAge: '1h', index: false }));
  router.use(cookieParser());
  router.use(formBodyParser());
  for (const page of pages) {
    const steps: RequestHandler[] = page.method === 'post' ? [csrf.protect, identify] : [identify];
    if (page.rateLimit !== undefined) steps.push(limiters[page.rateLimit]);
    router[page.method](page.path, ...steps, async (req, res) => {
      const accountId: unknown = res.locals[ACCOUNT_ID_LOCAL];
      const ctx: PageContext = {
        req,
        res,
        deps,
        now: deps.clock(),
        accountId: typeof accountId === 'string' ? accountId : undefined,
        operator: res.locals[OPERATOR_LOCAL] === true,
        csrfToken: csrf.tokenFor(req, res),
        i18n: translatorOf(res),
        form: formOf(req.body),
      };
      const result = await page.handler(ctx);
      res.set('Cache-Control', 'no-store');
      if ('redirect' in result) {
        res.redirect(303, result.redirect);
        return;
      }
      if ('download' in result) {
        // The filename is ours (no quotes or non-ASCII in it): the same header as the API's.
        res.set('Content-Disposition', `attachment; filename="${result.download.filename}"`).type(result.download.contentType).send(result.download.body);
        return;
      }
      if ('json' in result) {
        res.status(result.status ?? 200).json(result.json);
        return;
      }
      res.status(result.status ?? 200).type('text/html').send(result.page.markup);
    });
  }
  router.use(pageErrors(deps));
  return router;
}

const OPERATOR_LOCAL = 'operator';

function formOf(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/**
 * After the API's 404: an error outside /api/ for a browser (Accept prefers text/html over JSON)
 * is rendered as a page in the layout; API clients (and `Accept: *\/*`, curl's default) keep the
 * JSON error format from errors.ts. Same status and message either way.
 */
export function browserErrorPages(deps: AppDeps): ErrorRequestHandler {
  const render = pageErrors(deps, true);
  return (error: unknown, req, res, next) => {
    if (!prefersHtml(req)) return next(error);
    render(error, req, res, next);
  };
}

export function prefersHtml(req: Pick<Request, 'path' | 'accepts'>): boolean {
  if (req.path.startsWith('/api/') || req.path === '/metrics') return false;
  return req.accepts(['json', 'html']) === 'html';
}

/** The same decision as the API's (errors.ts errorResponse), rendered as a page. */
function pageErrors(deps: AppDeps, noSuchPage = false): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    // 5xx messages are generic ones from errorResponse: what failed stays in the log.
    const i18n = translatorOf(res);
    const { status, body, logged } = errorResponse(error, i18n);
    const message = status === 404 && noSuchPage ? i18n.t('common:error.noPage') : body.error.message;
    // Method and path only: the query string and the body may carry what was typed into a form.
    if (logged !== undefined) deps.logger.error({ err: logged, method: req.method, path: req.path }, 'page failed');
    // The language links keep the path only: a query string may hold what was typed into a form.
    const ctx = { accountId: undefined, operator: false, csrfToken: '', i18n, req: { method: 'POST', path: req.path.slice(0, 200), query: {} } };
    res.set('Cache-Control', 'no-store');
    const title = i18n.t(status === 404 ? 'common:error.notFoundTitle' : 'common:error.title');
    res.status(status).type('text/html').send(layout(ctx, title, html`<p class="notice error" role="alert">${message}</p><p><a href="/">${i18n.t('common:error.backToStart')}</a></p>`).markup);
  };
}

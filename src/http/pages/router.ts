import { join } from 'node:path';
import cookieParser from 'cookie-parser';
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import { operatorSessionKeyOf, sessionKeyOf } from '../../config/derived-secrets';
import { formBodyParser } from '../body';
import type { AppDeps } from '../deps';
import { errorResponse } from '../errors';
import { ACCOUNT_ID_LOCAL, type RateLimiters } from '../rate-limit';
import { html } from '../html';
import { authPages } from './auth-pages';
import { creatorPages } from './creator-pages';
import { createCsrf } from './csrf';
import { donorPages } from './donor-pages';
import { layout } from './layout';
import { operatorPages } from './operator-pages';
import type { PageContext, PageRoute } from './page';
import { thingPages } from './thing-pages';
import { reservesPages } from './reserves-pages';
import { paydaysPages } from './paydays-pages';
import { isOperator, signedInAccount } from './web-session';

export const ALL_PAGES: readonly PageRoute[] = [...authPages, ...donorPages, ...creatorPages, ...thingPages, ...operatorPages, ...reservesPages, ...paydaysPages];

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
        form: formOf(req.body),
      };
      const result = await page.handler(ctx);
      res.set('Cache-Control', 'no-store');
      if ('redirect' in result) {
        res.redirect(303, result.redirect);
        return;
      }
      if ('file' in result) {
        res.attachment(result.file.name).type(result.file.contentType).send(result.file.body);
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

/** The same decision as the API's (errors.ts errorResponse), rendered as a page. */
function pageErrors(deps: AppDeps): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    // 5xx messages are generic ones from errorResponse: what failed stays in the log.
    const { status, body, logged } = errorResponse(error);
    // Method and path only: the query string and the body may carry what was typed into a form.
    if (logged !== undefined) deps.logger.error({ err: logged, method: req.method, path: req.path }, 'page failed');
    const ctx = { accountId: undefined, operator: false, csrfToken: '' };
    res.set('Cache-Control', 'no-store');
    res.status(status).type('text/html').send(layout(ctx, status === 404 ? 'Not found' : 'Sorry', html`<p class="notice error" role="alert">${body.error.message}</p><p><a href="/">Back to the start</a></p>`).markup);
  };
}

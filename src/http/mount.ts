import type { Express, Request, RequestHandler, Response } from 'express';
import { sessionKeyOf } from '../config/derived-secrets';
import { authenticate, SESSION_TOKEN_LOCAL } from './auth';
import { jsonBodyParser } from './body';
import type { AppDeps } from './deps';
import { ROUTE_TEMPLATE_LOCAL } from './metrics';
import type { RateLimitBucket } from './rate-limit';
import { ACCOUNT_ID_LOCAL } from './rate-limit';
import type { Reply, Route } from './route';

/**
 * Registers routes directly on the app (not on sub-routers), so that the OpenAPI test can list
 * every registered path from `app.router.stack`. Per route: the path template for the metrics
 * (first, so that a 401 or a 429 is labelled with its route too), the JSON body parser, auth, then
 * the rate limit (which can then count per account), then validation and the handler.
 */
export function mountRoutes(app: Express, routes: readonly Route[], deps: AppDeps, limiters: Record<RateLimitBucket, RequestHandler>): void {
  const auth = { operatorToken: deps.config.operatorToken, sessionKey: sessionKeyOf(deps.config), clock: deps.clock };
  // JSON bodies on the API routes only: the pages parse forms, and answer a bad body with a page.
  const json = jsonBodyParser();
  for (const route of routes) {
    const steps: RequestHandler[] = [recordTemplate(route.path), json, authenticate(route.auth, auth)];
    if (route.rateLimit !== undefined) steps.push(limiters[route.rateLimit]);
    steps.push(handlerFor(route, deps));
    app[route.method](route.path, ...steps);
  }
}

function recordTemplate(path: string): RequestHandler {
  return (_req, res, next) => {
    res.locals[ROUTE_TEMPLATE_LOCAL] = path;
    next();
  };
}

function handlerFor(route: Route, deps: AppDeps): RequestHandler {
  return async (req: Request, res: Response) => {
    const reply = await route.run(
      { params: req.params, query: req.query, body: req.body as unknown },
      {
        deps,
        accountId: stringLocal(res, ACCOUNT_ID_LOCAL),
        sessionToken: stringLocal(res, SESSION_TOKEN_LOCAL),
        now: deps.clock(),
      },
    );
    if (deps.checkResponses === true) checkReply(route, reply);
    send(res, reply, route);
  };
}

function stringLocal(res: Response, key: string): string | undefined {
  const value: unknown = res.locals[key];
  return typeof value === 'string' ? value : undefined;
}

function send(res: Response, reply: Reply, route: Route): void {
  // Anything behind a session is private to it: no shared cache may keep it.
  if (route.auth !== 'none') res.set('Cache-Control', 'no-store');
  if (reply.headers !== undefined) res.set(reply.headers);
  res.status(reply.status);
  if (reply.body === undefined) {
    res.end();
  } else if (reply.contentType !== undefined) {
    res.type(reply.contentType).send(reply.body);
  } else {
    res.json(reply.body);
  }
}

/** Test-time guard: a reply must match what the route declares (and the OpenAPI document says). */
export function checkReply(route: Route, reply: Reply): void {
  const where = `${route.method.toUpperCase()} ${route.path}`;
  const declared = route.responses[reply.status];
  if (declared === undefined) throw new Error(`${where} answered ${reply.status}, which its responses do not declare`);
  if ((declared.contentType ?? undefined) !== reply.contentType) {
    throw new Error(`${where} ${reply.status}: content type ${String(reply.contentType)} differs from the declared ${String(declared.contentType)}`);
  }
  if (declared.schema === undefined) {
    if (reply.body !== undefined) throw new Error(`${where} ${reply.status} declares no body but sent one`);
    return;
  }
  const result = declared.schema.safeParse(reply.body);
  if (!result.success) {
    throw new Error(`${where} ${reply.status}: the body does not match the declared schema: ${result.error.message}`);
  }
}

import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { AppDeps } from './deps';
import { errorMiddleware, notFoundHandler } from './errors';
import { localeMiddleware } from './locale';
import { httpMetricsMiddleware } from './metrics';
import { mountRoutes } from './mount';
import { browserErrorPages, createPageRouter } from './pages/router';
import { createRateLimiters } from './rate-limit';
import type { Route } from './route';
import { ALL_ROUTES } from './routes';

/**
 * The express app, built but not listening: `kibble serve` calls `listen`, tests hand it to
 * supertest. Order matters: request timing (deps.metrics) first, so every answer is counted, then
 * headers and request logs (so even a rejected body is logged), the routes (each parsing its JSON
 * body), the pages (parsing forms), then the 404 and the one error middleware.
 */
/**
 * Strict: the pages load one script and one stylesheet from kibble itself, no inline script or
 * style, no plugins, no framing, forms post only to kibble.
 */
const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

export function createApp(deps: AppDeps, routes: readonly Route[] = ALL_ROUTES, pages = true): Express {
  const app = express();
  app.set('trust proxy', deps.trustProxy ?? false);
  // Flat string values only (no `a[b]=c` objects): query schemas then see strings or arrays.
  app.set('query parser', 'simple');
  if (deps.metrics !== undefined) app.use(httpMetricsMiddleware(deps.metrics));
  app.use(helmet({ contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY } }));
  app.use(requestLogger(deps));
  // The reader's language, before anything that answers (errors included): http/locale.ts.
  app.use(localeMiddleware({ secureCookie: deps.config.publicUrl.startsWith('https://') }));
  // One set of limiters for the API and the pages: a form and its API route share the counts.
  const limiters = createRateLimiters(deps.rateLimits, deps.clock);
  mountRoutes(app, routes, deps, limiters);
  if (pages) app.use(createPageRouter(deps, limiters));
  app.use(notFoundHandler);
  if (pages) app.use(browserErrorPages(deps));
  app.use(errorMiddleware(deps.logger));
  return app;
}

/** Headers the request log keeps; everything else (Authorization, Cookie...) never reaches it. */
const LOGGED_REQUEST_HEADERS = ['user-agent', 'content-type', 'content-length', 'x-forwarded-for'];
const LOGGED_RESPONSE_HEADERS = ['content-type', 'content-length', 'x-request-id'];

function requestLogger(deps: AppDeps) {
  return pinoHttp({
    logger: deps.logger,
    // A fresh id per request, echoed to the client for support; an incoming id is not trusted.
    genReqId: (_req, res) => {
      const id = randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, error) => (error !== undefined || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown>; remoteAddress: unknown }) => ({
        id: req.id,
        method: req.method,
        // The path only: a query string can carry what a client wrongly put there (a token).
        url: pathOf(req.url),
        remoteAddress: req.remoteAddress,
        headers: pick(req.headers, LOGGED_REQUEST_HEADERS),
      }),
      res: (res: { statusCode: number; headers: Record<string, unknown> }) => ({
        statusCode: res.statusCode,
        headers: pick(res.headers, LOGGED_RESPONSE_HEADERS),
      }),
    },
  });
}

/** `/a/b?x=1` -> `/a/b`. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function pick(headers: Record<string, unknown> | undefined, names: readonly string[]): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const name of names) if (headers?.[name] !== undefined) kept[name] = headers[name];
  return kept;
}

/**
 * Declarative routes: every HTTP endpoint of kibble is one `defineRoute({...})`. The same object
 * drives the express handler (auth, rate limit, validation, reply) and the OpenAPI document, so
 * the document cannot miss a route or describe an input the server does not check.
 *
 * HOW TO ADD A ROUTE
 *  1. In a module under src/http/routes/ (e.g. things.ts), export an array of routes:
 *
 *       import { z } from 'zod';
 *       import { defineRoute, type Route } from '../route';
 *       import { objectId } from '../schemas';
 *
 *       export const thingRoutes: Route[] = [
 *         defineRoute({
 *           method: 'post',
 *           path: '/api/v1/things/:id/flattr',          // express syntax; becomes {id} in OpenAPI
 *           summary: 'Flattr a thing for the current period',
 *           tags: ['clicks'],
 *           auth: 'account',                            // 'none' | 'account' | 'optional' | 'operator'
 *           rateLimit: 'flattr',                        // optional bucket from rate-limit.ts
 *           params: z.object({ id: objectId }),         // made strict: unknown fields -> 400
 *           // query: z.object({ period: z.string() }), body: z.object({ ... }) likewise
 *           responses: {
 *             201: { description: 'the click', schema: clickSchema },
 *             404: { description: 'unknown thing' },    // error responses: the Error schema by default
 *             409: { description: 'already flattred this period' },
 *           },
 *           handler: async ({ params, accountId, deps, now }) => {
 *             const click = await flattr(accountId, params.id, now);   // a service; no express there
 *             return { status: 201, body: clickView(click) };
 *           },
 *         }),
 *       ];
 *
 *  2. Add the array to ALL_ROUTES in src/http/routes/index.ts. Nothing else: the app mounts it
 *     and /api/v1/openapi.json documents it (a test fails if the two ever differ).
 *
 * Rules the handler can rely on: params, query and body are already parsed by their schemas
 * (typed; a route without a body schema accepts no body, one without a query schema no query
 * parameters); `accountId` is a string for auth 'account', `string | undefined` for 'optional';
 * `now` is the clock read once for the request. Failures: throw a KibbleError with a catalogue
 * code (404 'not-found', 409 'already-flattred'...); errors.ts turns it into the status and the
 * `{ error: { code, message } }` body. Amounts in bodies are decimal strings: take them as
 * `z.string()` and parse with parseCoins in the service, so a bad amount answers with its own
 * code (amount-invalid, amount-too-precise, amount-too-large). Non-JSON replies (an SVG, a page)
 * set `contentType` on the reply and on the declared response; `headers` on the reply override
 * the defaults (helmet's, and `Cache-Control: no-store` on every route with auth).
 *
 * Tests (test/support/http.ts) check every reply against the declared `responses`: a status that
 * is not declared, or a body that does not match its schema, is a 500 there. Prefer
 * z.strictObject for response schemas so that an undocumented extra field fails too.
 */
import { z } from 'zod';
import type { AuthMode } from './auth';
import type { AppDeps } from './deps';
import type { RateLimitBucket } from './rate-limit';
import { parseBody, parseFields } from './validation';

export type { AuthMode } from './auth';
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type ObjectSchema = z.ZodObject<z.core.$ZodShape, z.core.$ZodObjectConfig>;

export interface ResponseSpec {
  description: string;
  /** Body schema (JSON unless `contentType`); omitted: an empty body, or the Error schema for 4xx/5xx. */
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
}

export type ResponseSpecs = Readonly<Record<number, ResponseSpec>>;

export interface Reply {
  status: number;
  /** Sent as JSON unless `contentType` is set; omitted for an empty body (204). */
  body?: unknown;
  contentType?: string;
  headers?: Readonly<Record<string, string>>;
}

export type AccountIdFor<A extends AuthMode> = A extends 'account' ? string : A extends 'optional' ? string | undefined : undefined;

export interface RouteInput<P, Q, B, A extends AuthMode> {
  params: P;
  query: Q;
  body: B;
  accountId: AccountIdFor<A>;
  /** The bearer token of the session, for routes that act on the session itself. */
  sessionToken: string | undefined;
  deps: AppDeps;
  now: Date;
}

const NO_FIELDS = z.strictObject({});
type NoFields = typeof NO_FIELDS;

export interface RouteSpec<P extends ObjectSchema, Q extends ObjectSchema, B extends ObjectSchema, A extends AuthMode> {
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  responses: ResponseSpecs;
  rateLimit?: RateLimitBucket;
  handler(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>, A>): Promise<Reply> | Reply;
}

/** What the app and the document builder see of a route: its description and a runner. */
export interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string;
  readonly description: string | undefined;
  readonly tags: readonly string[];
  readonly auth: AuthMode;
  readonly rateLimit: RateLimitBucket | undefined;
  readonly schemas: { readonly params?: ObjectSchema; readonly query?: ObjectSchema; readonly body?: ObjectSchema };
  readonly responses: ResponseSpecs;
  /** Validates the raw request parts, then calls the handler. */
  run(raw: RawRequest, context: RunContext): Promise<Reply>;
}

export interface RawRequest {
  params: unknown;
  query: unknown;
  body: unknown;
}

export interface RunContext {
  deps: AppDeps;
  accountId: string | undefined;
  sessionToken: string | undefined;
  now: Date;
}

export function defineRoute<
  P extends ObjectSchema = NoFields,
  Q extends ObjectSchema = NoFields,
  B extends ObjectSchema = NoFields,
  A extends AuthMode = AuthMode,
>(spec: RouteSpec<P, Q, B, A>): Route {
  // Strict whatever the author wrote: an unknown field is a client bug worth a 400.
  const params = spec.params?.strict();
  const query = spec.query?.strict();
  const body = spec.body?.strict();
  return {
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    description: spec.description,
    tags: spec.tags,
    auth: spec.auth,
    rateLimit: spec.rateLimit,
    schemas: { ...(params && { params }), ...(query && { query }), ...(body && { body }) },
    responses: spec.responses,
    async run(raw, context) {
      const input: RouteInput<z.output<P>, z.output<Q>, z.output<B>, A> = {
        params: parseFields('params', params ?? NO_FIELDS, raw.params) as z.output<P>,
        query: parseFields('query', query ?? NO_FIELDS, raw.query) as z.output<Q>,
        body: parseBody(body, raw.body) as z.output<B>,
        // auth.ts guarantees the account id for 'account' and leaves it unset for 'none'/'operator'.
        accountId: context.accountId as AccountIdFor<A>,
        sessionToken: context.sessionToken,
        deps: context.deps,
        now: context.now,
      };
      return spec.handler(input);
    },
  };
}

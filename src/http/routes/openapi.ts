import { z } from 'zod';
import { openApiDocument } from '../openapi';
import { defineRoute, type Route } from '../route';

/**
 * Serves the document of `routes()`, a thunk because this route is itself in that list. Built
 * on the first request and kept: the routes do not change while the process runs.
 */
export function openApiRoute(routes: () => readonly Route[]): Route {
  let document: Record<string, unknown> | undefined;
  return defineRoute({
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['meta'],
    auth: 'none',
    responses: { 200: { description: 'the document', schema: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }) } },
    handler: () => {
      document ??= openApiDocument(routes());
      return { status: 200, body: document };
    },
  });
}

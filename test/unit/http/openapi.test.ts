import { z } from 'zod';
import { openApiDocument, openApiPath } from '../../../src/http/openapi';
import { defineRoute, type Route } from '../../../src/http/route';

describe('openApiPath', () => {
  it.each([
    ['/api/v1/me', '/api/v1/me'],
    ['/api/v1/things/:id', '/api/v1/things/{id}'],
    ['/t/:thingId/button.svg', '/t/{thingId}/button.svg'],
    ['/a/:x/b/:y_z', '/a/{x}/b/{y_z}'],
  ])('%s -> %s', (express, openapi) => {
    expect(openApiPath(express)).toBe(openapi);
  });
});

describe('openApiDocument', () => {
  const routes: Route[] = [
    defineRoute({
      method: 'get',
      path: '/things/:id',
      summary: 'a thing',
      tags: ['things'],
      auth: 'optional',
      params: z.object({ id: z.string() }),
      query: z.object({ period: z.string().optional(), limit: z.string() }),
      responses: { 200: { description: 'ok', schema: z.strictObject({ id: z.string() }) }, 404: { description: 'unknown' } },
      handler: ({ params }) => ({ status: 200, body: { id: params.id } }),
    }),
    defineRoute({
      method: 'get',
      path: '/things/:id/button.svg',
      summary: 'button',
      tags: ['things'],
      auth: 'none',
      params: z.object({ id: z.string() }),
      responses: { 200: { description: 'svg', schema: z.string(), contentType: 'image/svg+xml' } },
      handler: () => ({ status: 200, body: '<svg/>', contentType: 'image/svg+xml' }),
    }),
    defineRoute({
      method: 'post',
      path: '/admin/run',
      summary: 'operator action',
      tags: ['operator'],
      auth: 'operator',
      rateLimit: 'flattr',
      body: z.object({ dryRun: z.boolean().default(true) }),
      responses: { 204: { description: 'done' } },
      handler: () => ({ status: 204 }),
    }),
  ];
  const document = openApiDocument(routes) as { paths: Record<string, Record<string, Record<string, unknown>>> };

  it('describes parameters from the schemas, required as declared', () => {
    expect(document.paths['/things/{id}']?.get?.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'period', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'limit', in: 'query', required: true, schema: { type: 'string' } },
    ]);
  });

  it('derives security and the standard error responses from auth, inputs and limits', () => {
    const thing = document.paths['/things/{id}']?.get;
    expect(thing?.security).toEqual([{}, { session: [] }]);
    expect(Object.keys(thing?.responses as object).sort()).toEqual(['200', '400', '401', '404']);
    const admin = document.paths['/admin/run']?.post;
    expect(admin?.security).toEqual([{ operator: [] }]);
    expect(Object.keys(admin?.responses as object).sort()).toEqual(['204', '400', '401', '403', '413', '429']);
    expect((admin?.responses as Record<string, unknown>)['204']).toEqual({ description: 'done' });
  });

  it('describes request bodies as clients send them (defaults optional)', () => {
    const schema = (document.paths['/admin/run']?.post?.requestBody as { content: Record<string, { schema: Record<string, unknown> }> }).content[
      'application/json'
    ]?.schema;
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false, properties: { dryRun: { type: 'boolean', default: true } } });
    expect(schema?.required).toBeUndefined();
    expect(schema?.$schema).toBeUndefined();
  });

  it('uses the declared content type for non-JSON responses', () => {
    const responses = document.paths['/things/{id}/button.svg']?.get?.responses as Record<string, { content: Record<string, unknown> }>;
    expect(responses['200']?.content).toEqual({ 'image/svg+xml': { schema: { type: 'string' } } });
  });
});

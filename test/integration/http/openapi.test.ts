import type { Express } from 'express';
import request from 'supertest';
import { openApiPath } from '../../../src/http/openapi';
import { ALL_ROUTES } from '../../../src/http/routes';
import { useTestDatabase } from '../../support/database';
import { createTestApp } from '../../support/http';

interface Operation {
  operationId: string;
  summary: string;
  security: unknown[];
  parameters: Array<{ name: string; in: string; required: boolean }>;
  requestBody?: { content: Record<string, { schema: { additionalProperties?: unknown } }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
}

/** What express really serves: every route layer registered on the app's router. */
function registeredRoutes(app: Express): string[] {
  const stack = (app.router as unknown as { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> }).stack;
  return stack.flatMap((layer) => {
    if (layer.route === undefined) return [];
    const { path, methods } = layer.route;
    return Object.keys(methods)
      .filter((method) => methods[method] === true)
      .map((method) => `${method.toUpperCase()} ${openApiPath(path)}`);
  });
}

function documentedRoutes(document: Document): string[] {
  return Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
}

describe('GET /api/v1/openapi.json', () => {
  useTestDatabase();
  const t = createTestApp();
  let document: Document;

  beforeAll(async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    document = res.body as Document;
  });

  it('is an OpenAPI 3.1 document', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['operator', 'session']);
    expect(document.components.schemas.Error).toBeDefined();
  });

  it('documents every route express serves, and nothing else', () => {
    const served = registeredRoutes(t.app).sort();
    expect(served.length).toBe(ALL_ROUTES.length);
    expect(served).toContain('GET /api/v1/me');
    expect(documentedRoutes(document).sort()).toEqual(served);
  });

  it('gives each operation a unique id, a summary, and its declared responses', () => {
    const ids = new Set<string>();
    for (const route of ALL_ROUTES) {
      const operation = document.paths[openApiPath(route.path)]?.[route.method];
      expect(operation).toBeDefined();
      if (operation === undefined) continue;
      expect(ids.has(operation.operationId)).toBe(false);
      ids.add(operation.operationId);
      expect(operation.summary).toBe(route.summary);
      for (const status of Object.keys(route.responses)) expect(operation.responses[status]).toBeDefined();
    }
  });

  it('describes auth, path parameters, strict bodies and the standard errors', () => {
    const me = document.paths['/api/v1/me']?.get;
    expect(me?.security).toEqual([{ session: [] }]);
    expect(me?.responses['401']).toBeDefined();

    const signUp = document.paths['/api/v1/accounts']?.post;
    expect(signUp?.security).toEqual([]);
    expect(signUp?.requestBody?.content['application/json']?.schema.additionalProperties).toBe(false);
    expect(Object.keys(signUp?.responses ?? {}).sort()).toEqual(['201', '400', '409', '413', '429']);
    expect(signUp?.responses['409']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Error' });

    for (const route of ALL_ROUTES.filter((r) => r.path.includes(':'))) {
      const operation = document.paths[openApiPath(route.path)]?.[route.method];
      const names = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]);
      expect(operation?.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(names);
    }
  });
});

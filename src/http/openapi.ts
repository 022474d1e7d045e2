import { z } from 'zod';
import type { ObjectSchema, ResponseSpec, Route } from './route';
import { errorBodySchema } from './schemas';

/**
 * The OpenAPI 3.1 document, generated from the route definitions (the same objects the app
 * mounts), with JSON Schemas from zod's `z.toJSONSchema` (draft 2020-12, which OpenAPI 3.1 uses).
 */

type JsonObject = Record<string, unknown>;

export const API_VERSION = '1.0.0';
const ERROR_REF = { $ref: '#/components/schemas/Error' };

export function openApiDocument(routes: readonly Route[]): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'kibble API',
      version: API_VERSION,
      description: 'Monthly micro-donations on Dogecoin-style chains. Amounts are decimal strings of whole coins ("12.5"). ' +
        'Error messages follow Accept-Language (en, fr); error codes and details do not.',
    },
    paths,
    components: {
      schemas: { Error: jsonSchema(errorBodySchema, 'output') },
      securitySchemes: {
        session: { type: 'http', scheme: 'bearer', description: 'a session token from POST /api/v1/accounts or /api/v1/sessions' },
        operator: { type: 'http', scheme: 'bearer', description: 'the OPERATOR_TOKEN of the deployment' },
      },
    },
  };
}

/** Express `/things/:id` is OpenAPI `/things/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operation(route: Route): JsonObject {
  const { params, query, body } = route.schemas;
  return {
    operationId: operationId(route),
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: [...route.tags],
    security: security(route),
    parameters: [...parameters(params, 'path'), ...parameters(query, 'query')],
    ...(body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(body, 'input') } } } }),
    responses: responses(route),
  };
}

function operationId(route: Route): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  return route.method + words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

function security(route: Route): JsonObject[] {
  switch (route.auth) {
    case 'none':
      return [];
    case 'account':
      return [{ session: [] }];
    case 'optional':
      return [{}, { session: [] }];
    case 'operator':
      return [{ operator: [] }];
  }
}

function parameters(schema: ObjectSchema | undefined, where: 'path' | 'query'): JsonObject[] {
  if (schema === undefined) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

/** The declared responses, plus the error responses the infrastructure itself can give. */
function responses(route: Route): JsonObject {
  const standard: Record<number, ResponseSpec> = {};
  const { params, query, body } = route.schemas;
  if (params !== undefined || query !== undefined || body !== undefined) {
    standard[400] = { description: 'validation-failed: a field is missing, unknown, or of the wrong type' };
  }
  if (route.auth !== 'none') standard[401] = { description: 'unauthorized: no valid token' };
  if (route.auth === 'operator') standard[403] = { description: 'forbidden: not the operator token' };
  if (body !== undefined) standard[413] = { description: 'payload-too-large' };
  if (route.rateLimit !== undefined) standard[429] = { description: `rate-limited (bucket ${route.rateLimit})` };
  const all = { ...standard, ...route.responses };
  return Object.fromEntries(Object.entries(all).map(([status, spec]) => [status, response(Number(status), spec)]));
}

function response(status: number, spec: ResponseSpec): JsonObject {
  const contentType = spec.contentType ?? 'application/json';
  const schema = spec.schema !== undefined ? bodySchema(spec.schema, contentType) : status >= 400 ? ERROR_REF : undefined;
  return { description: spec.description, ...(schema === undefined ? {} : { content: { [contentType]: { schema } } }) };
}

function bodySchema(schema: z.ZodType, contentType: string): JsonObject {
  return contentType === 'application/json' ? jsonSchema(schema, 'output') : { type: 'string' };
}

/** Requests are described as clients send them ('input'), responses as the server sends them. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonObject;
  return rest;
}

import { z } from 'zod';
import { KibbleError } from '../errors';

/**
 * Request validation: parses params, query or body with a route's schema and turns a failure into
 * one 400 `validation-failed` whose message names each field ("body.handle: must be a string,
 * got an object"). Schemas accept only the declared types, which is what makes operator
 * injection (`{"handle": {"$gt": ""}}`) impossible: an object never reaches a query as a string.
 */

export type InputLocation = 'params' | 'query' | 'body';

export interface FieldIssue {
  field: string;
  message: string;
}

/** How many issues one message lists; a body of 500 unknown keys is described by its first few. */
const MAX_LISTED_ISSUES = 5;

export function parseFields(location: InputLocation, schema: z.ZodType, value: unknown): unknown {
  const result = schema.safeParse(value ?? {}, { error: issueMessage });
  if (result.success) return result.data;
  throw validationError(location, result.error.issues);
}

/** No body schema: no body (or `{}`) is accepted. With one: the body must be a JSON object. */
export function parseBody(schema: z.ZodType | undefined, body: unknown): unknown {
  if (schema === undefined) {
    if (body === undefined || (isPlainObject(body) && Object.keys(body).length === 0)) return {};
    throw new KibbleError('validation-failed', 'body: this endpoint takes no request body');
  }
  if (!isPlainObject(body)) {
    const what = body === undefined ? 'missing' : describeValue(body);
    throw new KibbleError('validation-failed', `body: a JSON object is required (sent with Content-Type: application/json); got ${what}`);
  }
  return parseFields('body', schema, body);
}

function validationError(location: InputLocation, allIssues: readonly z.core.$ZodIssue[]): KibbleError {
  const issues = withoutFollowUps(allIssues);
  const fields = issues.map((issue) => ({ field: fieldName(location, issue.path), message: issue.message }));
  const listed = fields.slice(0, MAX_LISTED_ISSUES).map((issue) => `${issue.field}: ${issue.message}`);
  const more = fields.length > MAX_LISTED_ISSUES ? `; and ${fields.length - MAX_LISTED_ISSUES} more` : '';
  return new KibbleError('validation-failed', listed.join('; ') + more, { issues: fields.slice(0, MAX_LISTED_ISSUES) });
}

/**
 * zod keeps checking a value of the wrong type (an array has a length, so `.min(10)` reports
 * too); once a field has the wrong type, that is the only thing worth saying about it.
 */
function withoutFollowUps(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const wrongType = new Set(issues.filter((issue) => issue.code === 'invalid_type').map((issue) => issue.path.map(String).join('\0')));
  return issues.filter((issue) => issue.code === 'invalid_type' || !wrongType.has(issue.path.map(String).join('\0')));
}

function fieldName(location: InputLocation, path: readonly PropertyKey[]): string {
  return [location, ...path.map(String)].join('.');
}

/**
 * Messages for the issues every route shares (a missing field, a wrong type, an unknown field);
 * other issues keep the message their schema gives (schema-level messages take precedence).
 */
function issueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined ? 'is required' : `must be ${withArticle(issue.expected)}, got ${describeValue(issue.input)}`;
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.slice(0, MAX_LISTED_ISSUES).map((key) => JSON.stringify(key.slice(0, 40)));
    return `unknown field${issue.keys.length === 1 ? '' : 's'} ${keys.join(', ')}${issue.keys.length > MAX_LISTED_ISSUES ? ', ...' : ''}`;
  }
  return undefined;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return withArticle(typeof value);
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

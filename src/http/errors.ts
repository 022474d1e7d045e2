import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ERROR_CATALOGUE, isKibbleError, KibbleError, type ErrorCode } from '../errors';
import type { Logger } from '../log';
import { JSON_BODY_LIMIT } from './body';

/**
 * The one place where failures become HTTP: a KibbleError's code decides the status (from the
 * catalogue), every error body is `{ "error": { "code", "message", "details"? } }`, and anything
 * unexpected is a 500 with a generic message; its stack goes to the log, never to the client.
 */

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  /** The original error, when it is worth a log line with its stack (5xx). */
  logged: unknown;
}

const SERVER_ERROR_MESSAGES: Record<number, string> = {
  502: 'the chain node answered with an error; try again later',
  503: 'a service kibble depends on is not reachable; try again later',
};
const INTERNAL_MESSAGE = 'internal error; it has been logged';

export function errorResponse(error: unknown): ErrorResponse {
  const known = isKibbleError(error) ? error : fromBodyParser(error);
  if (known === undefined) return { status: 500, body: errorBody('internal', INTERNAL_MESSAGE), logged: error };
  const status = ERROR_CATALOGUE[known.code].httpStatus;
  if (status >= 500) {
    // Server-side messages can name hosts, files or node answers: keep them in the log.
    return { status, body: errorBody(known.code, SERVER_ERROR_MESSAGES[status] ?? INTERNAL_MESSAGE), logged: error };
  }
  return { status, body: errorBody(known.code, known.message, known.details), logged: undefined };
}

function errorBody(code: ErrorCode, message: string, details?: Readonly<Record<string, unknown>>): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details: jsonSafe(details) }) } };
}

/** Details may hold bigints (amounts); JSON has no bigint, so they travel as decimal strings. */
function jsonSafe(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(details, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))) as Record<
    string,
    unknown
  >;
}

/** express.json() (body-parser) reports its failures as http-errors with a `type`. */
function fromBodyParser(error: unknown): KibbleError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status, expose, message } = error as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown };
  if (type === 'entity.too.large') {
    return new KibbleError('payload-too-large', `the request body is larger than ${JSON_BODY_LIMIT}`);
  }
  if (type === 'entity.parse.failed') {
    return new KibbleError('validation-failed', 'the request body is not valid JSON (a JSON object is expected)');
  }
  // Unsupported charset or encoding, aborted upload...: the client's fault, described by it.
  if (typeof status === 'number' && status >= 400 && status < 500 && expose === true && typeof message === 'string') {
    return new KibbleError('validation-failed', `the request body cannot be read: ${message}`);
  }
  return undefined;
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    // Express's own handler must close a response that has already started.
    if (res.headersSent) return next(error);
    const response = errorResponse(error);
    if (response.logged !== undefined) {
      logger.error({ err: response.logged, method: req.method, path: req.path }, 'request failed');
    }
    if (response.status === 401) res.set('WWW-Authenticate', 'Bearer realm="kibble"');
    res.status(response.status).json(response.body);
  };
}

/** After every route: unknown paths and methods answer in the same error format. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new KibbleError('not-found', `no route for ${req.method} ${req.path.slice(0, 200)}`));
};

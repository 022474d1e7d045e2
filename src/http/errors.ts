import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ERROR_CATALOGUE, isKibbleError, KibbleError, type ErrorCode } from '../errors';
import { localizedErrorMessage } from '../i18n/error-messages';
import { translatorFor, type Translator } from '../i18n/translator';
import type { Logger } from '../log';
import { BODY_LIMIT, FORM_FIELD_LIMIT } from './body';
import { translatorOf } from './locale';

/** csrf-csrf's error code (pages/csrf.ts sets it), refused as 403 forbidden. */
export const CSRF_ERROR_CODE = 'EBADCSRFTOKEN';
const CSRF_MESSAGE = 'This form has expired or did not come from kibble. Go back, reload the page and try again.';

/**
 * The one place where failures become HTTP, for the API and the pages alike: a KibbleError's code
 * decides the status (from the catalogue), the client's mistakes that express and its middleware
 * report (bad bodies, bad percent-encoding, CSRF) are mapped to KibbleErrors first, every error
 * body is `{ "error": { "code", "message", "details"? } }` (the pages render the same message as
 * HTML), and anything unexpected is a 500 with a generic message; its stack goes to the log, never
 * to the client. Log lines name the method and path only: never a query string or a body.
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

/**
 * `translator` is the reader's language (the request's, http/locale.ts): the code and details stay
 * as they are, the message is localized by code (i18n/error-messages.ts); English by default.
 */
export function errorResponse(error: unknown, translator: Translator = translatorFor('en')): ErrorResponse {
  const known = isKibbleError(error) ? error : fromMiddleware(error);
  if (known === undefined) {
    return { status: 500, body: errorBody('internal', localizedErrorMessage(translator, { code: 'internal', message: INTERNAL_MESSAGE })), logged: error };
  }
  const status = ERROR_CATALOGUE[known.code].httpStatus;
  if (status >= 500) {
    // Server-side messages can name hosts, files or node answers: keep them in the log.
    const generic = { code: known.code, message: SERVER_ERROR_MESSAGES[status] ?? INTERNAL_MESSAGE };
    return { status, body: errorBody(known.code, localizedErrorMessage(translator, generic)), logged: error };
  }
  // csrf-csrf's refusal is a 'forbidden' with its own advice (the same words in every language).
  const variant = known.code === 'forbidden' && known.message === CSRF_MESSAGE ? 'csrf-refused' : undefined;
  return { status, body: errorBody(known.code, localizedErrorMessage(translator, known, variant), known.details), logged: undefined };
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

/**
 * What express and its middleware throw for a client's mistake, as a KibbleError, so that the API
 * and the pages answer it alike: body-parser's failures (JSON and forms), the router's failure to
 * percent-decode a path parameter, and csrf-csrf's refusal. undefined for anything else.
 */
function fromMiddleware(error: unknown): KibbleError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status, expose, message, code } = error as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown; code?: unknown };
  if (code === CSRF_ERROR_CODE) return new KibbleError('forbidden', CSRF_MESSAGE);
  // router's decodeParam: a URIError with status 400 (`/things/%zz`, overlong or truncated UTF-8).
  if (error instanceof URIError && status === 400) {
    return new KibbleError('validation-failed', 'a path segment is not valid percent-encoded UTF-8');
  }
  if (type === 'entity.too.large') {
    return new KibbleError('payload-too-large', `the request body is larger than ${BODY_LIMIT}`);
  }
  if (type === 'parameters.too.many') {
    return new KibbleError('payload-too-large', `the form has more than ${FORM_FIELD_LIMIT} fields`);
  }
  if (type === 'entity.parse.failed') {
    return new KibbleError('validation-failed', 'the request body is not valid JSON (a JSON object is expected)');
  }
  // Unsupported charset or encoding, corrupt compressed body, aborted upload...: the client's
  // fault, described by it (these messages never quote the body).
  if (typeof status === 'number' && status >= 400 && status < 500 && expose === true && typeof message === 'string') {
    return new KibbleError('validation-failed', `the request body cannot be read: ${message.slice(0, 200)}`);
  }
  return undefined;
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    // Express's own handler must close a response that has already started.
    if (res.headersSent) return next(error);
    const response = errorResponse(error, translatorOf(res));
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

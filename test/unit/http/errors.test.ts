import { KibbleError } from '../../../src/errors';
import { errorResponse } from '../../../src/http/errors';

describe('errorResponse', () => {
  it('maps a KibbleError to its catalogue status, with code, message and details', () => {
    const response = errorResponse(new KibbleError('address-invalid', 'bad checksum', { reason: 'bad-checksum' }));
    expect(response).toEqual({
      status: 400,
      body: { error: { code: 'address-invalid', message: 'bad checksum', details: { reason: 'bad-checksum' } } },
      logged: undefined,
    });
  });

  it.each([
    ['not-found', 404],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['handle-taken', 409],
    ['rate-limited', 429],
    ['payload-too-large', 413],
    ['amount-too-precise', 400],
  ] as const)('%s -> %i', (code, status) => {
    expect(errorResponse(new KibbleError(code, 'x')).status).toBe(status);
  });

  it('turns bigint details into strings', () => {
    const response = errorResponse(new KibbleError('amount-too-large', 'too large', { maximum: 10n }));
    expect(response.body.error.details).toEqual({ maximum: '10' });
  });

  it('hides the message of server-side errors and asks for a log line', () => {
    const error = new KibbleError('rpc-unreachable', 'http://x:key@host:1 refused');
    const response = errorResponse(error);
    expect(response.status).toBe(503);
    expect(response.body.error.code).toBe('rpc-unreachable');
    expect(response.body.error.message).not.toContain('key');
    expect(response.logged).toBe(error);
  });

  it('answers anything unknown with 500 internal and a generic message', () => {
    const error = new Error('ECONNRESET at db-host:27017');
    const response = errorResponse(error);
    expect(response).toEqual({ status: 500, body: { error: { code: 'internal', message: 'internal error; it has been logged' } }, logged: error });
    expect(errorResponse('a string').status).toBe(500);
    expect(errorResponse(null).status).toBe(500);
  });

  it("maps body-parser's failures", () => {
    expect(errorResponse(Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413, expose: true })).body.error.code).toBe('payload-too-large');
    expect(errorResponse(Object.assign(new Error('Unexpected token'), { type: 'entity.parse.failed', status: 400, expose: true })).body.error).toEqual({
      code: 'validation-failed',
      message: 'the request body is not valid JSON (a JSON object is expected)',
    });
    const charset = errorResponse(Object.assign(new Error('unsupported charset "LATIN1"'), { type: 'charset.unsupported', status: 415, expose: true }));
    expect(charset.status).toBe(400);
    expect(charset.body.error.message).toContain('unsupported charset');
    // a 5xx from a library is not the client's business
    expect(errorResponse(Object.assign(new Error('boom'), { status: 500, expose: false })).status).toBe(500);
  });

  it("maps the router's percent-decoding failure of a path parameter to 400, without echoing it", () => {
    const decodeFailure = (raw: string): unknown => {
      try {
        decodeURIComponent(raw);
      } catch (error) {
        // what express's router (router/lib/layer.js decodeParam) does to it
        return Object.assign(error as URIError, { message: `Failed to decode param '${raw}'`, status: 400, statusCode: 400 });
      }
      throw new Error(`${raw} decodes`);
    };
    for (const raw of ['%zz', '%E0%A4%A', '%C0%AF', '%FF%FE']) {
      const response = errorResponse(decodeFailure(raw));
      expect({ raw, status: response.status, code: response.body.error.code, logged: response.logged }).toEqual({ raw, status: 400, code: 'validation-failed', logged: undefined });
      expect(response.body.error.message).not.toContain(raw);
    }
    // a URIError thrown by kibble's own code is still a bug
    expect(errorResponse(new URIError('URI malformed')).status).toBe(500);
  });

  it('maps too many form fields to 413, a CSRF refusal to 403, a corrupt compressed body to 400', () => {
    const tooMany = errorResponse(Object.assign(new Error('too many parameters'), { type: 'parameters.too.many', status: 413, expose: true, body: 'token=secret' }));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error.code).toBe('payload-too-large');
    expect(JSON.stringify(tooMany)).not.toContain('secret');
    const csrf = errorResponse(Object.assign(new Error('invalid csrf token'), { code: 'EBADCSRFTOKEN', status: 403 }));
    expect({ status: csrf.status, code: csrf.body.error.code }).toEqual({ status: 403, code: 'forbidden' });
    const gzip = errorResponse(Object.assign(new Error('incorrect header check'), { status: 400, expose: true }));
    expect({ status: gzip.status, code: gzip.body.error.code }).toEqual({ status: 400, code: 'validation-failed' });
  });
});

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
});

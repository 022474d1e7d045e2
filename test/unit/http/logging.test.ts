import { pathOf } from '../../../src/http/app';
import { capturedLog, type CapturedLog } from '../../support/captured-log';

const SECRET = 'hunter2-must-not-be-logged';

const capture = (): CapturedLog => capturedLog();

describe('logs never carry a request body or query value', () => {
  it('redacts the raw body body-parser puts on its errors', () => {
    const { lines, logger } = capture();
    const error = Object.assign(new Error('too many parameters'), { type: 'parameters.too.many', status: 413, body: `token=${SECRET}` });
    logger.error({ err: error, method: 'POST', path: '/operator/signin' }, 'page failed');
    expect(lines.join('')).not.toContain(SECRET);
    expect(lines.join('')).toContain('"path":"/operator/signin"');
  });

  it.each([
    ['a body', { body: { password: SECRET } }],
    ['a query', { query: { token: SECRET } }],
    ["a request's body and query", { req: { body: `password=${SECRET}`, query: `token=${SECRET}` } }],
    ['a password or token field', { password: SECRET, nested: { token: SECRET } }],
    ['authorization and cookie headers', { req: { headers: { authorization: `Bearer ${SECRET}`, cookie: `kibble_session=${SECRET}` } } }],
  ])('redacts %s', (_name, fields) => {
    const { lines, logger } = capture();
    logger.info(fields, 'something happened');
    expect(lines.join('')).not.toContain(SECRET);
    expect(lines.join('')).toContain('[redacted]');
  });
});

describe('pathOf', () => {
  it.each([
    ['/api/v1/me?token=x', '/api/v1/me'],
    ['/api/v1/me', '/api/v1/me'],
    ['/t/abc?next=%2Fdonor&x=1', '/t/abc'],
    ['/?', '/'],
  ])('%s -> %s', (url, path) => {
    expect(pathOf(url)).toBe(path);
  });
});

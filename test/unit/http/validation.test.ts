import { z } from 'zod';
import { isKibbleError } from '../../../src/errors';
import { parseBody, parseFields } from '../../../src/http/validation';

function failure(run: () => unknown): { code: string; message: string; details: unknown } {
  try {
    run();
  } catch (error) {
    if (isKibbleError(error)) return { code: error.code, message: error.message, details: error.details };
    throw error;
  }
  throw new Error('expected a validation failure');
}

const body = z.strictObject({ handle: z.string().min(3, 'at least 3 characters'), tags: z.array(z.string()).optional() });

describe('request validation messages name the field', () => {
  it.each([
    [{}, 'body.handle: is required'],
    [{ handle: 5 }, 'body.handle: must be a string, got a number'],
    [{ handle: { $gt: '' } }, 'body.handle: must be a string, got an object'],
    [{ handle: ['abc'] }, 'body.handle: must be a string, got an array'],
    [{ handle: null }, 'body.handle: must be a string, got null'],
    [{ handle: true }, 'body.handle: must be a string, got a boolean'],
    [{ handle: 'ab' }, 'body.handle: at least 3 characters'],
    [{ handle: 'abc', extra: 1 }, 'body: unknown field "extra"'],
    [{ handle: 'abc', a: 1, b: 2 }, 'body: unknown fields "a", "b"'],
    [{ handle: 'abc', tags: ['ok', 7] }, 'body.tags.1: must be a string, got a number'],
  ])('%j -> %s', (input, message) => {
    const error = failure(() => parseBody(body, input));
    expect(error).toMatchObject({ code: 'validation-failed', message });
  });

  it('lists several problems, and details carry them per field', () => {
    const error = failure(() => parseBody(body, { handle: 1, x: 2 }));
    expect(error.message).toBe('body.handle: must be a string, got a number; body: unknown field "x"');
    expect(error.details).toEqual({
      issues: [
        { field: 'body.handle', message: 'must be a string, got a number' },
        { field: 'body', message: 'unknown field "x"' },
      ],
    });
  });

  it('bounds the message for a body full of unknown fields', () => {
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
    const error = failure(() => parseBody(body, { handle: 'abc', ...many }));
    expect(error.message.length).toBeLessThan(200);
  });

  it('requires a JSON object when there is a body schema', () => {
    expect(failure(() => parseBody(body, undefined)).message).toMatch(/^body: a JSON object is required .*got missing$/);
    expect(failure(() => parseBody(body, [1])).message).toMatch(/got an array$/);
    expect(failure(() => parseBody(body, 'text')).message).toMatch(/got a string$/);
  });

  it('accepts no body or {} when there is no body schema, and refuses anything else', () => {
    expect(parseBody(undefined, undefined)).toEqual({});
    expect(parseBody(undefined, {})).toEqual({});
    expect(failure(() => parseBody(undefined, { a: 1 })).message).toBe('body: this endpoint takes no request body');
    expect(failure(() => parseBody(undefined, [])).code).toBe('validation-failed');
  });

  it('parses query and params with their location in messages', () => {
    const query = z.strictObject({ period: z.string().regex(/^\d{4}-\d{2}$/, "must be 'YYYY-MM'") });
    expect(parseFields('query', query, { period: '2026-03' })).toEqual({ period: '2026-03' });
    expect(failure(() => parseFields('query', query, { period: ['2026-03', '2026-04'] })).message).toBe(
      'query.period: must be a string, got an array',
    );
    expect(failure(() => parseFields('params', query, { period: 'x' })).message).toBe("params.period: must be 'YYYY-MM'");
  });
});

import vectors from '../../fixtures/thing-urls.json';
import { normalizeThingUrl, objectIdOf, parseThingTitle, THING_URL_MAX_CHARS } from '../../../src/services/things/things';
import { kibbleErrorFrom, showInvisible } from '../../support/errors';

interface ThingUrlFixture {
  valid: ReadonlyArray<{ input: string; url: string; note?: string }>;
  invalid: ReadonlyArray<{ input: unknown; code: string; note?: string }>;
}

const fixture: ThingUrlFixture = vectors;

describe('normalizeThingUrl vectors (test/fixtures/thing-urls.json)', () => {
  test.each(fixture.valid.map((v) => [showInvisible(v.input), v] as const))('accepts %s', (_name, v) => {
    expect(normalizeThingUrl(v.input)).toBe(v.url);
  });

  test.each(fixture.invalid.map((v) => [showInvisible(v.input), v.code, v] as const))('rejects %s with %s', (_name, code, v) => {
    expect(kibbleErrorFrom(() => normalizeThingUrl(v.input)).code).toBe(code);
  });

  test('normalizing is idempotent', () => {
    for (const v of fixture.valid) expect(normalizeThingUrl(v.url)).toBe(v.url);
  });
});

describe('normalizeThingUrl limits and messages', () => {
  const base = 'https://example.org/';

  test(`accepts exactly ${THING_URL_MAX_CHARS} characters and refuses one more`, () => {
    const longest = base + 'a'.repeat(THING_URL_MAX_CHARS - base.length);
    expect(normalizeThingUrl(longest)).toBe(longest);
    expect(kibbleErrorFrom(() => normalizeThingUrl(`${longest}a`)).message).toMatch(/at most 2048/);
  });

  test('refuses a URL that percent-encoding makes longer than the limit', () => {
    const error = kibbleErrorFrom(() => normalizeThingUrl(base + 'é'.repeat(1000)));
    expect(error.code).toBe('validation-failed');
    expect(error.message).toMatch(/once normalized/);
  });

  test('messages say what is wrong', () => {
    expect(kibbleErrorFrom(() => normalizeThingUrl('example.org/a')).message).toMatch(/https:\/\//);
    expect(kibbleErrorFrom(() => normalizeThingUrl('ftp://example.org/')).message).toMatch(/only http and https.*"ftp"/);
    expect(kibbleErrorFrom(() => normalizeThingUrl('https://u:p@example.org/')).message).toMatch(/password/);
    expect(kibbleErrorFrom(() => normalizeThingUrl(7)).message).toMatch(/must be a string/);
  });

  test('a rejected megabyte input is quoted only in part', () => {
    expect(kibbleErrorFrom(() => normalizeThingUrl(`x${'y'.repeat(1_000)}`)).message.length).toBeLessThan(200);
  });
});

describe('parseThingTitle', () => {
  test.each([
    ['trims spaces', '  My post  ', 'My post'],
    ['one character', 'x', 'x'],
    ['200 accented letters', 'é'.repeat(200), 'é'.repeat(200)],
    ['200 emoji (code points, not UTF-16 units)', '🐕'.repeat(200), '🐕'.repeat(200)],
  ])('accepts %s', (_name, input, title) => {
    expect(parseThingTitle(input)).toBe(title);
  });

  test.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['201 characters', 'a'.repeat(201)],
    ['two lines', 'two\nlines'],
    ['null', null],
    ['a number', 12],
    ['an operator object', { $ne: null }],
  ])('rejects %s', (_name, input) => {
    expect(kibbleErrorFrom(() => parseThingTitle(input)).code).toBe('validation-failed');
  });
});

describe('objectIdOf', () => {
  test('a malformed id is not-found, like an unknown one', () => {
    for (const id of ['', 'abc', 'aaaaaaaaaaaa', 'zz'.repeat(12), { $gt: '' }, undefined]) {
      expect(kibbleErrorFrom(() => objectIdOf(id, 'thing')).code).toBe('not-found');
    }
    expect(objectIdOf('65A1b2c3d4e5f60718293a4b', 'thing').toHexString()).toBe('65a1b2c3d4e5f60718293a4b');
  });
});

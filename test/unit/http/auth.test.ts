import { operatorTokenMatches, presentedToken } from '../../../src/http/auth';
import { Secret } from '../../../src/config/secret';

describe('presentedToken', () => {
  it.each([
    [undefined, { kind: 'missing' }],
    ['', { kind: 'missing' }],
    ['   ', { kind: 'missing' }],
    ['Bearer abc', { kind: 'token', token: 'abc' }],
    ['bearer abc', { kind: 'token', token: 'abc' }],
    ['BEARER  abc ', { kind: 'token', token: 'abc' }],
    ['Bearer', { kind: 'malformed' }],
    ['Bearer a b', { kind: 'malformed' }],
    ['Basic abc', { kind: 'malformed' }],
    ['abc', { kind: 'malformed' }],
    ['Bearer tök', { kind: 'malformed' }],
  ])('%j -> %j', (header, expected) => {
    expect(presentedToken(header)).toEqual(expected);
  });
});

describe('operatorTokenMatches', () => {
  const configured = new Secret('the-operator-token-0123456789abcdef');
  it('matches only the exact token', () => {
    expect(operatorTokenMatches('the-operator-token-0123456789abcdef', configured)).toBe(true);
    expect(operatorTokenMatches('the-operator-token-0123456789abcde', configured)).toBe(false);
    expect(operatorTokenMatches('the-operator-token-0123456789abcdefX', configured)).toBe(false);
    expect(operatorTokenMatches('THE-OPERATOR-TOKEN-0123456789ABCDEF', configured)).toBe(false);
    expect(operatorTokenMatches('', configured)).toBe(false);
  });
  it('never matches when no operator token is configured', () => {
    expect(operatorTokenMatches('', undefined)).toBe(false);
    expect(operatorTokenMatches('anything', undefined)).toBe(false);
  });
});

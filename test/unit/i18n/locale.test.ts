import { negotiateLocale, preferredLocale } from '../../../src/i18n/locale';

describe('preferredLocale (Accept-Language)', () => {
  it.each([
    ['fr', 'fr'],
    ['fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5', 'fr'],
    ['en-US,en;q=0.9,fr;q=0.8', 'en'],
    ['de-DE, fr;q=0.4, en;q=0.3', 'fr'],
    ['en;q=0.2, fr;q=0.9', 'fr'],
    ['FR-be', 'fr'],
    ['fr;q=0, en;q=0.1', 'en'],
    ['fr;q=1.000, en', 'fr'],
    ['en, fr', 'en'],
  ])('%j -> %s', (header, expected) => {
    expect(preferredLocale(header)).toBe(expected);
  });

  it.each(['', '*', 'de, es;q=0.5', 'fr;q=0', 'fr;q=2', 'fr;q=abc', '🙂', 'fr-;q=1', ',,,;;;'])('%j -> none of ours', (header) => {
    expect(preferredLocale(header)).toBeUndefined();
  });

  it('reads a bounded part of a very long header, quickly', () => {
    expect(preferredLocale(`${'de;q=0.5,'.repeat(100_000)}fr`)).toBeUndefined();
    expect(preferredLocale(`fr;q=0.5,${'x'.repeat(1_000_000)}`)).toBe('fr');
  });
});

describe('negotiateLocale', () => {
  it('prefers the query, then the cookie, then Accept-Language, then English', () => {
    expect(negotiateLocale({ query: 'fr', cookie: 'en', acceptLanguage: 'en' })).toBe('fr');
    expect(negotiateLocale({ query: 'xx', cookie: 'fr', acceptLanguage: 'en' })).toBe('fr');
    expect(negotiateLocale({ cookie: 'de', acceptLanguage: 'fr-FR' })).toBe('fr');
    expect(negotiateLocale({ acceptLanguage: 'de' })).toBe('en');
    expect(negotiateLocale({})).toBe('en');
    expect(negotiateLocale({ query: ['fr'], acceptLanguage: 42 })).toBe('en');
  });
});

import { ERROR_CATALOGUE } from '../../../src/errors';
import { NAMESPACES } from '../../../src/i18n/catalogues';
import { LOCALES } from '../../../src/i18n/locale';

// Every message exists in every language, says something, and uses the same {{placeholders}}:
// a key added in one language only, or a variable renamed in one, fails here.
const PLACEHOLDER = /\{\{\s*([^}\s,]+)[^}]*\}\}/g;
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))].sort();
}

/** Plural forms differ per language (French and English both have one/other); compare the bases. */
function baseKeys(catalogue: Readonly<Record<string, string>>): string[] {
  return [...new Set(Object.keys(catalogue).map((key) => key.replace(PLURAL_SUFFIX, '')))].sort();
}

describe.each(Object.entries(NAMESPACES))('the %s namespace', (_namespace, set) => {
  const english = set.en as Readonly<Record<string, string>>;

  it.each(LOCALES.filter((locale) => locale !== 'en'))('has the same keys in %s as in English', (locale) => {
    expect(baseKeys(set[locale])).toEqual(baseKeys(english));
  });

  it.each([...LOCALES])('has no empty message in %s', (locale) => {
    const catalogue = set[locale] as Readonly<Record<string, string>>;
    expect(Object.entries(catalogue).filter(([, text]) => typeof text !== 'string' || text.trim() === '')).toEqual([]);
  });

  it.each(LOCALES.filter((locale) => locale !== 'en'))('uses the same placeholders in %s as in English', (locale) => {
    const catalogue = set[locale] as Readonly<Record<string, string>>;
    const differing = Object.keys(catalogue)
      .filter((key) => english[key] !== undefined)
      .filter((key) => placeholders(catalogue[key] ?? '').join() !== placeholders(english[key] ?? '').join());
    expect(differing).toEqual([]);
  });

  it('writes each plural as both key_one and key_other', () => {
    for (const locale of LOCALES) {
      const keys = Object.keys(set[locale]);
      const bases = new Set(keys.filter((key) => PLURAL_SUFFIX.test(key)).map((key) => key.replace(PLURAL_SUFFIX, '')));
      for (const base of bases) expect([locale, keys.includes(`${base}_one`) && keys.includes(`${base}_other`)]).toEqual([locale, true]);
    }
  });
});

describe('the errors namespace', () => {
  it('has a message for every error code of src/errors.ts', () => {
    const missing = Object.keys(ERROR_CATALOGUE).filter((code) => !(code in NAMESPACES.errors.en));
    expect(missing).toEqual([]);
  });
});

describe('the checks above', () => {
  it('find a missing key, an empty message and a renamed placeholder', () => {
    expect(baseKeys({ a: 'x', b_one: 'y', b_other: 'z' })).toEqual(['a', 'b']);
    expect(placeholders('Il reste {{ amount }} pour {{count}} clics ({{amount}})')).toEqual(['amount', 'count']);
    expect(placeholders('{{amount, number}}')).toEqual(['amount']);
  });
});

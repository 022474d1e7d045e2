import enCommon from './locales/en/common';
import frCommon from './locales/fr/common';
import enErrors from './locales/en/errors';
import frErrors from './locales/fr/errors';
import enFiat from './locales/en/fiat';
import frFiat from './locales/fr/fiat';

/**
 * Every message catalogue, one namespace per page or feature, each in every locale
 * (test/unit/i18n/catalogues.test.ts fails when a key is in one language and not the other).
 * To add a namespace: write `locales/en/<ns>.ts` and `locales/fr/<ns>.ts` (`export default
 * { key: 'text {{var}}' }`, plurals as `key_one` / `key_other`), import both above and append one
 * line below. Keys are flat (dots are part of the key); `t('<ns>:<key>', vars)` finds them.
 */
export const NAMESPACES = {
  common: { en: enCommon, fr: frCommon },
  errors: { en: enErrors, fr: frErrors },
  fiat: { en: enFiat, fr: frFiat },
} satisfies Record<string, CatalogueSet>;

export type Catalogue = Readonly<Record<string, string>>;
export interface CatalogueSet {
  en: Catalogue;
  fr: Catalogue;
}
export type Namespace = keyof typeof NAMESPACES;

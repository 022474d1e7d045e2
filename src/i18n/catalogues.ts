import enCommon from './locales/en/common';
import frCommon from './locales/fr/common';
import enErrors from './locales/en/errors';
import frErrors from './locales/fr/errors';
import enAuth from './locales/en/auth';
import frAuth from './locales/fr/auth';
import enThing from './locales/en/thing';
import frThing from './locales/fr/thing';
import enDonor from './locales/en/donor';
import frDonor from './locales/fr/donor';
import enCreator from './locales/en/creator';
import frCreator from './locales/fr/creator';
import enOperator from './locales/en/operator';
import frOperator from './locales/fr/operator';
import enSettlement from './locales/en/settlement';
import frSettlement from './locales/fr/settlement';
import enStatements from './locales/en/statements';
import frStatements from './locales/fr/statements';
import enPaydays from './locales/en/paydays';
import frPaydays from './locales/fr/paydays';
import enReserves from './locales/en/reserves';
import frReserves from './locales/fr/reserves';
import enProofs from './locales/en/proofs';
import frProofs from './locales/fr/proofs';
import enChart from './locales/en/chart';
import frChart from './locales/fr/chart';
import enMail from './locales/en/mail';
import frMail from './locales/fr/mail';
import enMailPages from './locales/en/mailpages';
import frMailPages from './locales/fr/mailpages';
import enWebhooks from './locales/en/webhooks';
import frWebhooks from './locales/fr/webhooks';
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
  auth: { en: enAuth, fr: frAuth },
  thing: { en: enThing, fr: frThing },
  donor: { en: enDonor, fr: frDonor },
  creator: { en: enCreator, fr: frCreator },
  operator: { en: enOperator, fr: frOperator },
  settlement: { en: enSettlement, fr: frSettlement },
  statements: { en: enStatements, fr: frStatements },
  paydays: { en: enPaydays, fr: frPaydays },
  reserves: { en: enReserves, fr: frReserves },
  proofs: { en: enProofs, fr: frProofs },
  chart: { en: enChart, fr: frChart },
  mail: { en: enMail, fr: frMail },
  mailpages: { en: enMailPages, fr: frMailPages },
  webhooks: { en: enWebhooks, fr: frWebhooks },
  fiat: { en: enFiat, fr: frFiat },
} satisfies Record<string, CatalogueSet>;

export type Catalogue = Readonly<Record<string, string>>;
export interface CatalogueSet {
  en: Catalogue;
  fr: Catalogue;
}
export type Namespace = keyof typeof NAMESPACES;

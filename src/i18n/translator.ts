import i18next, { type i18n } from 'i18next';
import { NAMESPACES, type Namespace } from './catalogues';
import { DEFAULT_LOCALE, LOCALES, type Locale } from './locale';
import { formatAmount, formatDate, formatNumber, formatPeriod, type AmountFormatOptions, type DateStyle } from './format';

/** `key_one` / `key_other` are asked for as `key` with a `count`. */
type PluralBase<K extends string> = K extends `${infer Base}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}` ? Base : K;

/** Every key of every namespace, as `'<ns>:<key>'`: a misspelt key is a type error. */
export type MessageKey = { [NS in Namespace]: `${NS}:${PluralBase<keyof (typeof NAMESPACES)[NS]['en'] & string>}` }[Namespace];

/** Values for `{{name}}` placeholders; `count` also picks the plural form. Bigints are shown whole. */
export type MessageVars = Readonly<Record<string, string | number | bigint>>;

/** What a page, a mail or a CLI command needs to speak one locale. Its functions need no `this`: destructure freely. */
export interface Translator {
  readonly locale: Locale;
  t: (key: MessageKey, vars?: MessageVars) => string;
  /** Whether a key built at run time (`errors:<code>`) exists. */
  has: (key: string) => boolean;
  /** `t` for a key built at run time; check it with `has` first. */
  tDynamic: (key: string, vars?: MessageVars) => string;
  formatNumber: (value: number | bigint, options?: Intl.NumberFormatOptions) => string;
  formatDate: (date: Date, style?: DateStyle) => string;
  /** "2026-12" -> "December 2026". */
  formatPeriod: (period: string) => string;
  /** Smallest units (koinu) -> the locale's decimal string, exact, with the unit when given. */
  formatAmount: (units: bigint, options?: AmountFormatOptions) => string;
}

let shared: i18n | undefined;

/**
 * One i18next instance for the process, initialised synchronously from the bundled catalogues (no
 * backend, nothing to wait for), so a translator works in a request, a mail job or the CLI alike.
 * Values are not HTML-escaped here: pages interpolate the result through html``, which escapes.
 */
function instance(): i18n {
  if (shared !== undefined) return shared;
  const resources = Object.fromEntries(
    LOCALES.map((locale) => [locale, Object.fromEntries(Object.entries(NAMESPACES).map(([ns, set]) => [ns, set[locale]]))]),
  );
  const created = i18next.createInstance();
  void created.init({
    resources,
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    ns: Object.keys(NAMESPACES),
    defaultNS: 'common',
    keySeparator: false,
    nsSeparator: ':',
    interpolation: { escapeValue: false },
    returnEmptyString: false,
    initAsync: false,
  });
  shared = created;
  return created;
}

const translators = new Map<Locale, Translator>();

export function translatorFor(locale: Locale): Translator {
  const known = translators.get(locale);
  if (known !== undefined) return known;
  const fixed = instance().getFixedT(locale);
  const translate = (key: string, vars?: MessageVars): string => fixed(key, plainVars(vars ?? {}));
  const translator: Translator = {
    locale,
    t: translate,
    tDynamic: translate,
    has: (key) => instance().exists(key, { lng: locale }),
    formatNumber: (value, options) => formatNumber(locale, value, options),
    formatDate: (date, style) => formatDate(locale, date, style),
    formatPeriod: (period) => formatPeriod(locale, period),
    formatAmount: (units, options) => formatAmount(locale, units, options),
  };
  translators.set(locale, translator);
  return translator;
}

/** i18next wants a number `count` for plurals; other bigints become their exact decimal digits. */
function plainVars(vars: MessageVars): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(vars).map(([name, value]) => [name, typeof value === 'bigint' ? (name === 'count' ? Number(value) : value.toString()) : value]),
  );
}

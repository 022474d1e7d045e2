/**
 * The languages kibble speaks and how a request's language is chosen. Pure: the HTTP middleware
 * (http/locale.ts) hands in the query parameter, the cookie and the Accept-Language header.
 */

export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export interface LocaleSources {
  /** `?lang=`: an explicit choice, remembered afterwards in the cookie. */
  query?: unknown;
  /** The `lang` cookie: the last explicit choice. */
  cookie?: unknown;
  /** The Accept-Language header: the browser's preference. */
  acceptLanguage?: unknown;
}

/** An explicit choice (query, then cookie) wins over the browser's preference, then the default. */
export function negotiateLocale(sources: LocaleSources): Locale {
  if (isLocale(sources.query)) return sources.query;
  if (isLocale(sources.cookie)) return sources.cookie;
  return typeof sources.acceptLanguage === 'string' ? (preferredLocale(sources.acceptLanguage) ?? DEFAULT_LOCALE) : DEFAULT_LOCALE;
}

/** A header longer than this is cut: its tail is unlikely to matter and must not cost time. */
const ACCEPT_LANGUAGE_MAX_CHARS = 512;
const RANGE = /^([A-Za-z]{1,8}|\*)(?:-[A-Za-z0-9]{1,8})*$/;
const QUALITY = /^[qQ]=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The supported locale the header ranks highest (RFC 9110 section 12.5.4: q-values, default 1;
 * q=0 means "not this"), matched on the primary subtag ("fr-CH" is French). Among equal
 * q-values the first listed wins. `*` matches no locale in particular: undefined then, and the
 * caller uses its default. Malformed entries are skipped, not fatal.
 */
export function preferredLocale(header: string): Locale | undefined {
  let best: { locale: Locale; quality: number } | undefined;
  for (const entry of header.slice(0, ACCEPT_LANGUAGE_MAX_CHARS).split(',')) {
    const [range = '', ...parameters] = entry.split(';').map((part) => part.trim());
    if (!RANGE.test(range)) continue;
    const quality = qualityOf(parameters);
    const primary = range.split('-')[0]?.toLowerCase();
    if (quality === undefined || quality === 0 || !isLocale(primary)) continue;
    if (best === undefined || quality > best.quality) best = { locale: primary, quality };
  }
  return best?.locale;
}

function qualityOf(parameters: readonly string[]): number | undefined {
  const q = parameters.find((parameter) => /^[qQ]=/.test(parameter));
  if (q === undefined) return 1;
  const match = QUALITY.exec(q);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

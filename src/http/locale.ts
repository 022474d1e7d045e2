import type { Request, RequestHandler, Response } from 'express';
import { DEFAULT_LOCALE, isLocale, negotiateLocale, type Locale } from '../i18n/locale';
import { translatorFor, type Translator } from '../i18n/translator';

/** Where the request's locale and translator live (`res.locals`), for pages, routes and errors. */
export const LOCALE_LOCAL = 'locale';
export const TRANSLATOR_LOCAL = 'translator';
export const LANGUAGE_COOKIE = 'lang';
const LANGUAGE_COOKIE_MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * Picks the request's language: for pages `?lang=` (then remembered in the `lang` cookie), the
 * cookie, then Accept-Language; the API answers by Accept-Language alone (its clients say what
 * they read; a query parameter there would be an unknown parameter). The cookie is read here
 * directly (cookie-parser runs only in the page router, later); it holds a locale name or nothing.
 */
export function localeMiddleware(options: { secureCookie: boolean }): RequestHandler {
  return (req, res, next) => {
    const api = req.path.startsWith('/api/');
    const query = api ? undefined : firstString(req.query[LANGUAGE_COOKIE]);
    const locale = negotiateLocale({ query, cookie: api ? undefined : languageCookie(req), acceptLanguage: req.headers['accept-language'] });
    if (isLocale(query)) {
      res.cookie(LANGUAGE_COOKIE, query, { sameSite: 'lax', secure: options.secureCookie, httpOnly: true, path: '/', maxAge: LANGUAGE_COOKIE_MAX_AGE_MS });
    }
    res.locals[LOCALE_LOCAL] = locale;
    res.locals[TRANSLATOR_LOCAL] = translatorFor(locale);
    res.vary('Accept-Language');
    next();
  };
}

export function localeOf(res: Response): Locale {
  const locale: unknown = res.locals[LOCALE_LOCAL];
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

/** The request's translator; the default locale's when the middleware did not run. */
export function translatorOf(res: Response): Translator {
  return translatorFor(localeOf(res));
}

function firstString(value: unknown): string | undefined {
  if (Array.isArray(value)) return firstString(value[0]);
  return typeof value === 'string' ? value : undefined;
}

function languageCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  return /(?:^|;)\s*lang=([a-z]{2})\s*(?:;|$)/.exec(header)?.[1];
}

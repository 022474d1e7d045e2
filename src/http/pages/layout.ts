import type { Request } from 'express';
import { LOCALES } from '../../i18n/locale';
import { translatorFor, type Translator } from '../../i18n/translator';
import { html, type TrustedHtml } from '../html';
import { CSRF_FIELD } from './csrf';
import { safeReturnPath, type PageContext } from './page';

/**
 * What the layout needs of a page. `i18n` and `req` are optional in the type so that a caller
 * holding a narrower context still compiles; pages pass their whole PageContext, which has both
 * (without them: English, and the language links point at the site's start).
 */
export type LayoutContext = Pick<PageContext, 'accountId' | 'operator' | 'csrfToken'> & Partial<Pick<PageContext, 'i18n'>> & { req?: PageLocation };

/** Where the page is, for the language links: its method, path and (GET) query parameters. */
export type PageLocation = Pick<Request, 'method' | 'path' | 'query'>;

/** The document every page shares: header navigation, main content, the one script and stylesheet. */
export function layout(ctx: LayoutContext, title: string, main: TrustedHtml): TrustedHtml {
  const i18n = ctx.i18n ?? translatorFor('en');
  const { t } = i18n;
  const nav = ctx.accountId
    ? html`<a href="/donor">${t('common:nav.donor')}</a> <a href="/creator">${t('common:nav.creator')}</a> <a href="/account/mail">${t('common:nav.mail')}</a> <a href="/webhooks">${t('common:nav.webhooks')}</a> ${signOutForm(ctx.csrfToken, i18n)}`
    : html`<a href="/signin">${t('common:nav.signIn')}</a> <a href="/signup">${t('common:nav.signUp')}</a>`;
  const operatorLink = ctx.operator ? html` <a href="/operator">${t('common:nav.operator')}</a>` : html``;
  return html`<!doctype html>
<html lang="${i18n.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · kibble</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/kibble.css">
<script src="/static/kibble.js" defer></script>
</head>
<body>
<header class="top"><a class="brand" href="/">kibble</a><nav aria-label="${t('common:nav.main')}">${nav}${operatorLink}</nav>${languageSwitcher(i18n, ctx.req)}</header>
<main id="main">
<h1>${title}</h1>
${main}
</main>
<footer><p>${t('common:site.tagline')} <a href="/api/v1/openapi.json">${t('common:footer.api')}</a></p></footer>
</body>
</html>`;
}

export function csrfInput(token: string): TrustedHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

function signOutForm(token: string, i18n: Translator): TrustedHtml {
  return html`<form class="inline" method="post" action="/signout">${csrfInput(token)}<button type="submit">${i18n.t('common:nav.signOut')}</button></form>`;
}

/**
 * Plain links to the same page with `?lang=` (http/locale.ts remembers the choice in a cookie):
 * works without JavaScript. Each language is named in itself, marked with its own `lang`.
 */
function languageSwitcher(i18n: Translator, req: PageLocation | undefined): TrustedHtml {
  const links = LOCALES.map((locale) => {
    const name = i18n.t(`common:language.${locale}`);
    return locale === i18n.locale
      ? html`<a href="${sameLocation(req, locale)}" lang="${locale}" hreflang="${locale}" aria-current="true">${name}</a>`
      : html`<a href="${sameLocation(req, locale)}" lang="${locale}" hreflang="${locale}">${name}</a>`;
  });
  return html`<nav class="languages" aria-label="${i18n.t('common:language.label')}">${links}</nav>`;
}

/** This page's path and query (GET) with `lang` set; after a form (POST), the page's path alone. */
export function sameLocation(req: PageLocation | undefined, locale: string): string {
  // safeReturnPath: a path such as `//elsewhere.example` must not become a link to another site.
  if (req === undefined) return `/?lang=${locale}`;
  const query = new URLSearchParams();
  if (req.method === 'GET') {
    for (const [name, value] of Object.entries(req.query)) {
      if (name !== 'lang' && typeof value === 'string') query.append(name, value);
    }
  }
  query.set('lang', locale);
  return `${safeReturnPath(req.path, '/')}?${query.toString()}`;
}

/** A labelled input with its error (if any) right next to it, tied by aria-describedby. */
export function field(options: { name: string; label: string; value?: string; type?: string; error?: string; autocomplete?: string; required?: boolean; inputmode?: 'decimal' }): TrustedHtml {
  const id = `field-${options.name}`;
  const errorId = `${id}-error`;
  const error = options.error === undefined ? html`` : html`<p class="error" id="${errorId}" role="alert">${options.error}</p>`;
  const describedBy = options.error === undefined ? html`` : html` aria-describedby="${errorId}" aria-invalid="true"`;
  return html`<div class="field"><label for="${id}">${options.label}</label>
<input id="${id}" name="${options.name}" type="${options.type ?? 'text'}" value="${options.value ?? ''}"${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : html``}${options.inputmode ? html` inputmode="${options.inputmode}"` : html``}${options.required ? html` required` : html``}${describedBy}>
${error}</div>`;
}

/** A notice at the top of a page (after a form was accepted, or why it was not). */
export function notice(text: string | undefined, kind: 'ok' | 'error' = 'ok'): TrustedHtml {
  if (text === undefined || text === '') return html``;
  return html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;
}

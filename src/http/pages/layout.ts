import { html, type TrustedHtml } from '../html';
import { CSRF_FIELD } from './csrf';
import type { PageContext } from './page';

/** The document every page shares: header navigation, main content, the one script and stylesheet. */
export function layout(ctx: Pick<PageContext, 'accountId' | 'operator' | 'csrfToken'>, title: string, main: TrustedHtml): TrustedHtml {
  const nav = ctx.accountId
    ? html`<a href="/donor">Donor</a> <a href="/creator">Creator</a> ${signOutForm(ctx.csrfToken)}`
    : html`<a href="/signin">Sign in</a> <a href="/signup">Sign up</a>`;
  const operatorLink = ctx.operator ? html` <a href="/operator">Operator</a>` : html``;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · kibble</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/kibble.css">
<script src="/static/kibble.js" defer></script>
</head>
<body>
<header class="top"><a class="brand" href="/">kibble</a><nav aria-label="main">${nav}${operatorLink}</nav></header>
<main id="main">
<h1>${title}</h1>
${main}
</main>
<footer><p>kibble: monthly micro-donations. <a href="/api/v1/openapi.json">API</a></p></footer>
</body>
</html>`;
}

export function csrfInput(token: string): TrustedHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

function signOutForm(token: string): TrustedHtml {
  return html`<form class="inline" method="post" action="/signout">${csrfInput(token)}<button type="submit">Sign out</button></form>`;
}

/** A labelled input with its error (if any) right next to it, tied by aria-describedby. */
export function field(options: { name: string; label: string; value?: string; type?: string; error?: string; autocomplete?: string; required?: boolean }): TrustedHtml {
  const id = `field-${options.name}`;
  const errorId = `${id}-error`;
  const error = options.error === undefined ? html`` : html`<p class="error" id="${errorId}" role="alert">${options.error}</p>`;
  const describedBy = options.error === undefined ? html`` : html` aria-describedby="${errorId}" aria-invalid="true"`;
  return html`<div class="field"><label for="${id}">${options.label}</label>
<input id="${id}" name="${options.name}" type="${options.type ?? 'text'}" value="${options.value ?? ''}"${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : html``}${options.required ? html` required` : html``}${describedBy}>
${error}</div>`;
}

/** A notice at the top of a page (after a form was accepted, or why it was not). */
export function notice(text: string | undefined, kind: 'ok' | 'error' = 'ok'): TrustedHtml {
  if (text === undefined || text === '') return html``;
  return html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;
}

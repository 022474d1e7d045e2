/**
 * Server-rendered markup (the thing page, the SVG button). Every value that reaches a page goes
 * through `escapeHtml`; the `html` template does it for each interpolated value, so forgetting to
 * escape takes an explicit `trustedHtml(...)`, which only markup built here should ever pass.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  // &#39;, not &apos;: the same character in HTML 4, HTML 5 and XML alike.
  "'": '&#39;',
};

/**
 * Text as HTML or XML (SVG) content or a quoted attribute value. Not for unquoted attributes,
 * URLs in href (check the scheme first), or text inside <script> and <style>.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Markup that is already safe: the result of `html`, or a constant written in the source. */
export class TrustedHtml {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

export function trustedHtml(markup: string): TrustedHtml {
  return new TrustedHtml(markup);
}

export type HtmlValue = string | number | TrustedHtml | readonly TrustedHtml[];

/** A template whose interpolated strings and numbers are escaped; TrustedHtml is kept as it is. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): TrustedHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += markupOf(value) + (strings[index + 1] ?? '');
  });
  return new TrustedHtml(markup);
}

function markupOf(value: HtmlValue): string {
  if (value instanceof TrustedHtml) return value.markup;
  if (typeof value === 'number') return escapeHtml(String(value));
  if (typeof value === 'string') return escapeHtml(value);
  return value.map((part) => part.markup).join('');
}

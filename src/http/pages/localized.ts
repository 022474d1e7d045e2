import type { KibbleError } from '../../errors';
import { localizedErrorMessage } from '../../i18n/error-messages';
import type { MessageKey, Translator } from '../../i18n/translator';
import { parseCoins } from '../../money/amount';
import { escapeHtml, trustedHtml, TrustedHtml } from '../html';

/**
 * A message whose placeholders hold markup (a <code>, a link, an id'd <span>): the catalogue's
 * text and every plain value are escaped, the TrustedHtml values are kept as they are. Each
 * markup value travels through i18next as a token of control characters that escaping leaves
 * alone and no catalogue text or plain value contains, and is put back afterwards.
 */
export function htmlT(tr: Translator, key: MessageKey, vars: Readonly<Record<string, string | number | bigint | TrustedHtml>>): TrustedHtml {
  const markup = new Map<string, string>();
  const plain: Record<string, string | number | bigint> = {};
  for (const [name, value] of Object.entries(vars)) {
    if (value instanceof TrustedHtml) {
      const token = `\u0001${markup.size}\u0002`;
      markup.set(token, value.markup);
      plain[name] = token;
    } else {
      // A plain value cannot pose as a token (it would only ever pick another value's markup, but still).
      plain[name] = typeof value === 'string' ? value.replace(/[\u0001\u0002]/g, '') : value;
    }
  }
  const text = escapeHtml(tr.t(key, plain));
  return trustedHtml(text.replace(/\u0001[0-9]+\u0002/g, (token) => markup.get(token) ?? ''));
}

/** Above any chain's supply: the decimal strings read back here were written by formatCoins. */
const ANY_AMOUNT = 2n ** 63n - 1n;

/**
 * A decimal coin string of a JSON-ready view ("1234.5", as money/amount.ts's formatCoins writes
 * it) in the locale's conventions ("1,234.5 DOGE", "1 234,5 DOGE"), exactly: it is read back to
 * smallest units, never through a float.
 */
export function coinsText(tr: Translator, decimal: string, ticker?: string): string {
  const negative = decimal.startsWith('-');
  const units = parseCoins(negative ? decimal.slice(1) : decimal, { maxMoney: ANY_AMOUNT });
  return tr.formatAmount(negative ? -units : units, ticker === undefined ? {} : { ticker });
}

/**
 * A refusal for the operator, in the page's language: the code's message, and in other languages
 * than English the specific English one too (it names the exact month, state or transaction, which
 * an operator needs to act on; the catalogue has one message per code).
 */
export function operatorErrorText(tr: Translator, error: KibbleError): string {
  const localized = localizedErrorMessage(tr, error);
  return localized === error.message ? localized : `${localized} (${error.message})`;
}

import type { KibbleError } from '../../errors';
import { localizedErrorMessage } from '../../i18n/error-messages';
import type { Translator } from '../../i18n/translator';
import { parseCoins } from '../../money/amount';

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

import { KibbleError } from '../errors';
import { parseCoins, type AmountLimits } from '../money/amount';
import { decimalSeparator } from './format';
import type { Locale } from './locale';

/**
 * An amount typed into a form, in the reader's locale: French writes "10,5", so a comma is the
 * decimal sign there (a dot is accepted too: number pads type one). Spaces around the amount are
 * dropped; inside it (digit groups, "1 000") they are refused, as are digit group separators, with
 * the usual 'amount-invalid' whose localized message says to write the digits only. Everything else
 * is money/amount.ts's exact grammar. The JSON API does not use this: it stays strict ("10.5").
 */
export function parseLocalizedCoins(text: unknown, locale: Locale, limits: AmountLimits): bigint {
  if (typeof text !== 'string') return parseCoins(text, limits);
  const trimmed = text.trim();
  const separator = decimalSeparator(locale);
  if (separator === '.' || !trimmed.includes(separator)) return parseCoins(trimmed, limits);
  if (trimmed.includes('.') || trimmed.indexOf(separator) !== trimmed.lastIndexOf(separator)) {
    throw new KibbleError('amount-invalid', `amount has digit group separators; write "${separator}" once as the decimal sign and no other separator`);
  }
  return parseCoins(trimmed.replace(separator, '.'), limits);
}

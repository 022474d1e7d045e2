import { translatorFor } from '../../i18n/translator';
import { catalogueWords } from '../mail/templates';
import type { NotifyLocale } from './notify-deps';

/**
 * How a mail's data is written for its reader: amounts (every koinu, the locale's separators and
 * the chain's unit), dates and months in their language (the i18n core's Intl formatting), and the
 * lines of a list (a statement's creators) from the `mail` catalogue, like the mail's own words.
 */
export interface MailFormat {
  locale: NotifyLocale;
  amount(units: bigint): string;
  date(date: Date): string;
  period(period: string): string;
  /** One line of a list in a mail: the `mail` catalogue's `key` with its {{names}} filled in. */
  line(key: string, vars: Readonly<Record<string, string>>): string;
}

export function mailFormat(locale: NotifyLocale, ticker: string): MailFormat {
  const words = translatorFor(locale);
  return {
    locale,
    amount: (units) => words.formatAmount(units, { ticker }),
    date: (date) => words.formatDate(date, 'date'),
    period: (period) => words.formatPeriod(period),
    line: (key, vars) => {
      const raw = catalogueWords(locale, key);
      if (raw === undefined) throw new Error(`mail catalogue: no key "${key}"`);
      return raw.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, name: string) => {
        const value = vars[name];
        if (value === undefined) throw new Error(`mail line "${key}": no value for {{${name}}}`);
        return value;
      });
    },
  };
}

import { formatCoins } from '../../money/amount';
import type { NotifyLocale } from './notify-deps';

/** How a mail's data is written for its reader: amounts, dates and months in their locale. */
export interface MailFormat {
  locale: NotifyLocale;
  amount(units: bigint): string;
  date(date: Date): string;
  period(period: string): string;
  /** One line of a list in a mail (a catalogue key of the `mail` namespace). */
  line(key: string, vars: Readonly<Record<string, string>>): string;
}

export function mailFormat(locale: NotifyLocale, ticker: string): MailFormat {
  return {
    locale,
    amount: (units) => `${formatCoins(units)} ${ticker}`,
    date: (date) => date.toISOString().slice(0, 10),
    period: (period) => period,
    line: (key, vars) => `${key} ${JSON.stringify(vars)}`,
  };
}

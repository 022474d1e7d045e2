import { KibbleError } from '../../errors';
import { coinsForFiat, FIAT_DECIMALS, parseDecimal, parseFiatAmount, parseRate, type FiatAmount, type FiatCurrency } from '../../money/fiat';
import { donorAccount } from '../../money/ledger';
import { accountBalance } from '../ledger/balances';
import { fiatPriceOf, fiatValueOf, type FiatPrice } from '../prices/fiat-values';
import type { PriceService } from '../prices/prices';
import { fiatSettingsOf, findAccount, storeDisplayCurrency, storeFiatBudget } from './account-store';
import { forgetDonorFunds } from './donor-funds';

/**
 * A donor's budget in a fiat currency and the currency their values are shown in. The month
 * converts a fiat budget at the price when it is planned; the coin budget stored beside it is the
 * estimate at the price when it was set (what pages estimate a flattr's worth from meanwhile).
 */

export interface FiatBudgetResult {
  fiatBudget: FiatAmount;
  /** The budget in coins at the current price; null when no price could be had (the old estimate is kept). */
  estimate: bigint | null;
  price: FiatPrice;
}

export async function setFiatBudget(accountId: string, amountText: unknown, currency: unknown, prices: PriceService | undefined, now: Date): Promise<FiatBudgetResult> {
  const fiatBudget = parseFiatAmount(amountText, currency);
  const price = await fiatPriceOf(prices, fiatBudget.currency, now);
  const estimate = price.status === 'available'
    ? coinsForFiat(parseDecimal(fiatBudget.amount, 'budget', FIAT_DECIMALS), parseRate(price.rate, price.currency))
    : null;
  if (!(await storeFiatBudget(accountId, fiatBudget, estimate ?? undefined))) throw noSuchAccount();
  forgetDonorFunds(accountId);
  return { fiatBudget, estimate, price };
}

export async function setDisplayCurrency(accountId: string, currency: FiatCurrency): Promise<void> {
  if (!(await storeDisplayCurrency(accountId, currency))) throw noSuchAccount();
}

export interface DonorFiatView {
  /** The currency values are shown in: the donor's choice, else their fiat budget's, else the locale's. */
  currency: FiatCurrency;
  /** True when the donor chose it (else it is the default). */
  chosen: boolean;
  fiatBudget: FiatAmount | null;
  price: FiatPrice;
  /** Their balance and monthly budget (in coins) in `currency`; null without a price. */
  balance: string | null;
  monthlyBudget: string | null;
}

/** `asked`: a currency the caller names (the API's ?currency=), ahead of the donor's own choice. */
export async function donorFiatView(accountId: string, localeCurrency: FiatCurrency, prices: PriceService | undefined, now: Date, asked?: FiatCurrency): Promise<DonorFiatView> {
  const [settings, account, balance] = await Promise.all([fiatSettingsOf(accountId), findAccount(accountId), accountBalance(donorAccount(accountId))]);
  if (settings === null || account === null) throw noSuchAccount();
  const currency = asked ?? settings.currency ?? settings.fiatBudget?.currency ?? localeCurrency;
  const price = await fiatPriceOf(prices, currency, now);
  return {
    currency,
    chosen: settings.currency !== null,
    fiatBudget: settings.fiatBudget,
    price,
    balance: fiatValueOf(balance, price),
    monthlyBudget: fiatValueOf(account.monthlyBudget, price),
  };
}

/** The currency a signed-in donor sees values in (their choice, their fiat budget's, else the locale's). */
export async function displayCurrencyOf(accountId: string, localeCurrency: FiatCurrency): Promise<FiatCurrency> {
  const settings = await fiatSettingsOf(accountId);
  return settings?.currency ?? settings?.fiatBudget?.currency ?? localeCurrency;
}

function noSuchAccount(): KibbleError {
  return new KibbleError('not-found', 'this account no longer exists');
}

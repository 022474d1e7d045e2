import { isKibbleError, type KibbleError } from '../../errors';
import { localizedErrorMessage } from '../../i18n/error-messages';
import { decimalSeparator } from '../../i18n/format';
import { FIAT_CURRENCIES, FIAT_DECIMALS, isFiatCurrency, MAX_FIAT_BUDGET, type FiatCurrency, type FiatInputProblem } from '../../money/fiat';
import { displayCurrencyOf, donorFiatView, setDisplayCurrency, setFiatBudget, type DonorFiatView } from '../../services/accounts/fiat-settings';
import { currencyForLocale, fiatPriceOf, fiatValueOf, firstLanguage, type FiatPrice } from '../../services/prices/fiat-values';
import { html, type TrustedHtml } from '../html';
import { csrfInput, field, layout, notice } from './layout';
import { signInFirst, type PageContext, type PageResult, type PageRoute } from './page';

/**
 * Values in the donor's currency (issue 17, item 4): a short section on the donor page, the page
 * /donor/currency with the forms (a budget in a currency, the currency values are shown in), and
 * the lines the thing and statement pages add. Every value names its price's age; without a price
 * the pages say so and go on (never a broken page). Words: the `fiat` catalogue.
 */

export const fiatPages: PageRoute[] = [
  {
    method: 'get',
    path: '/donor/currency',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/donor/currency');
      return currencyPage(ctx, ctx.accountId, {});
    },
  },
  {
    method: 'post',
    path: '/donor/fiat-budget',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/donor/currency');
      const amount = ctx.form.amount ?? '';
      const currency = ctx.form.currency ?? '';
      try {
        await setFiatBudget(ctx.accountId, localizedDecimal(ctx, amount), currency, ctx.deps.prices, ctx.now);
      } catch (error) {
        if (!isKibbleError(error, 'validation-failed')) throw error;
        return currencyPage(ctx, ctx.accountId, { budget: { amount, currency, error: fiatInputErrorText(ctx, error) } }, 400);
      }
      return { redirect: `/donor/currency?saved=fiat-budget&currency=${encodeURIComponent(currency)}` };
    },
  },
  {
    method: 'post',
    path: '/donor/currency',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/donor/currency');
      const currency = ctx.form.currency;
      if (!isFiatCurrency(currency)) return currencyPage(ctx, ctx.accountId, { error: fiatProblemText(ctx, 'currency') }, 400);
      await setDisplayCurrency(ctx.accountId, currency);
      return { redirect: `/donor/currency?saved=currency&currency=${currency}` };
    },
  },
];

/** A refused fiat form in the reader's words, by what the parser found wrong (details.problem). */
function fiatInputErrorText(ctx: PageContext, error: KibbleError): string {
  const problem = error.details?.problem;
  return isFiatInputProblem(problem) ? fiatProblemText(ctx, problem) : localizedErrorMessage(ctx.i18n, error);
}

function fiatProblemText(ctx: PageContext, problem: FiatInputProblem): string {
  const { t, locale } = ctx.i18n;
  if (problem === 'currency') return t('fiat:invalid.currency', { currencies: FIAT_CURRENCIES.join(', ') });
  if (problem === 'too-many-decimals') return t('fiat:invalid.decimals', { max: FIAT_DECIMALS });
  if (problem === 'too-large') return t('fiat:invalid.maximum', { maximum: new Intl.NumberFormat(locale).format(MAX_FIAT_BUDGET) });
  return t('fiat:invalid.amount', { example: `12${decimalSeparator(locale)}50` });
}

const FIAT_INPUT_PROBLEMS: readonly string[] = ['not-decimal', 'too-many-decimals', 'too-large', 'currency'] satisfies FiatInputProblem[];
function isFiatInputProblem(value: unknown): value is FiatInputProblem {
  return typeof value === 'string' && FIAT_INPUT_PROBLEMS.includes(value);
}

/** The reader's default currency: their browser's region if it is in the page's language, else the language's. */
export function localeCurrency(ctx: PageContext): FiatCurrency {
  const browser = firstLanguage(ctx.req.headers['accept-language']);
  const sameLanguage = browser !== undefined && browser.toLowerCase().startsWith(ctx.i18n.locale);
  return currencyForLocale(sameLanguage ? browser : ctx.i18n.locale);
}

/** "12,50 €" in French, "€12.50" in English: the value is an exact decimal string, never a float. */
export function formatFiat(ctx: PageContext, value: string, currency: FiatCurrency): string {
  const format = new Intl.NumberFormat(ctx.i18n.locale, { style: 'currency', currency, minimumFractionDigits: currency === 'JPY' ? 0 : 2 });
  // Intl formats a decimal string exactly (NumberFormat v3); the cast is for TypeScript's older lib.
  return format.format(value as unknown as number);
}

export function ageText(ctx: PageContext, seconds: number): string {
  if (seconds < 120) return ctx.i18n.t('fiat:age.seconds', { count: seconds });
  if (seconds < 7200) return ctx.i18n.t('fiat:age.minutes', { count: Math.floor(seconds / 60) });
  return ctx.i18n.t('fiat:age.hours', { count: Math.floor(seconds / 3600) });
}

/** The price line: "1 DOGE = €0.12 (host, 3 min ago)" or why there is none. */
export function priceLine(ctx: PageContext, price: FiatPrice): TrustedHtml {
  if (price.status === 'unavailable') return html`<p id="fiat-price" class="notice" role="status">${price.configured ? ctx.i18n.t('fiat:price.unavailable', { currency: price.currency }) : ctx.i18n.t('fiat:price.notConfigured', { currency: price.currency })}</p>`;
  return html`<p id="fiat-price"${price.test ? html` class="test-prices"` : html``}>${priceText(ctx, price)}</p>`;
}

/** "1 DOGE = €0.12 (host, 3 min ago)"; on the embedded regtest stack, plainly its test prices. */
function priceText(ctx: PageContext, price: Extract<FiatPrice, { status: 'available' }>): string {
  const values = { ticker: ctx.deps.chain.ticker, rate: formatFiatRate(ctx, price.rate, price.currency), source: price.source, age: ageText(ctx, price.ageSeconds) };
  return ctx.i18n.t(price.test ? 'fiat:price.test' : 'fiat:price.available', values);
}

function formatFiatRate(ctx: PageContext, rate: string, currency: FiatCurrency): string {
  const digits = rate.split('.')[1]?.length ?? 0;
  return new Intl.NumberFormat(ctx.i18n.locale, { style: 'currency', currency, minimumFractionDigits: Math.min(Math.max(digits, 2), 20) }).format(rate as unknown as number);
}

/** "≈ €1.23" for `units` at the donor's currency's price, or "price unavailable". */
export function valueText(ctx: PageContext, units: bigint, price: FiatPrice): string {
  const value = fiatValueOf(units, price);
  return value === null ? ctx.i18n.t('fiat:value.unavailable') : ctx.i18n.t('fiat:value.approx', { value: formatFiat(ctx, value, price.currency) });
}

/** One line for another page (thing, statement): the value of `units` in the donor's currency, with its price and age. */
export async function fiatLine(ctx: PageContext, accountId: string, units: bigint, id: string, lead: 'fiat:thing.worth' | 'fiat:statement.value'): Promise<TrustedHtml> {
  const currency = await displayCurrencyOf(accountId, localeCurrency(ctx));
  const price = await fiatPriceOf(ctx.deps.prices, currency, ctx.now);
  if (price.status === 'unavailable') return html`<p id="${id}" class="fiat-value">${ctx.i18n.t('fiat:value.unavailableIn', { currency })}</p>`;
  const text = ctx.i18n.t(lead, { value: valueText(ctx, units, price) });
  return html`<p id="${id}" class="fiat-value">${text} <small>(${priceText(ctx, price)})</small></p>`;
}

/** The donor page's section: what the balance and budget are worth, how the budget is set, a link to change it. */
export async function fiatSection(ctx: PageContext, accountId: string, balance: bigint, monthlyBudget: bigint): Promise<TrustedHtml> {
  const view = await donorFiatView(accountId, localeCurrency(ctx), ctx.deps.prices, ctx.now);
  const { t } = ctx.i18n;
  const coins = ctx.i18n.formatAmount(monthlyBudget, { ticker: ctx.deps.chain.ticker });
  return html`<section aria-labelledby="fiat-heading">
<h2 id="fiat-heading">${t('fiat:section.heading')} (${view.currency})</h2>
${priceLine(ctx, view.price)}
${view.price.status === 'unavailable' ? html`` : html`<p id="fiat-balance">${t('fiat:balance.value', { value: valueText(ctx, balance, view.price) })}</p>
<p id="fiat-budget-value">${t('fiat:budget.value', { coins, value: valueText(ctx, monthlyBudget, view.price) })}</p>`}
${budgetModeLine(ctx, view)}
<p><a id="fiat-settings-link" href="/donor/currency">${t('fiat:form.budgetHeading')} / ${t('fiat:form.displayHeading')}</a></p>
</section>`;
}

function budgetModeLine(ctx: PageContext, view: DonorFiatView): TrustedHtml {
  if (view.fiatBudget === null) return html`<p id="fiat-budget-mode">${ctx.i18n.t('fiat:budget.coins', { ticker: ctx.deps.chain.ticker })}</p>`;
  const amount = formatFiat(ctx, view.fiatBudget.amount, view.fiatBudget.currency);
  return html`<p id="fiat-budget-mode">${ctx.i18n.t('fiat:budget.fiat', { currency: view.fiatBudget.currency, amount })}</p>`;
}

interface CurrencyPageState {
  budget?: { amount: string; currency: string; error: string };
  error?: string;
}

async function currencyPage(ctx: PageContext, accountId: string, state: CurrencyPageState, status = 200): Promise<PageResult> {
  const view = await donorFiatView(accountId, localeCurrency(ctx), ctx.deps.prices, ctx.now);
  const { t } = ctx.i18n;
  const budgetCurrency = state.budget?.currency ?? view.fiatBudget?.currency ?? view.currency;
  const amount = state.budget?.amount ?? (view.fiatBudget === null ? '' : view.fiatBudget.amount.replace('.', decimalSeparator(ctx.i18n.locale)));
  const main = html`${notice(savedText(ctx))}${notice(state.error, 'error')}
${priceLine(ctx, view.price)}
${budgetModeLine(ctx, view)}
<section aria-labelledby="fiat-budget-heading">
<h2 id="fiat-budget-heading">${t('fiat:form.budgetHeading')}</h2>
<form id="fiat-budget-form" method="post" action="/donor/fiat-budget" class="stack">${csrfInput(ctx.csrfToken)}
${currencySelect('fiat-budget-currency', t('fiat:form.currency'), budgetCurrency)}
${field({ name: 'amount', label: t('fiat:form.amount'), value: amount, required: true, ...(state.budget ? { error: state.budget.error } : {}) })}
<p><button type="submit">${t('fiat:form.saveBudget')}</button></p></form>
</section>
<section aria-labelledby="display-currency-heading">
<h2 id="display-currency-heading">${t('fiat:form.displayHeading')}</h2>
<form id="display-currency-form" method="post" action="/donor/currency" class="stack">${csrfInput(ctx.csrfToken)}
${currencySelect('display-currency', t('fiat:form.displayCurrency'), view.currency)}
<p><button type="submit" class="secondary">${t('fiat:form.saveDisplay')}</button></p></form>
</section>
<p><a href="/donor">${t('common:nav.donor')}</a></p>`;
  return { status, page: layout(ctx, `${t('fiat:section.heading')} (${view.currency})`, main) };
}

function currencySelect(id: string, label: string, selected: string): TrustedHtml {
  const options = FIAT_CURRENCIES.map((currency) => html`<option value="${currency}"${currency === selected ? html` selected` : html``}>${currency}</option>`);
  return html`<div class="field"><label for="${id}">${label}</label>
<select id="${id}" name="currency" required>${options}</select></div>`;
}

function savedText(ctx: PageContext): string | undefined {
  const currency = ctx.req.query.currency;
  if (!isFiatCurrency(currency)) return undefined;
  if (ctx.req.query.saved === 'fiat-budget') return ctx.i18n.t('fiat:saved.fiatBudget', { currency });
  if (ctx.req.query.saved === 'currency') return ctx.i18n.t('fiat:saved.currency', { currency });
  return undefined;
}

/** A form amount in the reader's locale ("12,50" in French) as the strict decimal the service takes. */
function localizedDecimal(ctx: PageContext, text: string): string {
  const trimmed = text.trim();
  const separator = decimalSeparator(ctx.i18n.locale);
  return separator !== '.' && trimmed.split(separator).length === 2 && !trimmed.includes('.') ? trimmed.replace(separator, '.') : trimmed;
}

import type { Translator } from '../i18n/translator';
import type { Payday } from '../services/paydays';
import { html, type TrustedHtml } from './html';
import { coinsText } from './pages/localized';

/**
 * The paydays as an Atom 1.0 feed (RFC 4287): the feed's id, title, updated, author and self
 * link; one entry per month with its id, title, updated, link to the month on /paydays and a
 * summary of the figures. Pure: the paydays, the public base URL and the reader's language in,
 * the XML out. The machine fields (ids, dates, links) are the same in every language; the
 * titles and summaries are in the translator's, amounts written the way it writes them.
 */
export function paydaysAtom(paydays: readonly Payday[], options: { baseUrl: string; now: Date; ticker: string; tr: Translator }): string {
  const { baseUrl, tr } = options;
  const updated = paydays[0]?.confirmedAt ?? options.now.toISOString();
  const entries = paydays.map((payday) => entry(payday, baseUrl, options.ticker, tr));
  return html`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${tr.locale}">
<id>${baseUrl}/paydays</id>
<title>${tr.t('paydays:feedTitle')}</title>
<subtitle>${tr.t('paydays:feedSubtitle')}</subtitle>
<updated>${updated}</updated>
<author><name>kibble</name><uri>${baseUrl}/</uri></author>
<link rel="self" type="application/atom+xml" href="${baseUrl}/paydays.atom"/>
<link rel="alternate" type="text/html" href="${baseUrl}/paydays"/>
${entries}
</feed>
`.markup;
}

function entry(payday: Payday, baseUrl: string, ticker: string, tr: Translator): TrustedHtml {
  const coins = (decimal: string): string => coinsText(tr, decimal, ticker);
  const none = tr.t('paydays:noRoot');
  const month = tr.formatPeriod(payday.period);
  const summary = tr.t('paydays:summary', {
    donors: tr.t('paydays:summaryDonors', { count: payday.donors }),
    flattrs: tr.t('paydays:summaryFlattrs', { count: payday.clicks }),
    charged: coins(payday.charged),
    paid: coins(payday.paid),
    creators: tr.t('paydays:summaryCreators', { count: payday.creatorsPaid }),
    carried: coins(payday.carried),
    returned: coins(payday.returned),
    serviceFee: coins(payday.serviceFee),
    networkFee: coins(payday.networkFee),
    txids: payday.txids.join(', ') || none,
    allocationRoot: payday.allocationRoot ?? none,
    reservesRoot: payday.reservesRoot ?? none,
  });
  return html`<entry>
<id>${baseUrl}/paydays#${payday.period}</id>
<title>${tr.t('paydays:entryTitle', { month, paid: coins(payday.paid), count: payday.creatorsPaid })}</title>
<updated>${payday.confirmedAt}</updated>
<link rel="alternate" type="text/html" href="${baseUrl}/paydays#${payday.period}"/>
<summary>${summary}</summary>
</entry>
`;
}

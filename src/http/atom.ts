import type { Payday } from '../services/paydays';
import { html, type TrustedHtml } from './html';

/**
 * The paydays as an Atom 1.0 feed (RFC 4287): the feed's id, title, updated, author and self
 * link; one entry per month with its id, title, updated, link to the month on /paydays and a
 * summary of the figures. Pure: the paydays and the public base URL in, the XML out.
 */
export function paydaysAtom(paydays: readonly Payday[], options: { baseUrl: string; now: Date; ticker: string }): string {
  const { baseUrl, ticker } = options;
  const updated = paydays[0]?.confirmedAt ?? options.now.toISOString();
  const entries = paydays.map((payday) => entry(payday, baseUrl, ticker));
  return html`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${baseUrl}/paydays</id>
<title>kibble paydays</title>
<subtitle>Each settled month: what donors gave, what creators were paid, the transactions and the proofs' roots.</subtitle>
<updated>${updated}</updated>
<author><name>kibble</name><uri>${baseUrl}/</uri></author>
<link rel="self" type="application/atom+xml" href="${baseUrl}/paydays.atom"/>
<link rel="alternate" type="text/html" href="${baseUrl}/paydays"/>
${entries}
</feed>
`.markup;
}

function entry(payday: Payday, baseUrl: string, ticker: string): TrustedHtml {
  const summary =
    `${payday.donors} donors, ${payday.clicks} flattrs: ${payday.charged} ${ticker} charged, ${payday.paid} ${ticker} paid to ${payday.creatorsPaid} creators, ` +
    `${payday.carried} ${ticker} carried, ${payday.returned} ${ticker} returned, service fee ${payday.serviceFee} ${ticker}, network fee ${payday.networkFee} ${ticker}. ` +
    `Transactions: ${payday.txids.join(', ') || 'none'}. Allocation root: ${payday.allocationRoot ?? 'none'}. Reserves root: ${payday.reservesRoot ?? 'none'}.`;
  return html`<entry>
<id>${baseUrl}/paydays#${payday.period}</id>
<title>Payday ${payday.period}: ${payday.paid} ${ticker} to ${String(payday.creatorsPaid)} creators</title>
<updated>${payday.confirmedAt}</updated>
<link rel="alternate" type="text/html" href="${baseUrl}/paydays#${payday.period}"/>
<summary>${summary}</summary>
</entry>
`;
}

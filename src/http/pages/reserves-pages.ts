import type { ChainProfile } from '../../chain/profiles';
import { isKibbleError } from '../../errors';
import type { Translator } from '../../i18n/translator';
import type { PublishedReserves } from '../../proofs/reserves-snapshot';
import { latestPublished, reservesProofFor, type ProofRole } from '../../services/reserves/reserves';
import { html, type TrustedHtml } from '../html';
import { layout } from './layout';
import { richText } from './rich-text';
import { signInFirst, type PageRoute } from './page';

/**
 * The public proof-of-reserves page (/reserves): the latest snapshot's totals, the coverage, the
 * outputs with links to their transactions, what it proves and what it does not; and the signed-in
 * user's own inclusion proof as a download (/reserves/my-proof.json), linked from the donor and
 * creator pages.
 */

export const reservesPages: PageRoute[] = [
  {
    method: 'get',
    path: '/reserves',
    handler: async (ctx) => {
      const published = await latestOrNull();
      const tr = ctx.i18n;
      const main = published === null ? html`<p id="no-reserves">${tr.t('reserves:none')}</p>` : reservesMain(published, ctx.deps.chain, tr);
      return { page: layout(ctx, tr.t('reserves:title'), main) };
    },
  },
  {
    method: 'get',
    path: '/reserves/my-proof.json',
    handler: async (ctx) => {
      if (ctx.accountId === undefined) return signInFirst('/reserves');
      const as = ctx.req.query.as;
      const role: ProofRole | undefined = as === 'donor' || as === 'creator' ? as : undefined;
      const proof = await reservesProofFor(ctx.accountId, role === undefined ? {} : { role });
      return { download: { filename: `kibble-reserves-proof-${proof.snapshot}.json`, contentType: 'application/json', body: `${JSON.stringify(proof, null, 2)}\n` } };
    },
  },
];

async function latestOrNull(): Promise<PublishedReserves | null> {
  try {
    return await latestPublished();
  } catch (error) {
    if (isKibbleError(error, 'not-found')) return null;
    throw error;
  }
}

/** Shown on the donor and creator pages: the download of one's own proof, in the page's words (English when not given). */
export function myReservesProofSection(role: ProofRole, tr: Translator): TrustedHtml {
  return html`<section id="reserves-proof" aria-labelledby="reserves-proof-heading">
<h2 id="reserves-proof-heading">${tr.t('reserves:myProofHeading')}</h2>
<p>${tr.t('reserves:myProofText')}</p>
<p><a id="reserves-proof-download" href="/reserves/my-proof.json?as=${role}" download>${tr.t('reserves:myProofLink')}</a> · <a href="/reserves">${tr.t('reserves:reservesLink')}</a></p>
</section>`;
}

const OUTPUTS_SHOWN = 200;

function reservesMain(published: PublishedReserves, chain: ChainProfile, tr: Translator): TrustedHtml {
  const owed = BigInt(published.liabilities.total);
  const held = BigInt(published.outputsTotal);
  // Rounded down to 1/100 of a percent in bigint, then shown as the locale writes percentages.
  const coverage = owed === 0n ? tr.t('reserves:nothingOwed') : tr.formatNumber(Number((held * 10_000n) / owed) / 10_000, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const rows = published.outputs.slice(0, OUTPUTS_SHOWN).map(
    (output) =>
      html`<tr><td>${txLink(chain, output.txid)}</td><td class="num">${output.vout}</td><td><code>${output.address}</code></td><td class="num">${tr.formatAmount(BigInt(output.amount))}</td><td class="num">${output.height}</td></tr>`,
  );
  const more = published.outputs.length - OUTPUTS_SHOWN;
  const ticker = chain.ticker;
  const takenAt = new Date(published.takenAt);
  return html`<dl class="cards">
<div class="card"><dt>${tr.t('reserves:owed')}</dt><dd><span id="liabilities-total">${tr.formatAmount(owed)}</span> ${ticker}</dd></div>
<div class="card"><dt>${tr.t('reserves:held')}</dt><dd><span id="outputs-total">${tr.formatAmount(held)}</span> ${ticker}</dd></div>
<div class="card"><dt>${tr.t('reserves:coverage')}</dt><dd><span id="coverage">${coverage}</span></dd></div>
</dl>
<p>${richText(tr, 'reserves:snapshotLine', { height: published.height, takenAt: Number.isNaN(takenAt.getTime()) ? published.takenAt : tr.formatDate(takenAt, 'dateTime') }, { snapshot: html`<strong id="snapshot-id">${published.snapshot}</strong>` })}</p>
<p>${tr.t('reserves:rootLine', { count: published.liabilities.leafCount })} <code id="liabilities-root">${published.liabilities.root}</code></p>
<p><a href="/api/v1/reserves?snapshot=${published.snapshot}" download>${tr.t('reserves:download')}</a></p>
<section aria-labelledby="outputs-heading">
<h2 id="outputs-heading">${tr.t('reserves:outputsHeading')}</h2>
<div class="table-wrap" tabindex="0"><table id="reserves-outputs">
<caption>${tr.t('reserves:outputsCaption')}</caption>
<thead><tr><th scope="col">${tr.t('reserves:txid')}</th><th scope="col" class="num">${tr.t('reserves:vout')}</th><th scope="col">${tr.t('reserves:address')}</th><th scope="col" class="num">${tr.t('reserves:amountIn', { ticker })}</th><th scope="col" class="num">${tr.t('reserves:outputHeight')}</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
${more > 0 ? html`<p>${tr.t('reserves:moreOutputs', { count: more })}</p>` : html``}
</section>
<section aria-labelledby="proves-heading">
<h2 id="proves-heading">${tr.t('reserves:provesHeading')}</h2>
<p>${tr.t('reserves:provesTree')}</p>
<p>${tr.t('reserves:provesOwn')} <code>npx kibble verify-reserves &lt;snapshot.json&gt; --rpc &lt;node URL&gt; [--proof my-proof.json]</code></p>
<ul>
<li>${tr.t('reserves:provesNotKeys')}</li>
<li>${tr.t('reserves:provesNotLeftOut')}</li>
<li>${tr.t('reserves:provesNotBorrowed')}</li>
</ul>
<p>${tr.t('reserves:verifyLink')}</p>
</section>`;
}

/** Public explorers for public chains; test chains have none, the txid is shown as text. */
const EXPLORERS: Readonly<Record<string, string>> = {
  dogecoin: 'https://blockchair.com/dogecoin/transaction/',
  litecoin: 'https://blockchair.com/litecoin/transaction/',
};

export function txLink(chain: ChainProfile, txid: string): TrustedHtml {
  const base = EXPLORERS[chain.name];
  return base === undefined ? html`<code>${txid}</code>` : html`<a href="${base}${txid}" rel="noopener"><code>${txid}</code></a>`;
}

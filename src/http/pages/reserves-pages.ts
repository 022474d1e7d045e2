import type { ChainProfile } from '../../chain/profiles';
import { isKibbleError } from '../../errors';
import { formatCoins } from '../../money/amount';
import type { PublishedReserves } from '../../proofs/reserves-snapshot';
import { latestPublished, reservesProofFor, type ProofRole } from '../../services/reserves/reserves';
import { html, type TrustedHtml } from '../html';
import { layout } from './layout';
import { signInFirst, type PageRoute } from './page';

/**
 * The public proof-of-reserves page (/reserves): the latest snapshot's totals, the coverage, the
 * outputs with links to their transactions, what it proves and what it does not; and the signed-in
 * user's own inclusion proof as a download (/reserves/my-proof.json), linked from the donor and
 * creator pages.
 */

const WORDS = {
  title: 'Proof of reserves',
  none: 'No proof of reserves has been published yet. One is published after each settled month.',
  snapshot: 'Snapshot',
  height: 'Block height',
  takenAt: 'Taken at',
  owed: 'Owed to users (liabilities)',
  held: 'Held on chain (unspent outputs)',
  coverage: 'Coverage',
  nothingOwed: 'nothing owed',
  root: 'Liabilities root',
  leaves: 'leaves',
  download: 'Download this snapshot (JSON)',
  outputsHeading: 'The unspent outputs',
  outputsCaption: 'Unspent outputs of the service at the snapshot height',
  txid: 'Transaction',
  vout: 'Output',
  address: 'Address',
  amount: 'Amount',
  outputHeight: 'Block',
  moreOutputs: (more: number) => `${more} more outputs are in the JSON document.`,
  provesHeading: 'What it proves, and what it does not',
  proves: [
    'The liabilities are a Merkle-sum tree of every donor balance, every amount owed to a creator and the service fee not yet paid out, each leaf salted so that nobody learns anyone else\'s amount. Its root and total are above.',
    'Your own proof (on your donor or creator page) shows that your balance is one of the leaves and counts in the total. Anyone can check that the listed outputs were unspent on chain at that height and total at least the liabilities: `npx kibble verify-reserves <snapshot.json> --rpc <node URL> [--proof my-proof.json]`.',
  ],
  provesNot: [
    'Without address signatures (listed in the JSON document when the snapshot was published with the wallet key), it cannot show that kibble controls the keys of these outputs.',
    'It cannot show that no liability was left out: a user left out of the tree finds out only by checking their own proof.',
    'It cannot show that the coins were not borrowed for the moment of the snapshot, or that another service does not count the same outputs.',
  ],
  verifyLink: 'How the tree is built: docs/proofs.md in the source.',
  myProofHeading: 'Proof of reserves',
  myProofText: 'Download your inclusion proof in the latest proof of reserves, and check it against the published snapshot yourself.',
  myProofLink: 'Download my proof (JSON)',
  reservesLink: 'See the proof of reserves',
} as const;

export const reservesPages: PageRoute[] = [
  {
    method: 'get',
    path: '/reserves',
    handler: async (ctx) => {
      const published = await latestOrNull();
      const main = published === null ? html`<p id="no-reserves">${WORDS.none}</p>` : reservesMain(published, ctx.deps.chain);
      return { page: layout(ctx, WORDS.title, main) };
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

/** Shown on the donor and creator pages: the download of one's own proof. */
export function myReservesProofSection(role: ProofRole): TrustedHtml {
  return html`<section id="reserves-proof" aria-labelledby="reserves-proof-heading">
<h2 id="reserves-proof-heading">${WORDS.myProofHeading}</h2>
<p>${WORDS.myProofText}</p>
<p><a id="reserves-proof-download" href="/reserves/my-proof.json?as=${role}" download>${WORDS.myProofLink}</a> · <a href="/reserves">${WORDS.reservesLink}</a></p>
</section>`;
}

const OUTPUTS_SHOWN = 200;

function reservesMain(published: PublishedReserves, chain: ChainProfile): TrustedHtml {
  const owed = BigInt(published.liabilities.total);
  const held = BigInt(published.outputsTotal);
  const coverage = owed === 0n ? WORDS.nothingOwed : `${(Number((held * 10_000n) / owed) / 100).toFixed(2)}%`;
  const rows = published.outputs.slice(0, OUTPUTS_SHOWN).map(
    (output) =>
      html`<tr><td>${txLink(chain, output.txid)}</td><td class="num">${output.vout}</td><td><code>${output.address}</code></td><td class="num">${formatCoins(BigInt(output.amount))}</td><td class="num">${output.height}</td></tr>`,
  );
  const more = published.outputs.length - OUTPUTS_SHOWN;
  const ticker = chain.ticker;
  return html`<dl class="cards">
<div class="card"><dt>${WORDS.owed}</dt><dd><span id="liabilities-total">${formatCoins(owed)}</span> ${ticker}</dd></div>
<div class="card"><dt>${WORDS.held}</dt><dd><span id="outputs-total">${formatCoins(held)}</span> ${ticker}</dd></div>
<div class="card"><dt>${WORDS.coverage}</dt><dd><span id="coverage">${coverage}</span></dd></div>
</dl>
<p>${WORDS.snapshot} <strong id="snapshot-id">${published.snapshot}</strong>, ${WORDS.height} ${published.height}, ${WORDS.takenAt} ${published.takenAt}.</p>
<p>${WORDS.root} (${published.liabilities.leafCount} ${WORDS.leaves}): <code id="liabilities-root">${published.liabilities.root}</code></p>
<p><a href="/api/v1/reserves?snapshot=${published.snapshot}" download>${WORDS.download}</a></p>
<section aria-labelledby="outputs-heading">
<h2 id="outputs-heading">${WORDS.outputsHeading}</h2>
<div class="table-wrap" tabindex="0"><table id="reserves-outputs">
<caption>${WORDS.outputsCaption}</caption>
<thead><tr><th scope="col">${WORDS.txid}</th><th scope="col" class="num">${WORDS.vout}</th><th scope="col">${WORDS.address}</th><th scope="col" class="num">${WORDS.amount} (${ticker})</th><th scope="col" class="num">${WORDS.outputHeight}</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
${more > 0 ? html`<p>${WORDS.moreOutputs(more)}</p>` : html``}
</section>
<section aria-labelledby="proves-heading">
<h2 id="proves-heading">${WORDS.provesHeading}</h2>
${WORDS.proves.map((text) => html`<p>${text}</p>`)}
<ul>${WORDS.provesNot.map((text) => html`<li>${text}</li>`)}</ul>
<p>${WORDS.verifyLink}</p>
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

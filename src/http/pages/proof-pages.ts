import { KibbleError } from '../../errors';
import type { Translator } from '../../i18n/translator';
import { PERIOD_PATTERN } from '../../money/period';
import { allocationProofFor } from '../../services/settlement/allocation-proofs';
import { committedPeriods } from '../../services/settlement/settlement-store';
import { tipOrUndefined } from '../chain-tip';
import { html, type TrustedHtml } from '../html';
import { proofFilename } from '../routes/proofs';
import { signInFirst, type PageRoute } from './page';

/**
 * The "download proof" link of the donor and creator pages: the same proof as
 * GET /api/v1/me/proofs/:period, for the signed-in visitor (their cookie session), as a file.
 */
export const proofPages: PageRoute[] = [
  {
    method: 'get',
    path: '/proofs/:period',
    handler: async (ctx) => {
      const period = String(ctx.req.params.period);
      if (ctx.accountId === undefined) return signInFirst('/donor');
      if (!PERIOD_PATTERN.test(period)) throw new KibbleError('period-invalid', "a month is written 'YYYY-MM'");
      const proof = await allocationProofFor(period, ctx.accountId, { tip: await tipOrUndefined(ctx.deps, 'a proof') });
      return { download: { contentType: 'application/json', filename: proofFilename(period), body: JSON.stringify(proof) } };
    },
  },
];

/** The months whose allocation root is on chain (a proof can be downloaded for them). */
export async function provableMonths(): Promise<ReadonlySet<string>> {
  return committedPeriods();
}

/**
 * The download link of a month, or a short note while it has no proof, in the words of `tr`
 * (the page's locale; English when not given).
 */
export function proofLink(period: string, provable: ReadonlySet<string>, tr: Translator): TrustedHtml {
  if (!provable.has(period)) return html`${tr.t('proofs:notCommitted')}`;
  return html`<a class="proof-link" href="/proofs/${period}" download="${proofFilename(period)}" aria-label="${tr.t('proofs:label', { month: period })}">${tr.t('proofs:download')}</a>`;
}

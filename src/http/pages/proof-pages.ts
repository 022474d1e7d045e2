import { KibbleError } from '../../errors';
import { PERIOD_PATTERN } from '../../money/period';
import { allocationProofFor } from '../../services/settlement/allocation-proofs';
import { committedPeriods } from '../../services/settlement/settlement-store';
import { tipOrUndefined } from '../chain-tip';
import { html, type TrustedHtml } from '../html';
import { proofFilename } from '../routes/proofs';
import { signInFirst, type PageRoute } from './page';

/** The words of the proof links, in one place (French comes through the i18n catalogue later). */
export const PROOF_WORDS = {
  download: 'Download proof',
  /** The link's accessible name: it begins with the visible words, which speech input users say to follow it. */
  label: (period: string) => `Download proof of your ${period} allocations (JSON, check it with kibble verify-proof)`,
  notCommitted: 'no proof yet',
} as const;

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

/** The download link of a month, or a short note while it has no proof. */
export function proofLink(period: string, provable: ReadonlySet<string>): TrustedHtml {
  if (!provable.has(period)) return html`${PROOF_WORDS.notCommitted}`;
  return html`<a class="proof-link" href="/proofs/${period}" download="${proofFilename(period)}" aria-label="${PROOF_WORDS.label(period)}">${PROOF_WORDS.download}</a>`;
}

import type { ChainProfile } from '../chain/profiles';
import { KibbleError } from '../errors';
import type { Signer } from './hd-signer';
import { parsePlanSummary } from './plan-summary';
import type { SigningLimits } from './policy';
import { readPsbt } from './psbt';
import { checkAndSign, type SignedPsbt } from './psbt-signer';
import type { SignedLog } from './signed-log';

/**
 * One signing request from start to answer, the same for `kibble signer` (over its socket) and
 * `kibble sign` (offline files): read the summary and PSBTs, check them against the policy and the
 * signed log, sign, log (fsynced), answer. Synchronous from reading to logging, so two requests
 * never interleave between the ceiling check and the log write.
 */

export interface SigningAnswer {
  period: string;
  /** Signed before: the answer is the logged bytes. */
  repeat: boolean;
  transactions: SignedPsbt[];
}

export const MAX_PSBTS_PER_REQUEST = 10_000;

export class SigningDesk {
  constructor(
    private readonly chain: ChainProfile,
    private readonly signer: Signer,
    private readonly log: SignedLog,
    private readonly limits: SigningLimits,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The account xpub and chain, so a service can check it talks to the signer of its wallet. */
  identity(): { chain: string; accountXpub: string } {
    return { chain: this.chain.name, accountXpub: this.signer.accountXpub() };
  }

  sign(summaryValue: unknown, psbtValues: unknown): SigningAnswer {
    const summary = parsePlanSummary(this.chain, summaryValue);
    if (!Array.isArray(psbtValues) || psbtValues.length === 0 || psbtValues.length > MAX_PSBTS_PER_REQUEST || !psbtValues.every((p) => typeof p === 'string')) {
      throw new KibbleError('psbt-invalid', `psbts must be a list of 1 to ${MAX_PSBTS_PER_REQUEST} base64 strings`);
    }
    const psbts = (psbtValues).map((text, i) => readPsbt(this.chain, text, `PSBT ${i}`));
    const now = this.clock();
    const { checked, signed } = checkAndSign(this.chain, this.signer, summary, psbts, this.limits, this.log.historyFor(summary.period, now));
    if (checked.repeat) {
      const logged = new Map(this.log.entryFor(summary.period)?.transactions.map((tx) => [tx.unsignedTxid, tx]));
      // RFC 6979: signing again gives the same bytes; anything else is a broken signer, not an answer.
      for (const tx of signed) {
        if (logged.get(tx.unsignedTxid)?.raw !== tx.raw) throw new KibbleError('internal', `signing ${tx.unsignedTxid} again did not give the logged bytes`);
      }
      return { period: summary.period, repeat: true, transactions: signed };
    }
    this.log.append({
      period: summary.period,
      signedAt: now,
      outgoing: checked.outgoing,
      transactions: signed.map(({ unsignedTxid, txid, raw }) => ({ unsignedTxid, txid, raw })),
    });
    return { period: summary.period, repeat: false, transactions: signed };
  }
}

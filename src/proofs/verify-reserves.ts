import type { ChainProfile } from '../chain/profiles';
import { verifySignedMessage } from '../chain/signed-message';
import { KibbleError } from '../errors';
import { parseDocument } from './document';
import { publishedReservesSchema, reservesSignedMessage, type PublishedReserves } from './reserves-snapshot';
import { verifyReservesProof, type ProvenLiability } from './reserves-proof';

/**
 * The checks of `kibble verify-reserves` as plain data in, a verdict out (docs/proofs.md,
 * "Reserves publication"). The CLI asks the node about each listed output and passes the findings
 * here: an output counts when it is unspent now (or, checking the snapshot at its height, when it
 * was spent only in a later block); then the counted outputs must cover the liabilities' total, and a
 * user's proof must lead to the published root and total.
 */

/** What the chain says about one listed output. */
export type OutputFinding =
  /** `gettxout` answers: unspent now; `matches` when its value and script are the listed ones. */
  | { status: 'unspent'; matches: boolean }
  /** Spent, but in a block above the snapshot's height: it was unspent at that height. */
  | { status: 'spent-later'; spentAt: number }
  /** Spent at or before the snapshot's height (spentAt when known), or not in the chain at all. */
  | { status: 'spent'; spentAt?: number }
  | { status: 'missing' };

export interface ReservesProblem {
  reason: 'output-spent' | 'output-missing' | 'output-mismatch' | 'outputs-short' | 'proof-mismatch' | 'snapshot-mismatch' | 'signature-invalid';
  message: string;
}

export interface ReservesVerdictReport {
  valid: boolean;
  snapshot: string;
  height: number;
  liabilitiesTotal: bigint;
  /** The listed outputs that passed, and their total. */
  countedOutputs: number;
  countedTotal: bigint;
  /** Outputs that counted because they were unspent at the snapshot's height, though spent since. */
  spentLater: string[];
  problems: ReservesProblem[];
  /** Distinct addresses of the listed outputs, and how many of them carry a valid signature. */
  addresses: number;
  addressesSigned: number;
  /** The user's leaf, when a proof was given and verified. */
  proves?: ProvenLiability;
}

/** The published document, parsed; a malformed one is reserves-invalid (the CLI's exit 2). */
export function parsePublishedReserves(json: unknown): PublishedReserves {
  const published = parseDocument(publishedReservesSchema, json, { code: 'reserves-invalid', kind: 'reserves document', whole: 'the document' });
  const listed = published.outputs.reduce((sum, output) => sum + BigInt(output.amount), 0n);
  if (listed.toString() !== published.outputsTotal) {
    throw new KibbleError('reserves-invalid', `the outputs listed sum to ${listed}, the document states ${published.outputsTotal}`);
  }
  return published;
}

export const outpointOf = (output: { txid: string; vout: number }): string => `${output.txid}:${output.vout}`;

/**
 * `atHeight`: judge the snapshot at its own height (an output spent in a later block still counts);
 * without it, only outputs unspent now count: the reserves as they stand today.
 */
export function checkReserves(
  published: PublishedReserves,
  findings: ReadonlyMap<string, OutputFinding>,
  proofJson?: unknown,
  options: { atHeight?: boolean; chain?: ChainProfile } = {},
): ReservesVerdictReport {
  const problems: ReservesProblem[] = [];
  const spentLater: string[] = [];
  let countedOutputs = 0;
  let countedTotal = 0n;
  for (const output of published.outputs) {
    const outpoint = outpointOf(output);
    const finding = findings.get(outpoint) ?? { status: 'missing' };
    if (finding.status === 'unspent' && !finding.matches) {
      problems.push({ reason: 'output-mismatch', message: `output ${outpoint} is unspent but its value or address is not the listed ${output.amount} to ${output.address}` });
      continue;
    }
    if (finding.status === 'spent') {
      const when = finding.spentAt === undefined ? 'at or before' : `at height ${finding.spentAt}, at or before`;
      problems.push({ reason: 'output-spent', message: `output ${outpoint} (${output.amount} units) was spent ${when} the snapshot's height ${published.height}` });
      continue;
    }
    if (finding.status === 'missing') {
      problems.push({ reason: 'output-missing', message: `output ${outpoint} (${output.amount} units) is neither unspent nor found in the block at its stated height ${output.height}` });
      continue;
    }
    if (finding.status === 'spent-later') {
      if (options.atHeight !== true) {
        problems.push({ reason: 'output-spent', message: `output ${outpoint} (${output.amount} units) was spent at height ${finding.spentAt}, after the snapshot's height ${published.height}: it counted then, not now (--at-height checks the snapshot at its height)` });
        continue;
      }
      spentLater.push(outpoint);
    }
    countedOutputs += 1;
    countedTotal += BigInt(output.amount);
  }
  const liabilitiesTotal = BigInt(published.liabilities.total);
  if (countedTotal < liabilitiesTotal) {
    problems.push({ reason: 'outputs-short', message: `the outputs that check out total ${countedTotal} units, less than the liabilities' ${liabilitiesTotal}: short by ${liabilitiesTotal - countedTotal}` });
  }
  const addresses = new Set(published.outputs.map((output) => output.address));
  const signed = checkSignatures(published, options.chain, problems);
  const addressesSigned = [...addresses].filter((address) => signed.has(address)).length;
  const report: ReservesVerdictReport = { valid: false, snapshot: published.snapshot, height: published.height, liabilitiesTotal, countedOutputs, countedTotal, spentLater, problems, addresses: addresses.size, addressesSigned };
  if (proofJson !== undefined) {
    const verdict = verifyReservesProof(proofJson, { root: published.liabilities.root, total: liabilitiesTotal });
    if (!verdict.valid) problems.push({ reason: 'proof-mismatch', message: `your proof does not verify (${verdict.reason}): ${verdict.message}` });
    else if (verdict.proves.snapshot !== published.snapshot) problems.push({ reason: 'snapshot-mismatch', message: `your proof is for snapshot ${verdict.proves.snapshot}, the document is ${published.snapshot}` });
    else report.proves = verdict.proves;
  }
  report.valid = problems.length === 0;
  return report;
}

/** Every signature must sign this snapshot's message with its address's key; returns the addresses that do. */
function checkSignatures(published: PublishedReserves, chain: ChainProfile | undefined, problems: ReservesProblem[]): Set<string> {
  const signed = new Set<string>();
  if (published.signatures.length === 0) return signed;
  const expected = reservesSignedMessage(published.snapshot, published.liabilities.root);
  for (const { address, message, signature } of published.signatures) {
    if (message !== expected) problems.push({ reason: 'signature-invalid', message: `the signature of ${address} is of another message (${JSON.stringify(message)}), not this snapshot's` });
    else if (chain === undefined || !verifySignedMessage(chain, address, message, signature)) problems.push({ reason: 'signature-invalid', message: `the signature of ${address} does not verify with that address's key` });
    else signed.add(address);
  }
  return signed;
}

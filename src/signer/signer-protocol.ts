/**
 * The wire between the service and `kibble signer` (docs/signer.md): HTTP/1.1 over a Unix
 * socket, JSON bodies, kibble's one error format. Kept in one file so both ends agree.
 */

export const SIGN_PATH = '/v1/sign';
export const IDENTITY_PATH = '/v1/identity';
/** PSBTs carry whole previous transactions: a large month is megabytes. */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

export interface SignRequestBody {
  /** The plan summary as planSummaryToJson writes it (parsed). */
  summary: unknown;
  /** Base64 PSBTs, in the plan's transaction order. */
  psbts: string[];
}

export interface SignResponseBody {
  period: string;
  repeat: boolean;
  transactions: { unsignedTxid: string; txid: string; raw: string; psbt: string; fee: string }[];
}

/** `unix:/absolute/path.sock`: the only form SIGNER_URL takes. */
export function socketPathOf(url: string): string | undefined {
  const match = /^unix:(\/.+)$/.exec(url);
  return match?.[1];
}

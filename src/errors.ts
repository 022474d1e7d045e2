/**
 * The one catalogue of error codes. Every failure that reaches a user (HTTP, CLI, logs) carries one
 * of these stable kebab-case codes; the HTTP layer maps them to statuses in one place.
 */
export const ERROR_CATALOGUE = {
  'config-invalid': { httpStatus: 500 },
  'amount-invalid': { httpStatus: 400 },
  'amount-too-precise': { httpStatus: 400 },
  'amount-too-large': { httpStatus: 400 },
  'period-invalid': { httpStatus: 400 },
  'address-invalid': { httpStatus: 400 },
  'chain-unknown': { httpStatus: 400 },
  'key-invalid': { httpStatus: 400 },
  'derivation-index-invalid': { httpStatus: 400 },
  'block-invalid': { httpStatus: 400 },
  'validation-failed': { httpStatus: 400 },
  'ledger-unbalanced': { httpStatus: 500 },
  /** Closing balances that disagree with the entries, or ledger books closed out of order. */
  'ledger-inconsistent': { httpStatus: 500 },
  'unauthorized': { httpStatus: 401 },
  'forbidden': { httpStatus: 403 },
  'own-thing': { httpStatus: 403 },
  'not-found': { httpStatus: 404 },
  'handle-taken': { httpStatus: 409 },
  'thing-exists': { httpStatus: 409 },
  'already-flattred': { httpStatus: 409 },
  'already-subscribed': { httpStatus: 409 },
  'payload-too-large': { httpStatus: 413 },
  'rate-limited': { httpStatus: 429 },
  conflict: { httpStatus: 409 },
  'rpc-unreachable': { httpStatus: 503 },
  'rpc-error': { httpStatus: 502 },
  /** The stored chain and the node's share no block down to the lowest height kibble knows. */
  'reorg-too-deep': { httpStatus: 500 },
  /** The service's confirmed unspent outputs do not cover what a settlement must pay. */
  'insufficient-funds': { httpStatus: 409 },
  /** A settlement step refused to go on (an invariant failed, an earlier period is unsettled...). */
  'settlement-refused': { httpStatus: 409 },
  /** The node refused a transaction kibble built (or did not take it into its mempool). */
  'broadcast-rejected': { httpStatus: 502 },
  /** The settlement lease is held by another instance. */
  'lease-held': { httpStatus: 409 },
  /** Data that cannot go into a proof tree: a negative amount, a duplicate leaf, an inconsistent node. */
  'tree-invalid': { httpStatus: 400 },
  /** A proof document that does not follow docs/proofs.md (not JSON, a missing field, bad hex...). */
  'proof-invalid': { httpStatus: 400 },
  /** A well-formed proof that does not lead to what it claims (details.reason says where it breaks). */
  'proof-mismatch': { httpStatus: 400 },
  /** Bytes that are not one whole serialized transaction. */
  'transaction-invalid': { httpStatus: 400 },
  /** The transaction carries no kibble commitment (no OP_RETURN output with the kibble tag). */
  'commitment-missing': { httpStatus: 400 },
  /** An OP_RETURN output with the kibble tag that is not a well-formed commitment, or two of them. */
  'commitment-invalid': { httpStatus: 400 },
  /** Mining and test coins exist only on the embedded regtest stack (its own node), never elsewhere. */
  'dev-chain-only': { httpStatus: 403 },
  internal: { httpStatus: 500 },
  /** The signer refused a request (details.reason names the rule: docs/signer.md lists them). */
  'signing-refused': { httpStatus: 409 },
  /** A PSBT or plan summary that cannot be read (not base64, not BIP174, a wrong version...). */
  'psbt-invalid': { httpStatus: 400 },
  /** SIGNER_URL's signer did not answer (not running, or died mid-answer): retry the step. */
  'signer-unreachable': { httpStatus: 503 },
  /** The signed-in account has no allocation in that month (or the month has none). */
  'proof-not-found': { httpStatus: 404 },
  /** The month's allocations are not (yet) committed on chain: not settled or signed yet, or nothing was paid on chain. */
  'proof-not-committed': { httpStatus: 409 },
  /** A payday snapshot file that does not follow docs/proofs.md ("Replay"). */
  'snapshot-invalid': { httpStatus: 400 },
  /** The month's settlement did not store what a snapshot needs (not planned yet, or planned before it was recorded). */
  'snapshot-unavailable': { httpStatus: 409 },
  /** A proof-of-reserves snapshot cannot be taken now (the ledger and the liabilities disagree, the scanner is behind). */
  'reserves-refused': { httpStatus: 409 },
  /** A published reserves document that does not follow docs/proofs.md ("Reserves publication"). */
  'reserves-invalid': { httpStatus: 400 },
  /** A link from a mail (address confirmation, password reset, unsubscribe) that is unknown, used, expired or forged. */
  'token-invalid': { httpStatus: 400 },
  /** An outgoing request to a target kibble will not reach: a private/loopback/link-local address, a non-http(s) URL (src/net/outbound.ts). */
  'outbound-refused': { httpStatus: 400 },
  /** An outgoing request that failed: timeout, answer too large, network error (details.reason). */
  'outbound-failed': { httpStatus: 502 },
  /** No price of the coin in a donor's budget currency could be had (price source down, none configured): give one with `settle --rate`. */
  'price-unavailable': { httpStatus: 503 },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class KibbleError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'KibbleError';
    this.code = code;
    this.details = details;
  }
}

export function isKibbleError(error: unknown, code?: ErrorCode): error is KibbleError {
  return error instanceof KibbleError && (code === undefined || error.code === code);
}

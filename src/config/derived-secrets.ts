import { createHmac, randomBytes } from 'node:crypto';
import type { Secret } from './secret';

/**
 * The web secrets every instance behind a load balancer must share, derived from OPERATOR_TOKEN
 * (required in production) with one labelled HMAC per purpose: no derived key reveals the token
 * or another purpose's key. Changing OPERATOR_TOKEN therefore also signs everyone out.
 *
 * Without an operator token (tests, tools) a random root made once per process stands in: what is
 * signed with it is valid in this process only.
 */
export type SecretPurpose = 'csrf' | 'operator-session-token' | 'session-token' | 'mail-unsubscribe';

const LABELS: Record<SecretPurpose, string> = {
  csrf: 'kibble csrf',
  'operator-session-token': 'kibble operator session token v1',
  'session-token': 'kibble session token v1',
  'mail-unsubscribe': 'kibble mail unsubscribe v1',
};

let processRoot: string | undefined;

export function derivedSecret(operatorToken: Secret | undefined, purpose: SecretPurpose): Buffer {
  const root = operatorToken?.reveal() ?? (processRoot ??= randomBytes(32).toString('hex'));
  return createHmac('sha256', root).update(LABELS[purpose]).digest();
}

/** The key that signs and checks session tokens (src/services/accounts/session-token.ts). */
export function sessionKeyOf(config: { operatorToken: Secret | undefined }): Buffer {
  return derivedSecret(config.operatorToken, 'session-token');
}

/**
 * The key of the operator's web sessions: a key apart, so that no donor's session token can ever
 * pass for an operator's (both have the same format, src/services/accounts/session-token.ts).
 */
export function operatorSessionKeyOf(config: { operatorToken: Secret | undefined }): Buffer {
  return derivedSecret(config.operatorToken, 'operator-session-token');
}

/**
 * The key of the one-click unsubscribe links in mails (src/services/mail/unsubscribe.ts). Derived
 * like the others: without OPERATOR_TOKEN the links of a mail only work while its process runs.
 */
export function mailUnsubscribeKeyOf(config: { operatorToken: Secret | undefined }): Buffer {
  return derivedSecret(config.operatorToken, 'mail-unsubscribe');
}

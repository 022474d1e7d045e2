import { operatorSessionKeyOf, sessionKeyOf } from '../config/derived-secrets';
import { issueOperatorSession, issueSession, revokeSession, type IssuedSession } from '../services/accounts/sessions';
import { DEFAULT_SESSION_TTL_MS, type AppDeps } from './deps';

/** Sign-in for the API and the pages alike: this deployment's key, deps.sessionTtlMs (default 30 days). */
export function issueSessionFor(deps: AppDeps, accountId: string, now: Date): Promise<IssuedSession> {
  return issueSession(sessionKeyOf(deps.config), accountId, now, deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS);
}

/** Sign-out for the API and the pages alike. */
export function revokeSessionFor(deps: AppDeps, token: string): Promise<void> {
  return revokeSession(sessionKeyOf(deps.config), token);
}

/** How long the operator's web session lasts: a working day, not a month. */
export const OPERATOR_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** The operator's web sign-in (OPERATOR_TOKEN presented on /operator/signin). */
export function issueOperatorSessionFor(deps: AppDeps, now: Date): Promise<IssuedSession> {
  return issueOperatorSession(operatorSessionKeyOf(deps.config), now, OPERATOR_SESSION_TTL_MS);
}

/** The operator's web sign-out: the cookie's token is revoked on every instance (within ~1 s). */
export function revokeOperatorSessionFor(deps: AppDeps, token: string): Promise<void> {
  return revokeSession(operatorSessionKeyOf(deps.config), token);
}

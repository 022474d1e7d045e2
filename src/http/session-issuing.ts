import { sessionKeyOf } from '../config/derived-secrets';
import { issueSession, revokeSession, type IssuedSession } from '../services/sessions';
import { DEFAULT_SESSION_TTL_MS, type AppDeps } from './deps';

/** Sign-in for the API and the pages alike: this deployment's key, deps.sessionTtlMs (default 30 days). */
export function issueSessionFor(deps: AppDeps, accountId: string, now: Date): Promise<IssuedSession> {
  return issueSession(sessionKeyOf(deps.config), accountId, now, deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS);
}

/** Sign-out for the API and the pages alike. */
export function revokeSessionFor(deps: AppDeps, token: string): Promise<void> {
  return revokeSession(sessionKeyOf(deps.config), token);
}

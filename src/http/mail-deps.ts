import { mailUnsubscribeKeyOf } from '../config/derived-secrets';
import type { EmailDeps } from '../services/accounts/email-address';
import type { AppDeps } from './deps';

/** What the e-mail services need, from the app's config and clock. */
export function emailDepsOf(deps: AppDeps): EmailDeps {
  return {
    publicUrl: deps.config.publicUrl,
    unsubscribeKey: mailUnsubscribeKeyOf(deps.config),
    clock: deps.clock,
    ...(deps.passwordHashing && { passwordHashing: deps.passwordHashing }),
  };
}

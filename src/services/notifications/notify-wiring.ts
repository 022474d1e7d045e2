import { mailRecipientOf } from '../accounts/account-store';
import { mailLocaleOf } from '../mail/kinds';
import { queueMail, type MailQueueDeps } from '../mail/queue';
import type { NotifyDeps } from './notify-deps';

/** The notifications' mail through the mail core: queued (rendered, preferences checked) under their ids. */
export function mailCoreSend(mail: MailQueueDeps): Pick<NotifyDeps, 'send' | 'localeOf'> {
  return {
    send: (notification) => queueMail(notification, mail),
    localeOf: async (accountId) => mailLocaleOf((await mailRecipientOf(accountId))?.locale),
  };
}

/**
 * The deterministic ids of what people are told: a repeated job run (or two instances racing)
 * queues the same id, which the mail outbox keeps once. One place, so that "sent once per period"
 * is readable in one file.
 */
export const notificationIds = {
  depositCredited: (eventId: string): string => `deposit-credited:${eventId}`,
  fundingReminder: (donorId: string, period: string): string => `funding-reminder:${donorId}:${period}`,
  donorStatement: (donorId: string, period: string): string => `donor-statement:${donorId}:${period}`,
  creatorDigest: (creatorId: string, day: string): string => `creator-digest:${creatorId}:${day}`,
  payout: (kind: 'sent' | 'confirmed', creatorId: string, period: string, txid: string, vout: number): string => `payout-${kind}:${creatorId}:${period}:${txid}:${vout}`,
  unclaimed: (creatorId: string, period: string): string => `unclaimed:${creatorId}:${period}`,
  operatorAlert: (step: 'fired' | 'resolved', episodeId: string): string => `operator-alert-${step}:${episodeId}`,
};

// Every model of kibble, one import for repositories and tests.
import { AccountModel } from './account';
import { ChainCursorModel } from './chain-cursor';
import { ClaimModel } from './claim';
import { ClickModel } from './click';
import { CounterModel } from './counter';
import { DepositModel } from './deposit';
import { LedgerBookModel } from './ledger-book';
import { LedgerClosingModel } from './ledger-closing';
import { LedgerEntryModel } from './ledger-entry';
import { MempoolDepositModel } from './mempool-deposit';
import { RateLimitHitModel } from './rate-limit-hit';
import { ScannedBlockModel } from './scanned-block';
import { SessionModel } from './session';
import { SessionRevocationModel } from './session-revocation';
import { SettlementModel } from './settlement';
import { SettlementPlanChunkModel } from './settlement-plan-chunk';
import { SubscriptionModel } from './subscription';
import { ThingModel } from './thing';
import { UnclaimedAllocationModel } from './unclaimed-allocation';
import { WalletAddressModel } from './wallet-address';
import { WalletOutputModel } from './wallet-output';
import { WalletSpendModel } from './wallet-spend';
import { WatchSnapshotModel } from './watch-snapshot';
import { ReservesSnapshotModel } from './reserves-snapshot';
import { ReservesSnapshotChunkModel } from './reserves-snapshot-chunk';
import { MailOutboxModel } from './mail-outbox';
import { MailOptOutModel } from './mail-opt-out';
import { AccountTokenModel } from './account-token';
import { EventModel } from './event';
import { EventCursorModel } from './event-cursor';
import { OperatorAlertModel } from './operator-alert';
import { NotificationRunModel } from './notification-run';
import { WebhookEndpointModel } from './webhook-endpoint';
import { WebhookDeliveryModel } from './webhook-delivery';
import { WalletCheckpointModel } from './wallet-checkpoint';

export * from './account';
export * from './chain-cursor';
export * from './claim';
export * from './click';
export * from './counter';
export * from './deposit';
export * from './errors';
export * from './ledger-book';
export * from './ledger-closing';
export * from './ledger-entry';
export * from './mempool-deposit';
export * from './rate-limit-hit';
export * from './scanned-block';
export * from './session';
export * from './session-revocation';
export * from './settlement';
export * from './settlement-plan-chunk';
export * from './subscription';
export * from './thing';
export * from './unclaimed-allocation';
export * from './wallet-address';
export * from './wallet-output';
export * from './wallet-spend';
export * from './watch-snapshot';
export * from './reserves-snapshot';
export * from './reserves-snapshot-chunk';
export * from './mail-outbox';
export * from './mail-opt-out';
export * from './account-token';
export * from './event';
export * from './event-cursor';
export * from './operator-alert';
export * from './notification-run';
export * from './webhook-endpoint';
export * from './webhook-delivery';
export * from './wallet-checkpoint';

/** All models, for index synchronisation at start-up and in tests. */
export const ALL_MODELS = [
  AccountModel,
  ChainCursorModel,
  ClaimModel,
  ClickModel,
  CounterModel,
  DepositModel,
  LedgerBookModel,
  LedgerClosingModel,
  LedgerEntryModel,
  MempoolDepositModel,
  RateLimitHitModel,
  ScannedBlockModel,
  SessionModel,
  SessionRevocationModel,
  SettlementModel,
  SettlementPlanChunkModel,
  SubscriptionModel,
  ThingModel,
  UnclaimedAllocationModel,
  WalletAddressModel,
  WalletOutputModel,
  WalletSpendModel,
  WatchSnapshotModel,
  ReservesSnapshotModel,
  ReservesSnapshotChunkModel,
  MailOutboxModel,
  MailOptOutModel,
  AccountTokenModel,
  EventModel,
  EventCursorModel,
  OperatorAlertModel,
  NotificationRunModel,
  WebhookEndpointModel,
  WebhookDeliveryModel,
  WalletCheckpointModel,
] as const;

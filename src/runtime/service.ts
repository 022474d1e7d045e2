import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { JsonRpcChainClient } from '../node/rpc-client';
import type { Config } from '../config/config';
import { connectDatabase, disconnectDatabase } from '../db/connection';
import { startHousekeeping } from '../jobs/housekeeping';
import { startMailLoop } from '../jobs/mail-loop';
import { SlotLease } from '../db/lease';
import { smtpTransport } from '../services/mail/transport';
import { caughtMailReader } from './embedded/mail-catcher';
import type { RunningLoop } from '../jobs/repeat';
import { startScannerLoop } from '../jobs/scanner-loop';
import { startWebhookJobs, webhookLease } from '../jobs/webhook-jobs';
import { createOutbound } from '../net/outbound';
import { LeasedScanner, scannerLease } from '../jobs/scanner-lease';
import { startSettlementJobs } from '../jobs/settlement-jobs';
import type { Logger } from '../log';
import { DepositScanner } from '../services/wallet-watch/scanner';
import { publishReservesAfterTick } from '../jobs/reserves-publishing';
import { createApp } from '../http/app';
import { createMetrics } from '../http/metrics';
import { productionAppDeps } from '../http/wiring';
import { startDevChain, type DevChain } from './embedded/dev-chain';
import { fillWithEmbeddedDefaults } from './embedded/embedded-defaults';
import { removeStackFile, stackFileIn, writeStackFile } from './embedded/stack-file';
import { listen, type RunningServer } from './listen';
import { pricesFromConfig } from '../services/prices/prices';
import { canSettle, createSettlementService, hasKeyInProcess, keyInServiceWarning, signerFromConfig } from './settlement';
import { messageSignerOf } from '../signer/message-signer';
import { mailUnsubscribeKeyOf } from '../config/derived-secrets';
import { notificationsLease, startNotificationJobs } from '../jobs/notification-jobs';
import { mailCoreSend } from '../services/notifications/notify-wiring';

export interface RunningKibble {
  config: Config;
  /** Human-readable lines describing what runs, for the start banner. */
  banner: string[];
  stop(): Promise<void>;
}

const HOUSEKEEPING_INTERVAL_MS = 60 * 60_000;
/** How often the mail worker looks for queued mail, and its lease's slot. */
const MAIL_INTERVAL_MS = 5_000;
const MAIL_LEASE_MS = 30_000;

/** What `kibble serve` starts, in order; later issues add their parts (settlement cron, pages). */
export async function startKibble(config: Config, log: Logger): Promise<RunningKibble> {
  const embedded = await fillWithEmbeddedDefaults(config, (message) => log.info(message));
  const filled = embedded.config;
  const dataDir = resolve(filled.dataDir);
  let scannerLoop: RunningLoop | undefined;
  let settlementJobs: RunningLoop | undefined;
  let housekeeping: RunningLoop | undefined;
  let mailLoop: RunningLoop | undefined;
  let notifications: RunningLoop | undefined;
  let webhookJobs: RunningLoop | undefined;
  let server: RunningServer | undefined;
  let devChain: DevChain | undefined;
  const stop = async (): Promise<void> => {
    await server?.close();
    await settlementJobs?.stop();
    await scannerLoop?.stop();
    await notifications?.stop();
    await housekeeping?.stop();
    await mailLoop?.stop();
    await webhookJobs?.stop();
    if (embedded.embeddedDatabase) removeStackFile(dataDir);
    await devChain?.stop();
    await disconnectDatabase();
    await embedded.stop();
  };
  try {
    const connection = await connectDatabase({ uri: filled.mongodbUri ?? '', log });
    const rpc = new JsonRpcChainClient(filled.chainRpcUrl?.reveal() ?? '');
    // Before the scanner: the first start mines the faucet's first coins (embedded regtest only).
    devChain = await startDevChain({ config: filled, embeddedNode: embedded.embeddedChain, rpc, log });
    const chainInfo = await rpc.getBlockchainInfo();
    const clock = () => new Date();
    const scanner = new DepositScanner({
      rpc,
      chain: filled.chain,
      minConfirmations: filled.minConfirmations,
      log: log.child({ job: 'scanner' }),
      clock,
      // The embedded chain is kibble's own from block 0; a real chain starts at the tip.
      startHeight: filled.scanStartHeight ?? (embedded.embeddedChain ? 0 : undefined),
    });
    const instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    const metrics = createMetrics({ nodeProbe: () => rpc.getBlockCount(), clock });
    housekeeping = startHousekeeping({ intervalMs: HOUSEKEEPING_INTERVAL_MS, clock, log: log.child({ job: 'housekeeping' }) });
    scannerLoop = startScannerLoop(new LeasedScanner(scanner, scannerLease(instance, clock, filled.scannerLeaseSeconds * 1000)), filled.scanIntervalSeconds * 1000, log.child({ job: 'scanner' }), (report) => metrics.recordScan(report));
    if (filled.smtpUrl !== undefined) {
      const mailLog = log.child({ job: 'mail' });
      mailLoop = startMailLoop({ lease: new SlotLease('mail', instance, MAIL_LEASE_MS, clock), transport: smtpTransport(filled.smtpUrl.reveal(), filled.mailFrom), log: mailLog }, MAIL_INTERVAL_MS, mailLog);
    }
    webhookJobs = startWebhookJobs(
      {
        fetch: createOutbound({ allowPrivate: filled.outboundAllowPrivate }),
        clock,
        settings: { disableAfterMs: filled.webhookDisableAfterDays * 86_400_000, timeoutMs: filled.webhookTimeoutSeconds * 1000 },
        log: log.child({ job: 'webhooks' }),
      },
      webhookLease(instance, clock, Math.max(30_000, filled.webhookTimeoutSeconds * 3000)),
      filled.webhookIntervalSeconds * 1000,
      log.child({ job: 'webhooks' }),
    );
    const prices = pricesFromConfig(filled, clock, (outcome) => metrics.recordPriceFetch(outcome), embedded.testPrices !== undefined);
    const settlement = createSettlementService(filled, rpc, log, { instance, clock, onSpendRepair: () => metrics.recordSpendRepair(), prices });
    // Only an instance that can sign runs the settlement; API-only instances hold just the xpub.
    const canSign = canSettle(filled);
    const keyWarning = keyInServiceWarning(filled);
    if (keyWarning !== undefined) log.warn({ component: 'settlement' }, `WARNING: ${keyWarning}`);
    if (canSign) {
      settlementJobs = startSettlementJobs(settlement, {
        cron: filled.settlementCron,
        followIntervalMs: filled.scanIntervalSeconds * 1000,
        log: log.child({ job: 'settlement' }),
        // The proof of reserves follows each confirmed month (docs/proofs.md, "Reserves publication").
        // Where this instance holds the signing key (not with SIGNER_URL), each wallet address signs the snapshot.
        afterTick: publishReservesAfterTick({
          chain: filled.chain,
          clock,
          log: log.child({ job: 'reserves' }),
          ...(hasKeyInProcess(filled) ? { messageSigner: () => messageSignerOf(signerFromConfig(filled), filled.chain) } : {}),
        }),
      });
    }
    // What people are told (issue 18): operator alerts, event mails, statements, reminders, digests.
    const notifyLog = log.child({ job: 'notifications' });
    notifications = startNotificationJobs(
      {
        lease: notificationsLease(instance, clock, filled.scannerLeaseSeconds * 1000),
        deps: {
          ...mailCoreSend({ publicUrl: filled.publicUrl, unsubscribeKey: mailUnsubscribeKeyOf(filled), clock }),
          chain: filled.chain,
          serviceFeeBps: filled.serviceFeeBps,
          unclaimedMonths: filled.unclaimedMonths,
          publicUrl: filled.publicUrl,
          clock,
          log: notifyLog,
        },
        operator: { nodeTip: () => rpc.getBlockCount(), operatorEmail: filled.operatorEmail },
        reminderDays: filled.reminderDaysBeforeMonthEnd,
        tip: () => rpc.getBlockCount().catch(() => undefined),
      },
      filled.notifyIntervalSeconds * 1000,
      notifyLog,
    );
    const faucet = devChain?.faucet;
    const testCoins = devChain === undefined || faucet === undefined ? {} : { testCoins: { send: faucet.send.bind(faucet), blockSeconds: devChain.blockSeconds } };
    const caughtMail = embedded.mailCatcherUrl === undefined ? {} : { caughtMail: caughtMailReader(embedded.mailCatcherUrl) };
    const app = createApp({ ...productionAppDeps({ config: filled, logger: log.child({ component: 'http' }), rpc }), settlement, metrics, prices, ...testCoins, ...caughtMail });
    server = await listen(app, filled.host, filled.port);
    const webUrl = `http://${filled.host}:${server.port}`;
    if (embedded.embeddedDatabase) {
      writeStackFile(dataDir, {
        pid: process.pid,
        startedAt: clock().toISOString(),
        chain: filled.chain.name,
        mongodbUri: filled.mongodbUri ?? '',
        chainRpcUrl: filled.chainRpcUrl?.reveal() ?? '',
        httpUrl: `${webUrl}/`,
        ...(devChain === undefined ? {} : { blockSeconds: devChain.blockSeconds }),
        ...(embedded.testPrices === undefined || filled.priceSourceUrl === undefined ? {} : { priceSourceUrl: filled.priceSourceUrl }),
      });
    }
    const banner = [
      ...embedded.started,
      `chain: ${filled.chain.name}, node at ${rpc.redactedUrl}, tip height ${chainInfo.blocks}`,
      `wallet: deposit addresses from xpub ${filled.walletXpub?.slice(0, 12)}..., fee address ${filled.feeAddress ?? '(not set)'}`,
      `database: connected, indexes in place (${Object.keys(connection.models).length} models)`,
      `web pages: http://${filled.host}:${server.port}/ (donors and creators; operators at /operator)`,
      `HTTP API: http://${filled.host}:${server.port}/api/v1 (OpenAPI at /api/v1/openapi.json, readiness at /readyz)`,
      `metrics: http://${filled.host}:${server.port}/metrics (Prometheus text, Authorization: Bearer <OPERATOR_TOKEN>)`,
      'housekeeping: expired sessions and revocations removed every hour',
      `notifications: every ${filled.notifyIntervalSeconds} s under the "notifications" lease (operator alerts ${filled.operatorEmail === undefined ? 'as events only: OPERATOR_EMAIL is not set' : `mailed to ${filled.operatorEmail}`}; funding reminders ${filled.reminderDaysBeforeMonthEnd} day(s) before month end)`,
      `deposit scanner: every ${filled.scanIntervalSeconds} s under the "scanner" lease (${filled.scannerLeaseSeconds} s slots), ${filled.minConfirmations} confirmation(s) to credit`,
      canSign
        ? `settlement: cron "${filled.settlementCron}" (UTC) under the "settlement" lease (${filled.settlementLeaseSeconds} s slots); past months due are settled at start-up; fee address ${filled.feeAddress ?? '(not set: fees stay in platform:fees)'}`
        : 'settlement: not run by this instance (no SIGNER_URL, WALLET_XPRV or WALLET_MNEMONIC); the instance that can sign runs it',
      ...(filled.signerUrl === undefined ? [] : [`settlement: signed by the signer at ${filled.signerUrl} (no key in this process)`]),
      embedded.testPrices !== undefined
        ? `prices: TEST prices of the embedded regtest chain (EMBEDDED_TEST_PRICES=${embedded.testPrices.map((p) => `${p.currency}=${p.rate}`).join(',')}; empty switches them off), served at ${filled.priceSourceUrl ?? ''}: regtest coins have no market; set PRICE_SOURCE_URL for real prices`
        : filled.priceSourceUrl === undefined
        ? 'prices: none (PRICE_SOURCE_URL not set): no fiat values; months with fiat budgets need `kibble settle <month> --execute --rate EUR=<price>`'
        : `prices: ${filled.priceCoinId} from ${new URL(filled.priceSourceUrl).host}, cached ${filled.priceCacheSeconds} s`,
      ...(embedded.embeddedDatabase ? [`kibble commands in another shell find this stack through ${stackFileIn(dataDir)} (no MONGODB_URI needed; same DATA_DIR)`] : []),
      filled.smtpUrl === undefined
        ? 'mail: not sent (no SMTP_URL); mails stay queued in the database until it is set'
        : `mail: sent every ${MAIL_INTERVAL_MS / 1000} s under the "mail" lease, from ${filled.mailFrom}`,
      ...(embedded.mailCatcherUrl === undefined ? [] : [`mail: read the caught mail at ${webUrl}/dev/mail (Mailpit's JSON API: ${embedded.mailCatcherUrl}/api/v1/messages)`]),
      ...(devChain?.bannerLines(webUrl) ?? []),
      ...embedded.warnings.map((warning) => `WARNING: ${warning}`),
      ...(keyWarning === undefined ? [] : [`WARNING: ${keyWarning}`]),
    ];
    return { config: filled, banner, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

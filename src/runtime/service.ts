import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { JsonRpcChainClient } from '../node/rpc-client';
import type { Config } from '../config/config';
import { connectDatabase, disconnectDatabase } from '../db/connection';
import { startHousekeeping } from '../jobs/housekeeping';
import type { RunningLoop } from '../jobs/repeat';
import { startScannerLoop } from '../jobs/scanner-loop';
import { LeasedScanner, scannerLease } from '../jobs/scanner-lease';
import { startSettlementJobs } from '../jobs/settlement-jobs';
import type { Logger } from '../log';
import { DepositScanner } from '../services/wallet-watch/scanner';
import { publishReservesAfterTick } from '../jobs/reserves-publishing';
import { createApp } from '../http/app';
import { createMetrics } from '../http/metrics';
import { productionAppDeps } from '../http/wiring';
import { fillWithEmbeddedDefaults } from './embedded/embedded-defaults';
import { listen, type RunningServer } from './listen';
import { createSettlementService, signerFromConfig } from './settlement';
import { messageSignerOf } from '../signer/message-signer';

export interface RunningKibble {
  config: Config;
  /** Human-readable lines describing what runs, for the start banner. */
  banner: string[];
  stop(): Promise<void>;
}

const HOUSEKEEPING_INTERVAL_MS = 60 * 60_000;

/** What `kibble serve` starts, in order; later issues add their parts (settlement cron, pages). */
export async function startKibble(config: Config, log: Logger): Promise<RunningKibble> {
  const embedded = await fillWithEmbeddedDefaults(config, (message) => log.info(message));
  const filled = embedded.config;
  let scannerLoop: RunningLoop | undefined;
  let settlementJobs: RunningLoop | undefined;
  let housekeeping: RunningLoop | undefined;
  let server: RunningServer | undefined;
  const stop = async (): Promise<void> => {
    await server?.close();
    await settlementJobs?.stop();
    await scannerLoop?.stop();
    await housekeeping?.stop();
    await disconnectDatabase();
    await embedded.stop();
  };
  try {
    const connection = await connectDatabase({ uri: filled.mongodbUri ?? '' });
    const rpc = new JsonRpcChainClient(filled.chainRpcUrl?.reveal() ?? '');
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
    const metrics = createMetrics();
    housekeeping = startHousekeeping({ intervalMs: HOUSEKEEPING_INTERVAL_MS, clock, log: log.child({ job: 'housekeeping' }) });
    scannerLoop = startScannerLoop(new LeasedScanner(scanner, scannerLease(instance, clock, filled.scannerLeaseSeconds * 1000)), filled.scanIntervalSeconds * 1000, log.child({ job: 'scanner' }), (report) => metrics.recordScan(report));
    const settlement = createSettlementService(filled, rpc, log, { instance, clock, onSpendRepair: () => metrics.recordSpendRepair() });
    // Only an instance that can sign runs the settlement; API-only instances hold just the xpub.
    const canSign = filled.walletXprv !== undefined || filled.walletMnemonic !== undefined;
    if (canSign) {
      settlementJobs = startSettlementJobs(settlement, {
        cron: filled.settlementCron,
        followIntervalMs: filled.scanIntervalSeconds * 1000,
        log: log.child({ job: 'settlement' }),
        // The proof of reserves follows each confirmed month (docs/proofs.md, "Reserves publication").
        // This instance holds the signing key: each wallet address signs the snapshot.
        afterTick: publishReservesAfterTick({ chain: filled.chain, clock, log: log.child({ job: 'reserves' }), messageSigner: () => messageSignerOf(signerFromConfig(filled), filled.chain) }),
      });
    }
    const app = createApp({ ...productionAppDeps({ config: filled, logger: log.child({ component: 'http' }), rpc }), settlement, metrics });
    server = await listen(app, filled.host, filled.port);
    const banner = [
      ...embedded.started,
      `chain: ${filled.chain.name}, node at ${rpc.redactedUrl}, tip height ${chainInfo.blocks}`,
      `wallet: deposit addresses from xpub ${filled.walletXpub?.slice(0, 12)}..., fee address ${filled.feeAddress ?? '(not set)'}`,
      `database: connected, indexes in place (${Object.keys(connection.models).length} models)`,
      `web pages: http://${filled.host}:${server.port}/ (donors and creators; operators at /operator)`,
      `HTTP API: http://${filled.host}:${server.port}/api/v1 (OpenAPI at /api/v1/openapi.json, readiness at /readyz)`,
      `metrics: http://${filled.host}:${server.port}/metrics (Prometheus text, Authorization: Bearer <OPERATOR_TOKEN>)`,
      'housekeeping: expired sessions and revocations removed every hour',
      `deposit scanner: every ${filled.scanIntervalSeconds} s under the "scanner" lease (${filled.scannerLeaseSeconds} s slots), ${filled.minConfirmations} confirmation(s) to credit`,
      canSign
        ? `settlement: cron "${filled.settlementCron}" (UTC) under the "settlement" lease (${filled.settlementLeaseSeconds} s slots); past months due are settled at start-up; fee address ${filled.feeAddress ?? '(not set: fees stay in platform:fees)'}`
        : 'settlement: not run by this instance (no WALLET_XPRV or WALLET_MNEMONIC); the instance that holds the signing key runs it',
      ...embedded.warnings.map((warning) => `WARNING: ${warning}`),
    ];
    return { config: filled, banner, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

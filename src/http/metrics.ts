import type { RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ScanReport } from '../services/wallet-watch/scanner';
import { custodyCoverage } from '../services/reserves/coverage';
import { settlementGauges, unconfirmedOverdueSeconds } from '../services/settlement/status';
import { walletHoldings } from '../services/settlement/wallet';

/**
 * Prometheus metrics of one kibble instance, served by `GET /metrics` (routes/metrics.ts, operator
 * token only: the wallet balance is not public). Each app gets its own Registry, never prom-client's
 * global one, so tests can build many apps in one process.
 *
 * - HTTP: `kibble_http_request_duration_seconds{method, route, status}`, where `route` is the
 *   matched route's path template (`/api/v1/things/:id/flattr`, recorded by mount.ts in
 *   `res.locals[ROUTE_TEMPLATE_LOCAL]`), never the raw URL, so ids do not explode the label set.
 *   Requests that reach no route (404s, bodies rejected before routing) are `route="unmatched"`.
 * - Clicks: `kibble_clicks_total`, flattrs recorded through this instance's API.
 * - Deposits: counters and gauges set from each scan pass (`recordScan`, called by the scanner loop
 *   of the instance that holds the scanner lease; on the others they stay at 0 / absent).
 * - Settlement repairs: `kibble_settlement_spend_repairs_total`, settlement transactions found
 *   buried whose spends the scanner had not recorded, written by this instance's follower
 *   (`recordSpendRepair`); anything above 0 deserves a look at the scanner's log.
 * - Prices: `kibble_price_fetches_total{outcome}`, requests to the price source (`recordPriceFetch`).
 * - Settlement and wallet: read from the database at scrape time. When a read fails the scrape
 *   still answers: those gauges are left empty (not stale) and
 *   `kibble_metrics_collector_up{collector}` is 0.
 * - Alerting (docs/alerts.yml): `kibble_scanner_last_pass_timestamp_seconds` (a scanner whose passes
 *   fail keeps its last lag), `kibble_node_up` (the node asked at scrape time, with a timeout),
 *   `kibble_settlement_unconfirmed_seconds` and `kibble_custody_surplus_koinu` (the wallet less
 *   uncredited deposits, less what the ledger owes: negative is custody below liabilities).
 * - prom-client's process metrics (CPU, memory, event loop lag, GC...), prefixed `kibble_`.
 */
export interface KibbleMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  clicks: Counter;
  /** Updates the deposit counters and the scanner gauges from one successful scan pass. */
  recordScan(report: ScanReport): void;
  /** Counts one settlement transaction whose missed spend records the follower wrote. */
  recordSpendRepair(): void;
  /** Counts one request to the price source (PRICE_SOURCE_URL) by its outcome. */
  recordPriceFetch(outcome: 'ok' | 'failed'): void;
}

/** res.locals key of the matched route's path template (set by mount.ts before auth). */
export const ROUTE_TEMPLATE_LOCAL = 'routeTemplate';
export const UNMATCHED_ROUTE = 'unmatched';

export interface MetricsOptions {
  /** Asks the chain node something cheap (`getBlockCount`); `kibble_node_up` is absent without it. */
  nodeProbe?: () => Promise<unknown>;
  /** How long the node probe may take before the node counts as down (default 2 s). */
  nodeProbeTimeoutMs?: number;
  /** The scrape's clock (the settlement's overdue seconds); default the system clock. */
  clock?: () => Date;
}

const NODE_PROBE_TIMEOUT_MS = 2_000;

export function createMetrics(options: MetricsOptions = {}): KibbleMetrics {
  const clock = options.clock ?? (() => new Date());
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'kibble_' });

  const httpDuration = new Histogram({
    name: 'kibble_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const clicks = new Counter({ name: 'kibble_clicks_total', help: 'Flattrs (clicks) recorded by this instance', registers });

  const depositsSeen = new Counter({
    name: 'kibble_deposits_seen_total',
    help: "Outputs paying the service's addresses found in scanned blocks (deposits and the wallet's change; blocks rescanned after a reorg count again)",
    registers,
  });
  const depositsCredited = new Counter({
    name: 'kibble_deposits_credited_total',
    help: "Deposits credited to donors' ledger balances by this instance's scanner",
    registers,
  });
  const spendRepairs = new Counter({
    name: 'kibble_settlement_spend_repairs_total',
    help: "Settlement transactions buried on chain whose spends the scanner had not recorded, recorded by this instance's confirmation follower",
    registers,
  });
  const priceFetches = new Counter({
    name: 'kibble_price_fetches_total',
    help: 'Requests to the price source (PRICE_SOURCE_URL) by this instance, by outcome (ok, failed)',
    labelNames: ['outcome'],
    registers,
  });
  const scannerHeight = new Gauge({ name: 'kibble_scanner_height', help: 'Height of the last block the deposit scanner stored', registers });
  const nodeTipHeight = new Gauge({ name: 'kibble_node_tip_height', help: "The chain node's tip height at the last scan pass", registers });
  const scannerLag = new Gauge({ name: 'kibble_scanner_lag_blocks', help: 'Blocks between the node tip and the scanner at the end of the last scan pass', registers });
  const scannerLastPass = new Gauge({
    name: 'kibble_scanner_last_pass_timestamp_seconds',
    help: "Unix time of this instance's last successful scan pass (0 on instances that never held the scanner lease: use max())",
    registers,
  });

  // Scrape-time reads. prom-client collects every metric of a scrape concurrently, so the gauges
  // fed by one query share its in-flight read (one query per scrape, the same rows for each).
  const readSettlements = shared(settlementGauges);
  const readWallet = shared(walletHoldings);
  const readCoverage = shared(custodyCoverage);

  new Gauge({
    name: 'kibble_metrics_collector_up',
    help: '1 when the scrape-time database read of a collector (settlement, wallet, coverage) succeeded, 0 when it failed',
    labelNames: ['collector'] as const,
    registers,
    async collect() {
      const [settlements, wallet] = await Promise.all([readSettlements(), readWallet()]);
      this.set({ collector: 'settlement' }, settlements.ok ? 1 : 0);
      this.set({ collector: 'wallet' }, wallet.ok ? 1 : 0);
      this.set({ collector: 'coverage' }, (await readCoverage()).ok ? 1 : 0);
    },
  });
  // Each collect() reads first, then resets and sets in one synchronous step: overlapping scrapes
  // cannot mix their values, and a failed read leaves the gauge empty rather than stale.
  new Gauge({
    name: 'kibble_settlement_state',
    help: "1 for each settlement's current state (state: open, closed, planned, signed, broadcast, confirmed)",
    labelNames: ['period', 'state'] as const,
    registers,
    async collect() {
      const read = await readSettlements();
      this.reset();
      if (read.ok) for (const settlement of read.value) this.set({ period: settlement.period, state: settlement.state }, 1);
    },
  });
  new Gauge({
    name: 'kibble_settlement_last_error',
    help: "1 when the settlement's last step stopped with an error (lastError is set), else 0",
    labelNames: ['period'] as const,
    registers,
    async collect() {
      const read = await readSettlements();
      this.reset();
      if (!read.ok) return;
      for (const settlement of read.value) this.set({ period: settlement.period }, settlement.failing ? 1 : 0);
    },
  });
  new Gauge({
    name: 'kibble_settlement_unconfirmed_seconds',
    help: 'Seconds since the end of the oldest month whose settlement is not confirmed (0 when every settlement is confirmed)',
    registers,
    async collect() {
      const read = await readSettlements();
      this.reset();
      if (read.ok) this.set(unconfirmedOverdueSeconds(read.value, clock()));
    },
  });
  // Prometheus samples are float64: above 2^53 koinu (about 90 million DOGE) Number() rounds the
  // bigint to the nearest representable value (relative error below 1e-15). Fine for a gauge;
  // exact amounts come from the ledger and `kibble settlement-status`.
  new Gauge({
    name: 'kibble_wallet_balance_koinu',
    help: "Unspent outputs of the service's wallet as the scanner saw them, in koinu",
    registers,
    async collect() {
      const read = await readWallet();
      this.reset();
      if (read.ok) this.set(Number(read.value.unspent));
    },
  });
  new Gauge({
    name: 'kibble_wallet_uncredited_deposits_koinu',
    help: 'Deposits seen on chain but not yet credited to a donor (pending confirmations), in koinu',
    registers,
    async collect() {
      const read = await readWallet();
      this.reset();
      if (read.ok) this.set(Number(read.value.uncreditedDeposits));
    },
  });

  new Gauge({
    name: 'kibble_ledger_liabilities_koinu',
    help: 'What kibble owes as the ledger says (donor balances, amounts owed to creators, platform fees not paid out), in koinu',
    registers,
    async collect() {
      const read = await readCoverage();
      this.reset();
      if (read.ok) this.set(Number(read.value.liabilities));
    },
  });
  new Gauge({
    name: 'kibble_custody_surplus_koinu',
    help: "The wallet's unspent outputs less uncredited deposits less the ledger's liabilities, in koinu (negative: custody below liabilities)",
    registers,
    async collect() {
      const read = await readCoverage();
      this.reset();
      if (read.ok) this.set(Number(read.value.surplus));
    },
  });
  // Registered only with a probe: an unlabelled gauge would otherwise export a 0 that means nothing.
  const nodeProbe = options.nodeProbe;
  if (nodeProbe !== undefined) {
    new Gauge({
      name: 'kibble_node_up',
      help: 'Whether the chain node answered a cheap call at scrape time (1) or failed or timed out (0)',
      registers,
      async collect() {
        this.set((await answersWithin(nodeProbe, options.nodeProbeTimeoutMs ?? NODE_PROBE_TIMEOUT_MS)) ? 1 : 0);
      },
    });
  }

  return {
    registry,
    httpDuration,
    clicks,
    recordScan(report) {
      depositsSeen.inc(report.received);
      depositsCredited.inc(report.credited);
      scannerHeight.set(report.toHeight);
      nodeTipHeight.set(report.tip);
      scannerLag.set(Math.max(0, report.tip - report.toHeight));
      scannerLastPass.set(Math.floor(clock().getTime() / 1000));
    },
    recordSpendRepair() {
      spendRepairs.inc();
    },
    recordPriceFetch(outcome) {
      priceFetches.inc({ outcome });
    },
  };
}

/**
 * Times every request from here to the end of its response ('finish'; a request whose client went
 * away before the response was sent is not observed). Install it before anything that can answer.
 */
export function httpMetricsMiddleware(metrics: KibbleMetrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      end({ method: req.method, route: routeTemplate(res), status: String(res.statusCode) });
    });
    next();
  };
}

/** Whether `probe` resolves within `timeoutMs`; a rejection or the timeout is false. */
async function answersWithin(probe: () => Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([probe().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

type Read<T> = { ok: true; value: T } | { ok: false };

/** Concurrent callers share one read; a failed read is a value, not a rejection. */
function shared<T>(read: () => Promise<T>): () => Promise<Read<T>> {
  let inflight: Promise<Read<T>> | undefined;
  return () => {
    inflight ??= read()
      .then((value): Read<T> => ({ ok: true, value }))
      .catch((): Read<T> => ({ ok: false }))
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
}

function routeTemplate(res: Response): string {
  const template: unknown = res.locals[ROUTE_TEMPLATE_LOCAL];
  return typeof template === 'string' ? template : UNMATCHED_ROUTE;
}

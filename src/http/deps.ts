import type { AddressDeriver } from '../keys/hd';
import type { ChainProfile } from '../chain/profiles';
import type { Config } from '../config/config';
import type { Logger } from '../log';
import type { PasswordHashParams } from '../services/accounts/passwords';
import type { SettlementService } from '../services/settlement/state-machine';
import type { PriceService } from '../services/prices/prices';
import type { TestCoinFaucet } from '../services/test-coins';
import type { KibbleMetrics } from './metrics';
import type { RateLimitSettings } from './rate-limit';

/** One named readiness check: `ok`, or what failed (a short code, never a secret). */
export type ReadinessCheck = { ok: true } | { ok: false; error: string };
export type ReadinessReport = Record<string, ReadinessCheck>;

/**
 * Everything the HTTP app needs from the outside world. Passed in, never imported, so tests
 * build the app against the test database with a clock and a chain tip they control, and the
 * production wiring (`kibble serve`) decides where the node and the keys come from.
 */
export interface AppDeps {
  config: Config;
  /** The configured chain (normally `config.chain`). */
  chain: ChainProfile;
  /** Derives deposit addresses from the account-level xpub; the API never holds private keys. */
  deriver: AddressDeriver;
  clock: () => Date;
  logger: Logger;
  /** Database ping and node `getBlockCount`, for /readyz (see readiness.ts). */
  readiness: () => Promise<ReadinessReport>;
  /** Current block height of the node, for the confirmations of pending deposits. */
  chainTip: () => Promise<number>;

  /** The monthly settlement, for the operator's admin routes (absent: those answer 500). */
  settlement?: SettlementService;
  /**
   * This instance's Prometheus metrics (see metrics.ts): request timing, clicks, and what
   * GET /metrics serves (absent: requests are not timed and /metrics answers 500).
   */
  metrics?: KibbleMetrics;
  /**
   * The embedded regtest stack's test-coin faucet (runtime/embedded/dev-faucet.ts): the donor
   * page's "send test coins" form and POST /api/v1/dev/fund. Absent on every other stack: the
   * form is not shown and the route answers 403 dev-chain-only.
   */
  testCoins?: TestCoinFaucet;
  /**
   * The embedded stack's mail catcher (runtime/embedded/mail-catcher.ts), read by the /dev/mail
   * page. Absent on every other stack: that page answers 404.
   */
  caughtMail?: CaughtMailReader;
  /** Coin prices for values in fiat (PRICE_SOURCE_URL); absent: pages say "price unavailable". */
  prices?: PriceService;

  // Optional knobs with production defaults (see `httpSettings`).
  /** Per-bucket limits; tests set them low, benchmarks high. */
  rateLimits?: Partial<RateLimitSettings>;
  /** How long a session token lives. Default 30 days. */
  sessionTtlMs?: number;
  /** scrypt cost for new password hashes; tests lower it (the hash records its parameters). */
  passwordHashing?: PasswordHashParams;
  /** express's `trust proxy`: set it behind a load balancer so rate limits see client IPs. */
  trustProxy?: boolean | number | string;
  /**
   * Check every response body against the route's declared response schema and fail with 500
   * when it does not match. On in tests, so the OpenAPI document cannot drift from reality.
   */
  checkResponses?: boolean;
}

export const DEFAULT_SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** The mails a local catcher holds, newest first (the embedded default's Mailpit). */
export interface CaughtMailReader {
  list(limit: number): Promise<Array<{ id: string; to: string; subject: string; receivedAt: Date }>>;
  /** One mail's text part, undefined when there is no such mail. */
  read(id: string): Promise<{ to: string; subject: string; text: string; receivedAt: Date } | undefined>;
}

// kibble's HTTP app served on a free loopback port for the browser tests, wired to the real pieces
// of a settlement world (test/support/settlement-world.ts): the per-file database, the regtest
// node's tip, the world's wallet (same xpub, so the world's scanner sees the deposit addresses the
// pages hand out) and its settlement service. The deposit scanner does not run on its own: the
// test drives it with world.mineAndScan(). Call in describe scope, after useSettlementWorld():
//
//   const world = useSettlementWorld();
//   const server = useE2eServer(world);
//   it('...', async () => { await page.goto(`${server.url}/signup`); });
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../src/http/app';
import type { AppDeps } from '../../../src/http/deps';
import { RATE_LIMIT_BUCKETS } from '../../../src/http/rate-limit';
import { createReadiness, pingDatabase } from '../../../src/http/readiness';
import { createLogger } from '../../../src/log';
import { testConfig } from '../../support/http';
import { MIN_CONFIRMATIONS, SETTLEMENT_CHAIN, settlementDeriver, settlementXpub, type SettlementWorld } from '../../support/settlement-world';

/** pino's numeric levels: 40 warn, 50 error, 60 fatal. */
const ERROR_LEVEL = 50;

export interface E2eServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly deps: AppDeps;
  /**
   * What the app logged at error level or above since the last call (a page that failed with a
   * 500 logs 'page failed' with the error), emptied by the call.
   */
  takeErrors(): string[];
}

export function useE2eServer(world: SettlementWorld): E2eServer {
  let server: Server | undefined;
  let url: string | undefined;
  let deps: AppDeps | undefined;
  let errors: string[] = [];

  beforeAll(async () => {
    const http = createServer();
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(0, '127.0.0.1', () => resolve());
    });
    server = http;
    const { port } = http.address() as AddressInfo;
    url = `http://127.0.0.1:${port}`;

    // Errors are kept for the test to fail on (and print); the rest of the log is dropped.
    const logger = createLogger('warn', {
      write(line: string) {
        try {
          if ((JSON.parse(line) as { level?: number }).level! >= ERROR_LEVEL) errors.push(line.trim());
        } catch {
          errors.push(line.trim());
        }
      },
    });
    const chainTip = (): Promise<number> => world.rpc.getBlockCount();
    deps = {
      config: testConfig({
        PUBLIC_URL: url,
        WALLET_XPUB: settlementXpub(),
        FEE_ADDRESS: world.feeAddress,
        MIN_CONFIRMATIONS: String(MIN_CONFIRMATIONS),
      }),
      chain: SETTLEMENT_CHAIN,
      deriver: settlementDeriver(),
      clock: () => new Date(),
      logger,
      chainTip,
      readiness: createReadiness({ probes: { database: pingDatabase, node: chainTip }, logger, timeoutMs: 2_000 }),
      settlement: world.service(),
      // Low scrypt cost, as in test/support/http.ts: sign-ups in a test need not take 100 ms each.
      passwordHashing: { ln: 10, r: 8, p: 1 },
      rateLimits: Object.fromEntries(RATE_LIMIT_BUCKETS.map((bucket) => [bucket, { limit: 1_000_000, windowMs: 60_000 }])),
      checkResponses: true,
    };
    http.on('request', createApp(deps));
  });

  afterAll(async () => {
    const http = server;
    server = undefined;
    if (http === undefined) return;
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useE2eServer(): the server is not started yet (use it inside tests or hooks)');
    return value;
  };

  return {
    get url() {
      return started(url);
    },
    get deps() {
      return started(deps);
    },
    takeErrors() {
      const taken = errors;
      errors = [];
      return taken;
    },
  };
}

import { isKibbleError } from '../errors';
import type { Logger } from '../log';
import type { ReadinessCheck, ReadinessReport } from './deps';

/**
 * /readyz: can this instance take requests? Each dependency is asked with a timeout, so a hung
 * node makes /readyz answer 503 promptly instead of hanging the load balancer's probe.
 */

export type Probe = () => Promise<unknown>;

const DEFAULT_TIMEOUT_MS = 2_000;

/** The database probe lives with the connection it pings (db/connection.ts). */
export { pingDatabase } from '../db/connection';

export interface ReadinessOptions {
  /** Named probes, e.g. { database: pingDatabase, node: () => rpc.getBlockCount() }. */
  probes: Record<string, Probe>;
  logger: Logger;
  timeoutMs?: number;
}

export function createReadiness(options: ReadinessOptions): () => Promise<ReadinessReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return async () => {
    const names = Object.keys(options.probes);
    const checks = await Promise.all(names.map((name) => runProbe(name, options.probes[name], timeoutMs, options.logger)));
    return Object.fromEntries(names.map((name, i) => [name, checks[i] ?? { ok: false, error: 'failed' }]));
  };
}

async function runProbe(name: string, probe: Probe | undefined, timeoutMs: number, logger: Logger): Promise<ReadinessCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([Promise.resolve().then(() => probe?.()), timeout]);
    return outcome === 'timeout' ? { ok: false, error: 'timeout' } : { ok: true };
  } catch (error) {
    logger.warn({ err: error, check: name }, 'readiness check failed');
    // Only a code goes out: /readyz is public, and error messages can name hosts.
    return { ok: false, error: isKibbleError(error) ? error.code : 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

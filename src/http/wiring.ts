import type { ChainRpc } from '../node/rpc-client';
import { AddressDeriver } from '../keys/hd';
import type { Config } from '../config/config';
import { KibbleError } from '../errors';
import type { Logger } from '../log';
import type { AppDeps } from './deps';
import { createReadiness, pingDatabase } from './readiness';

/**
 * The deps of the real server, for `kibble serve`: `createApp(productionAppDeps({...})).listen(...)`
 * once the database is connected. Tests build theirs in test/support/http.ts instead.
 */
export function productionAppDeps(options: { config: Config; logger: Logger; rpc: Pick<ChainRpc, 'getBlockCount'> }): AppDeps {
  const { config, logger, rpc } = options;
  if (config.walletXpub === undefined) {
    throw new KibbleError('config-invalid', 'WALLET_XPUB is not set: the API derives deposit addresses from it');
  }
  if (config.nodeEnv === 'production' && !config.publicUrl.startsWith('https://')) {
    // Only reachable with the explicit opt-out (config.ts refuses it otherwise): say so every start.
    logger.warn(
      { publicUrl: config.publicUrl },
      'ALLOW_HTTP_PUBLIC_URL=true: PUBLIC_URL is not https, so session cookies are sent without Secure and the CSRF cookie without the __Host- prefix',
    );
  }
  return {
    config,
    chain: config.chain,
    deriver: new AddressDeriver(config.chain, config.walletXpub),
    clock: () => new Date(),
    logger,
    trustProxy: config.trustProxy,
    chainTip: cachedForMs(() => rpc.getBlockCount(), TIP_CACHE_MS),
    readiness: createReadiness({ probes: { database: pingDatabase, node: () => rpc.getBlockCount() }, logger }),
  };
}

/** Blocks come every minute (every second on regtest); /me need not ask the node every time. */
const TIP_CACHE_MS = 1_000;

/** Concurrent callers share one call in flight; a failure is not cached. */
export function cachedForMs<T>(load: () => Promise<T>, ms: number, now: () => number = Date.now): () => Promise<T> {
  let cached: { value: Promise<T>; at: number } | undefined;
  return () => {
    if (cached !== undefined && now() - cached.at < ms) return cached.value;
    const value = load();
    const entry = { value, at: now() };
    cached = entry;
    value.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return value;
  };
}

import { JsonRpcChainClient } from '../chain/rpc-client';
import type { Config } from '../config/config';
import { connectDatabase, disconnectDatabase } from '../db/connection';
import type { Logger } from '../log';
import { fillWithEmbeddedDefaults } from './embedded';

export interface RunningKibble {
  config: Config;
  /** Human-readable lines describing what runs, for the start banner. */
  banner: string[];
  stop(): Promise<void>;
}

/** What `kibble serve` starts, in order; each later issue adds its part (API, scanner, cron). */
export async function startKibble(config: Config, log: Logger): Promise<RunningKibble> {
  const embedded = await fillWithEmbeddedDefaults(config, (message) => log.info(message));
  const filled = embedded.config;
  try {
    const connection = await connectDatabase({ uri: filled.mongodbUri ?? '' });
    const rpc = new JsonRpcChainClient(filled.chainRpcUrl?.reveal() ?? '');
    const chainInfo = await rpc.getBlockchainInfo();
    const banner = [
      ...embedded.started,
      `chain: ${filled.chain.name}, node at ${rpc.redactedUrl}, tip height ${chainInfo.blocks}`,
      `wallet: deposit addresses from xpub ${filled.walletXpub?.slice(0, 12)}..., fee address ${filled.feeAddress ?? '(not set)'}`,
      `database: connected, indexes in place (${Object.keys(connection.models).length} models)`,
      'not yet: the HTTP API (issue 4), the deposit scanner (issue 3), the monthly settlement (issue 5)',
      ...embedded.warnings.map((warning) => `WARNING: ${warning}`),
    ];
    return {
      config: filled,
      banner,
      stop: async () => {
        await disconnectDatabase();
        await embedded.stop();
      },
    };
  } catch (error) {
    await disconnectDatabase();
    await embedded.stop();
    throw error;
  }
}

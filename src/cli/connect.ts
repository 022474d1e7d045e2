import { hostname } from 'node:os';
import { JsonRpcChainClient } from '../node/rpc-client';
import { loadConfig, type Config } from '../config/config';
import { connectDatabase, disconnectDatabase } from '../db/connection';
import { KibbleError } from '../errors';
import { createLogger, type Logger } from '../log';

export interface Connected {
  config: Config;
  rpc: JsonRpcChainClient;
  log: Logger;
  /** Names this process in leases. */
  instance: string;
}

/**
 * For commands that work on a deployment: its database and node, from the configuration. `hint`
 * ends the message when either is missing.
 */
export async function withDeployment<T>(command: string, run: (connected: Connected) => Promise<T>, hint = 'those of the running service'): Promise<T> {
  const config = loadConfig();
  if (config.mongodbUri === undefined || config.chainRpcUrl === undefined) {
    throw new KibbleError('config-invalid', `kibble ${command} needs MONGODB_URI and CHAIN_RPC_URL (${hint})`);
  }
  // Logs go to stderr so that --json output on stdout stays parseable.
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
  await connectDatabase({ uri: config.mongodbUri });
  try {
    return await run({ config, rpc: new JsonRpcChainClient(config.chainRpcUrl.reveal()), log, instance: `cli:${hostname()}:${process.pid}` });
  } finally {
    await disconnectDatabase();
  }
}

/** For commands that need only the database (the ledger audit): MONGODB_URI from the configuration. */
export async function withDatabase<T>(command: string, run: (config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  if (config.mongodbUri === undefined) throw new KibbleError('config-invalid', `kibble ${command} needs MONGODB_URI (that of the running service)`);
  await connectDatabase({ uri: config.mongodbUri });
  try {
    return await run(config);
  } finally {
    await disconnectDatabase();
  }
}

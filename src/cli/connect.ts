import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { JsonRpcChainClient } from '../node/rpc-client';
import { chainProfile } from '../chain/profiles';
import { loadConfig, type Config } from '../config/config';
import { loadOrCreateDevKeys } from '../config/dev-keys';
import { Secret } from '../config/secret';
import { connectDatabase, connectedDatabaseName, disconnectDatabase, logIndexRebuilds, missingKibbleCollections, syncAllIndexes } from '../db/connection';
import { KibbleError } from '../errors';
import { createLogger, type Logger } from '../log';
import { readStackFile } from '../runtime/embedded/stack-file';
import { pricesFromConfig, type PriceService } from '../services/prices/prices';

export interface Connected {
  config: Config;
  rpc: JsonRpcChainClient;
  log: Logger;
  /** Names this process in leases. */
  instance: string;
  /** Where planning asks for prices: PRICE_SOURCE_URL, or the running embedded stack's test prices. */
  prices: PriceService;
}

/** How long a command waits for the database before saying it is not there. */
const DATABASE_TIMEOUT_MS = 5_000;

/**
 * For commands that work on a deployment: its database and node, from the configuration, or,
 * with no MONGODB_URI (outside production), the embedded stack that `kibble serve` runs on
 * DATA_DIR. `hint` ends the message when neither is there.
 */
export async function withDeployment<T>(command: string, run: (connected: Connected) => Promise<T>, hint = 'those of the running service'): Promise<T> {
  const { config, testPrices } = deploymentConfig(command, loadConfig(), hint);
  if (config.mongodbUri === undefined || config.chainRpcUrl === undefined) {
    throw new KibbleError('config-invalid', `kibble ${command} needs MONGODB_URI and CHAIN_RPC_URL (${hint})`);
  }
  const log = commandLog(config);
  await connectKibbleDatabase(command, config.mongodbUri, log);
  try {
    const prices = pricesFromConfig(config, () => new Date(), undefined, testPrices);
    return await run({ config, rpc: new JsonRpcChainClient(config.chainRpcUrl.reveal()), log, instance: `cli:${hostname()}:${process.pid}`, prices });
  } finally {
    await disconnectDatabase();
  }
}

/** For commands that need only the database (the ledger audit): MONGODB_URI, or the embedded stack's. */
export async function withDatabase<T>(command: string, run: (config: Config) => Promise<T>): Promise<T> {
  const { config } = deploymentConfig(command, loadConfig(), 'that of the running service');
  if (config.mongodbUri === undefined) throw new KibbleError('config-invalid', `kibble ${command} needs MONGODB_URI (that of the running service)`);
  await connectKibbleDatabase(command, config.mongodbUri, commandLog(config));
  try {
    return await run(config);
  } finally {
    await disconnectDatabase();
  }
}

/**
 * The configuration with the embedded stack filled in when MONGODB_URI is unset: its database
 * and node from DATA_DIR/stack.json, its test-price server (`testPrices`: the price source is
 * that server on 127.0.0.1, as `kibble serve` itself reads it), its development keys from
 * DATA_DIR/dev-keys.json (what the environment sets wins). Production never looks there.
 */
export function deploymentConfig(command: string, config: Config, hint: string): { config: Config; testPrices: boolean } {
  if (config.mongodbUri !== undefined || config.nodeEnv === 'production') return { config, testPrices: false };
  const dataDir = resolve(config.dataDir);
  const found = readStackFile(dataDir);
  const otherwise = `start it with \`npm start\` (same DATA_DIR), or set MONGODB_URI and CHAIN_RPC_URL (${hint})`;
  switch (found.state) {
    case 'absent':
      throw new KibbleError('config-invalid', `kibble ${command}: no MONGODB_URI, and no embedded stack is running on DATA_DIR ${dataDir} (no ${found.file}): ${otherwise}`);
    case 'unreadable':
      throw new KibbleError('config-invalid', `kibble ${command}: no MONGODB_URI, and ${found.file} cannot be read (${found.reason}): ${otherwise}`);
    case 'stale':
      throw new KibbleError('config-invalid', `kibble ${command}: no MONGODB_URI, and the embedded stack that wrote ${found.file} is not running (process ${found.pid} is gone): ${otherwise}`);
    case 'running':
      break;
  }
  const { stack } = found;
  const chain = chainProfile(stack.chain);
  const testPrices = config.priceSourceUrl === undefined && stack.priceSourceUrl !== undefined;
  let filled: Config = { ...config, chain, mongodbUri: stack.mongodbUri, chainRpcUrl: config.chainRpcUrl ?? new Secret(stack.chainRpcUrl), priceSourceUrl: config.priceSourceUrl ?? stack.priceSourceUrl };
  const keysFile = join(dataDir, 'dev-keys.json');
  if (filled.walletXpub === undefined && filled.walletXprv === undefined && filled.walletMnemonic === undefined && existsSync(keysFile)) {
    const keys = loadOrCreateDevKeys(keysFile, chain);
    filled = { ...filled, walletXpub: keys.walletXpub, walletMnemonic: new Secret(keys.walletMnemonic), feeAddress: filled.feeAddress ?? keys.feeAddress, operatorToken: filled.operatorToken ?? new Secret(keys.operatorToken) };
  }
  return { config: filled, testPrices };
}

/** Logs go to stderr so that --json output on stdout stays parseable. */
function commandLog(config: Config): Logger {
  return createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
}

/**
 * Connects, and refuses a database that holds no kibble data (checked before the indexes are
 * synchronised, which would create kibble's collections in it).
 */
async function connectKibbleDatabase(command: string, uri: string, log: Logger): Promise<void> {
  try {
    await connectDatabase({ uri, syncIndexes: false, serverSelectionTimeoutMS: DATABASE_TIMEOUT_MS });
  } catch (error) {
    await disconnectDatabase();
    throw new KibbleError('config-invalid', `kibble ${command}: the database server at ${redactedHosts(uri)} does not answer (${error instanceof Error ? error.message : String(error)})`);
  }
  const missing = await missingKibbleCollections();
  if (missing.length === 3) {
    const name = connectedDatabaseName();
    await disconnectDatabase();
    throw new KibbleError(
      'config-invalid',
      `kibble ${command}: the database "${name}" at ${redactedHosts(uri)} holds no kibble data (no ${missing.join(', ')} collection); ` +
        'name kibble\'s database in MONGODB_URI (the path of the URI that `kibble serve` prints), or run `kibble serve` on it first',
    );
  }
  logIndexRebuilds(await syncAllIndexes(), log);
}

/** The URI's hosts only: no credentials, no database, no options. */
function redactedHosts(uri: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)(?:[^@/]*@)?([^/?]*)/i.exec(uri);
  return match ? `${match[1] ?? ''}${match[2] ?? ''}` : '(unparseable URI)';
}

import { join, resolve } from 'node:path';
import { startMongoServer } from './mongo-server';
import { startRegtestNode } from './bcoin-node';
import { MAILPIT_VERSION, startMailCatcher } from './mail-catcher';
import { startTestPriceServer } from './test-prices';
import type { TestPrice } from '../../config/embedded-test-prices';
import type { Config } from '../../config/config';
import { DEV_KEYS_WARNING, developmentKeysInUse, loadOrCreateDevKeys } from '../../config/dev-keys';
import { Secret } from '../../config/secret';
import { createSigner } from '../../signer/hd-signer';
import { KibbleError } from '../../errors';
import { DEFAULT_DATABASE_NAME, uriWithDatabase } from '../../db/database-name';

/**
 * The embedded default (DESIGN.md section 7): whatever the configuration leaves unset in
 * development is started or generated here, under DATA_DIR, and reused on the next start.
 */
export interface EmbeddedParts {
  config: Config;
  /** One line per thing that was started or generated, for the start banner. */
  started: string[];
  warnings: string[];
  /** True when the chain is the embedded regtest node, kibble's own from block 0. */
  embeddedChain: boolean;
  /** True when the database is the embedded server (then DATA_DIR gets a stack.json while it runs). */
  embeddedDatabase: boolean;
  /** The local mail catcher's web address, when SMTP_URL was unset in development and it started. */
  mailCatcherUrl: string | undefined;
  /**
   * The test prices served on the embedded regtest stack (EMBEDDED_TEST_PRICES) when PRICE_SOURCE_URL
   * was unset; the config's PRICE_SOURCE_URL then points at them. Undefined everywhere else.
   */
  testPrices: TestPrice[] | undefined;
  stop(): Promise<void>;
}

export async function fillWithEmbeddedDefaults(config: Config, log: (message: string) => void): Promise<EmbeddedParts> {
  const needsEmbedded = config.mongodbUri === undefined || config.chainRpcUrl === undefined || config.walletXpub === undefined;
  if (needsEmbedded && config.nodeEnv === 'production') {
    throw new KibbleError('config-invalid', 'NODE_ENV=production refuses the embedded defaults: set MONGODB_URI, CHAIN_RPC_URL and WALLET_XPUB');
  }
  const dataDir = resolve(config.dataDir);
  if (config.nodeEnv === 'production') {
    const problems = developmentKeysInUse(join(dataDir, 'dev-keys.json'), {
      chain: config.chain,
      walletXpub: config.walletXpub,
      feeAddress: config.feeAddress,
      operatorToken: config.operatorToken?.reveal(),
    });
    if (problems.length > 0) {
      throw new KibbleError('config-invalid', `NODE_ENV=production refuses development keys:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { problems });
    }
  }
  const stops: Array<() => Promise<void>> = [];
  const started: string[] = [];
  const warnings: string[] = [];
  let filled = config;
  let mailCatcherUrl: string | undefined;
  let testPrices: TestPrice[] | undefined;
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne();
  };

  try {
    if (filled.mongodbUri === undefined) {
      const server = await startMongoServer({ dataDir: join(dataDir, 'db'), externalUri: '', log });
      stops.push(() => server.stop());
      const mongodbUri = uriWithDatabase(server.uri, DEFAULT_DATABASE_NAME);
      filled = { ...filled, mongodbUri };
      // The whole URI, database included: copied into MONGODB_URI it must reach this database.
      started.push(`database: embedded ${server.kind} at ${mongodbUri} (data in ${join(dataDir, 'db')})`);
    }
    if (filled.smtpUrl === undefined && filled.nodeEnv === 'development') {
      // Mail is a convenience here, not a reason to refuse to start: without Mailpit it stays queued.
      try {
        const catcher = await startMailCatcher({ dataDir: join(dataDir, 'mail'), log });
        stops.push(() => catcher.stop());
        filled = { ...filled, smtpUrl: new Secret(catcher.smtpUrl) };
        mailCatcherUrl = catcher.webUrl;
        started.push(`mail: caught by a local Mailpit ${MAILPIT_VERSION} (SMTP_URL=${catcher.smtpUrl}, mail kept in ${join(dataDir, 'mail')}); nothing leaves this machine`);
      } catch (error) {
        warnings.push(`no local mail catcher (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): mail stays queued in the database; set SMTP_URL to send it`);
      }
    }
    if (filled.chainRpcUrl === undefined) {
      if (filled.chain.name !== 'bcoin-regtest') {
        throw new KibbleError('config-invalid', `CHAIN_RPC_URL: required for CHAIN=${filled.chain.name}; the embedded node runs bcoin-regtest only`);
      }
      const node = await startRegtestNode({ log, dataDir: join(dataDir, 'chain') });
      stops.push(() => node.stop());
      filled = { ...filled, chainRpcUrl: new Secret(node.rpcUrl) };
      started.push(`chain: embedded bcoin regtest node, JSON-RPC on 127.0.0.1:${node.port} (chain in ${join(dataDir, 'chain')})`);
      // Regtest coins have no market: fixed test prices, so that values in fiat and budgets in EUR work here.
      if (filled.priceSourceUrl === undefined && filled.embeddedTestPrices.length > 0) {
        const priceServer = await startTestPriceServer(filled.embeddedTestPrices, filled.priceCoinId);
        stops.push(() => priceServer.stop());
        filled = { ...filled, priceSourceUrl: priceServer.url };
        testPrices = filled.embeddedTestPrices;
      }
    }
    if (filled.walletXpub === undefined) {
      const signerSecret = filled.walletXprv ?? filled.walletMnemonic;
      if (signerSecret !== undefined) {
        // A signer key alone is enough to know the xpub; no development keys then.
        const secret = filled.walletXprv ? { xprv: signerSecret.reveal() } : { mnemonic: signerSecret.reveal() };
        filled = { ...filled, walletXpub: createSigner(filled.chain, secret).accountXpub() };
      } else {
        const keysFile = join(dataDir, 'dev-keys.json');
        const keys = loadOrCreateDevKeys(keysFile, filled.chain);
        filled = {
          ...filled,
          walletXpub: keys.walletXpub,
          walletMnemonic: new Secret(keys.walletMnemonic),
          feeAddress: filled.feeAddress ?? keys.feeAddress,
          operatorToken: filled.operatorToken ?? new Secret(keys.operatorToken),
        };
        started.push(`wallet: development keys ${keys.created ? 'generated in' : 'reused from'} ${keysFile}`);
        warnings.push(`${DEV_KEYS_WARNING} The operator token is in ${keysFile}.`);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { config: filled, started, warnings, embeddedChain: config.chainRpcUrl === undefined, embeddedDatabase: config.mongodbUri === undefined, mailCatcherUrl, testPrices, stop };
}

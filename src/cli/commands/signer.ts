import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { ChainProfile } from '../../chain/profiles';
import { loadConfig } from '../../config/config';
import { KibbleError } from '../../errors';
import { createLogger } from '../../log';
import { parseCoins } from '../../money/amount';
import { createSigner, type Signer, type SignerSecret } from '../../signer/hd-signer';
import { DEFAULT_SIGNING_LIMITS, type SigningLimits } from '../../signer/policy';
import { SignedLog } from '../../signer/signed-log';
import { startSignerServer } from '../../signer/signer-server';
import { SigningDesk } from '../../signer/signing-desk';
import { EXIT, type CliIo } from '../io';
import { CHAIN_HELP, chainOption } from '../options';

/**
 * `kibble signer`: the process that holds the key and nothing else (docs/signer.md). No database,
 * no web pages: a Unix socket, the signed log and the policy. `kibble sign` (offline) shares the
 * key loading and the limits with it.
 */

export interface KeyOptions {
  chain?: ChainProfile;
  keyFile?: string;
  mnemonicFile?: string;
}

export interface LimitOptions {
  maxFee?: string;
  dailyCeiling?: string;
  monthlyCeiling?: string;
}

interface SignerOptions extends KeyOptions, LimitOptions {
  stateDir: string;
  socket?: string;
  exitAfterLogging?: boolean;
}

export function registerSigner(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('signer')
    .description('run the signer: holds WALLET_XPRV / WALLET_MNEMONIC (or --key-file), checks and signs settlement PSBTs on a Unix socket (SIGNER_URL=unix:<socket>)')
    .requiredOption('--state-dir <dir>', 'folder of the signed log (and the socket by default); keep it, it is what makes signing idempotent');
  addKeyAndLimitOptions(command)
    .option('--socket <path>', 'Unix socket to listen on (default: <state-dir>/signer.sock)')
    .addOption(new Option('--exit-after-logging', 'test hook: exit once a signature is logged, before answering').hideHelp())
    .action(async (options: SignerOptions) => {
      const config = loadConfig();
      const chain = options.chain ?? config.chain;
      const signer = loadSigner(chain, options);
      const log = createLogger(config.logLevel);
      const stateDir = resolve(options.stateDir);
      const desk = new SigningDesk(chain, signer, SignedLog.open(stateDir), limitsOf(chain, options));
      const socketPath = resolve(options.socket ?? join(stateDir, 'signer.sock'));
      const running = await startSignerServer({
        socketPath, desk, log,
        ...(options.exitAfterLogging ? { afterLogged: () => process.exit(EXIT.internal) } : {}),
      });
      io.out(`kibble signer for ${chain.name} listening on unix:${socketPath}\n`);
      const signal = await new Promise<string>((done) => {
        const stop = (name: string) => done(name);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      io.out(`kibble signer: ${signal} received, stopping\n`);
      await running.close();
      setExit(EXIT.ok);
    });
}

export function addKeyAndLimitOptions(command: Command): Command {
  return command
    .option('--chain <profile>', `${CHAIN_HELP} (default: CHAIN)`, chainOption)
    .option('--key-file <file>', 'file holding the account xprv or the BIP39 mnemonic; must not be readable by group or others (default: WALLET_XPRV or WALLET_MNEMONIC)')
    .option('--max-fee <coins>', `highest network fee of one transaction (default ${coinsText(DEFAULT_SIGNING_LIMITS.maxFeePerTransaction)})`)
    .option('--daily-ceiling <coins>', `most signed away per UTC day (default ${coinsText(DEFAULT_SIGNING_LIMITS.dailyCeiling)})`)
    .option('--monthly-ceiling <coins>', `most signed away per UTC month (default ${coinsText(DEFAULT_SIGNING_LIMITS.monthlyCeiling)})`);
}

/** The key from a private file, else from the environment; never echoed, not even in part. */
export function loadSigner(chain: ChainProfile, options: KeyOptions): Signer {
  const file = options.keyFile ?? options.mnemonicFile;
  if (file !== undefined) return createSigner(chain, secretFromFile(file));
  const config = loadConfig();
  if (config.walletXprv !== undefined) return createSigner(chain, { xprv: config.walletXprv.reveal() });
  if (config.walletMnemonic !== undefined) return createSigner(chain, { mnemonic: config.walletMnemonic.reveal() });
  throw new KibbleError('config-invalid', 'the signer needs its key: --key-file <file>, or WALLET_XPRV or WALLET_MNEMONIC in its environment');
}

function secretFromFile(file: string): SignerSecret {
  const stat = statSync(file);
  if (!stat.isFile()) throw new KibbleError('config-invalid', `${file} is not a file`);
  if ((stat.mode & 0o077) !== 0) {
    throw new KibbleError('config-invalid', `${file} is readable or writable by group or others (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it first`);
  }
  const text = readFileSync(file, 'utf8').trim();
  return /\s/.test(text) ? { mnemonic: text } : { xprv: text };
}

export function limitsOf(chain: ChainProfile, options: LimitOptions): SigningLimits {
  const coins = (text: string | undefined, fallback: bigint, name: string): bigint => {
    if (text === undefined) return fallback;
    try {
      return parseCoins(text, { maxMoney: chain.maxMoney, ticker: chain.ticker });
    } catch (error) {
      throw new KibbleError('validation-failed', `${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return {
    maxFeePerTransaction: coins(options.maxFee, DEFAULT_SIGNING_LIMITS.maxFeePerTransaction, '--max-fee'),
    dailyCeiling: coins(options.dailyCeiling, DEFAULT_SIGNING_LIMITS.dailyCeiling, '--daily-ceiling'),
    monthlyCeiling: coins(options.monthlyCeiling, DEFAULT_SIGNING_LIMITS.monthlyCeiling, '--monthly-ceiling'),
  };
}

function coinsText(units: bigint): string {
  return `${units / 100_000_000n} coin(s)`;
}

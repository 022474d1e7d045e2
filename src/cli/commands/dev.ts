import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { loadOrCreateDevKeys } from '../../config/dev-keys';
import { KibbleError } from '../../errors';
import { readStackFile } from '../../runtime/embedded/stack-file';
import { EXIT, type CliIo } from '../io';

/**
 * `kibble dev ...`: helpers for the embedded regtest stack (`npm start` with nothing configured).
 * `dev fund` asks the running stack, found from DATA_DIR's stack.json, to send test coins
 * from its faucet: one process owns the faucet's coins, so two payments never pick the same one.
 */
export function registerDev(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const dev = program.command('dev').description('development helpers for the embedded regtest stack (npm start with no configuration)');
  dev
    .command('fund')
    .description(
      "send test coins from the running embedded stack's faucet (found from DATA_DIR) to a handle's deposit address or to an address; " +
        'they count in the balance after MIN_CONFIRMATIONS of the blocks the embedded node mines. Refused on any other chain or node.',
    )
    .argument('<to>', "a handle (the coins go to that account's deposit address) or an address of the embedded chain")
    .argument('<amount>', 'whole coins, e.g. 25 or 2.5 (at most 1000)')
    .action(async (to: string, amount: string) => {
      const config = loadConfig();
      const dataDir = resolve(config.dataDir);
      const found = readStackFile(dataDir);
      if (found.state !== 'running') {
        const why = found.state === 'stale' ? `${found.file} was left by process ${found.pid}, which is gone` : found.state === 'unreadable' ? `${found.file}: ${found.reason}` : `no ${found.file}`;
        throw new KibbleError('dev-chain-only', `no embedded kibble is running for DATA_DIR=${dataDir} (${why}): start it with npm start, then try again`);
      }
      const url = found.stack.httpUrl.replace(/\/+$/, '');
      const token = config.operatorToken?.reveal() ?? developmentOperatorToken(dataDir, config.chain);
      let response: Response;
      try {
        response = await fetch(`${url}/api/v1/dev/fund`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ to, amount }),
          signal: AbortSignal.timeout(30_000),
        });
      } catch {
        throw new KibbleError('rpc-unreachable', `the embedded kibble of DATA_DIR=${dataDir} does not answer at ${url}: is npm start still running?`);
      }
      const body = (await response.json()) as { txid?: string; address?: string; amount?: string; blockSeconds?: number; error?: { code: string; message: string } };
      if (!response.ok || body.error !== undefined) {
        io.err(`kibble dev fund: ${body.error?.message ?? `HTTP ${response.status}`} [${body.error?.code ?? 'internal'}]\n`);
        setExit(response.status >= 500 ? EXIT.internal : EXIT.checkFailed);
        return;
      }
      const blocks = (body.blockSeconds ?? 0) > 0 ? `the embedded node mines a block every ${body.blockSeconds} s` : 'mining is off (EMBEDDED_BLOCK_SECONDS=0)';
      io.out(`sent ${body.amount} ${config.chain.ticker} to ${body.address} in ${body.txid}\n`);
      io.out(`it counts in the balance after ${config.minConfirmations} confirmations; ${blocks}\n`);
      setExit(EXIT.ok);
    });
}

/** The operator token of the embedded stack's development keys (never created here). */
function developmentOperatorToken(dataDir: string, chain: Parameters<typeof loadOrCreateDevKeys>[1]): string {
  const file = join(dataDir, 'dev-keys.json');
  if (!existsSync(file)) throw new KibbleError('config-invalid', `no OPERATOR_TOKEN and no ${file}: set OPERATOR_TOKEN to that of the running stack`);
  return loadOrCreateDevKeys(file, chain).operatorToken;
}

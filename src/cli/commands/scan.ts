import type { Command } from 'commander';
import { KibbleError } from '../../errors';
import { createLogger } from '../../log';
import { DepositScanner } from '../../services/deposits/scanner';
import { withDeployment } from '../connect';
import { EXIT, type CliIo } from '../io';

interface ScanOptions {
  once?: boolean;
  json?: boolean;
}

export function registerScan(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('scan')
    .description('run the deposit scanner against MONGODB_URI and CHAIN_RPC_URL: walk blocks from the stored cursor to the tip, record deposits, credit confirmed ones')
    .option('--once', 'scan up to the current tip once, print a report and exit (the only mode so far; `kibble serve` runs it on an interval)')
    .option('--json', 'print the report as JSON')
    .action(async (options: ScanOptions) => {
      if (!options.once) throw new KibbleError('validation-failed', 'use --once (the scanner runs continuously inside `kibble serve`)');
      await withDeployment(
        'scan',
        async ({ config, rpc }) => {
          // The scanner's progress goes to the configured log, as in `kibble serve`.
          const scanner = new DepositScanner({
            rpc,
            chain: config.chain,
            minConfirmations: config.minConfirmations,
            log: createLogger(config.logLevel),
            clock: () => new Date(),
            ...(config.scanStartHeight === undefined ? {} : { startHeight: config.scanStartHeight }),
          });
          const report = await scanner.scanOnce();
          io.out(options.json ? `${JSON.stringify(report)}\n` : formatReport(report));
        },
        'the embedded default runs its scanner inside `kibble serve`',
      );
      setExit(EXIT.ok);
    });
}

function formatReport(report: Awaited<ReturnType<DepositScanner['scanOnce']>>): string {
  const rate = report.seconds > 0 ? (report.blocks / report.seconds).toFixed(1) : '-';
  return [
    `scanned ${report.blocks} block(s): height ${report.fromHeight} -> ${report.toHeight}, node tip ${report.tip} (${rate} blocks/s)`,
    `outputs received ${report.received}, spent ${report.spent}, deposits credited ${report.credited}, in mempool ${report.mempoolDeposits}, reorgs ${report.reorgs}`,
    '',
  ].join('\n');
}

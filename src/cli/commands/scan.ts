import type { Command } from 'commander';
import { isKibbleError, KibbleError } from '../../errors';
import { waitForLease, type SlotLease } from '../../db/lease';
import { LeasedScanner, SCANNER_LEASE_SLOT_MS, scannerLease } from '../../jobs/scanner-lease';
import { createLogger } from '../../log';
import { DepositScanner, type ScanReport } from '../../services/wallet-watch/scanner';
import { withDeployment } from '../connect';
import { EXIT, type CliIo } from '../io';
import { secondsOption } from '../options';

interface ScanOptions {
  once?: boolean;
  json?: boolean;
  wait: number;
}

/** Long enough for the lease of an instance that stopped without giving it up to lapse (two slots). */
const DEFAULT_WAIT_SECONDS = (2 * SCANNER_LEASE_SLOT_MS) / 1000;
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function registerScan(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('scan')
    .description(
      'run the deposit scanner against MONGODB_URI and CHAIN_RPC_URL: walk blocks from the stored cursor to the tip, record deposits, credit confirmed ones. ' +
        'It runs under the "scanner" lease, as `kibble serve` does, so it never scans at the same time as a running instance; ' +
        'exit code 75 when that lease stays held, 130 when stopped by Ctrl-C (the next pass resumes from the stored cursor).',
    )
    .option('--once', 'scan up to the current tip once, print a report and exit (the only mode so far; `kibble serve` runs it on an interval)')
    .option('--wait <seconds>', `how long to wait for the scanner lease when another process holds it (0: refuse at once)`, secondsOption, DEFAULT_WAIT_SECONDS)
    .option('--json', 'print the report as JSON')
    .action(async (options: ScanOptions) => {
      if (!options.once) throw new KibbleError('validation-failed', 'use --once (the scanner runs continuously inside `kibble serve`)');
      const code = await withDeployment(
        'scan',
        async ({ config, rpc, instance }) => {
          // The scanner's progress goes to the configured log, as in `kibble serve`.
          const clock = () => new Date();
          const scanner = new DepositScanner({
            rpc,
            chain: config.chain,
            minConfirmations: config.minConfirmations,
            log: createLogger(config.logLevel),
            clock,
            ...(config.scanStartHeight === undefined ? {} : { startHeight: config.scanStartHeight }),
          });
          return scanUnderLease(scanner, scannerLease(instance, clock, config.scannerLeaseSeconds * 1000), options, io);
        },
        'the embedded default runs its scanner inside `kibble serve`',
      );
      setExit(code);
    });
}

/** One pass under the scanner lease: waits for it as asked, releases it however the pass ends. */
async function scanUnderLease(scanner: DepositScanner, lease: SlotLease, options: ScanOptions, io: CliIo): Promise<number> {
  return withStopSignals(io, lease.release.bind(lease), async (stopRequested) => {
    try {
      const refused = await waitForLease(lease, {
        waitMs: options.wait * 1000,
        stopRequested,
        onWaiting: (heldBy) => io.err(`kibble: the "scanner" lease is held by ${holderName(heldBy)}; waiting up to ${options.wait} s for it (Ctrl-C to give up)\n`),
      });
      if (refused !== undefined) {
        if (stopRequested()) return EXIT.interrupted;
        io.err(refusal(refused.heldBy, options.wait, lease.slotMs / 1000));
        return EXIT.busy;
      }
      const report = await new LeasedScanner(scanner, lease).pass({ stopRequested });
      if (report === undefined) throw new KibbleError('lease-held', 'the scanner lease was taken by another process just now');
      io.out(options.json ? `${JSON.stringify(report)}\n` : formatReport(report));
      return report.interrupted ? EXIT.interrupted : EXIT.ok;
    } catch (error) {
      if (!isKibbleError(error, 'lease-held')) throw error;
      io.err(`kibble: ${error.message}; run it again later [lease-held]\n`);
      return EXIT.busy;
    } finally {
      await lease.release();
    }
  });
}

/**
 * Runs `work` with SIGINT/SIGTERM turned into a request to stop after the current batch (the
 * lease is released on the way out). A second signal gives the lease up and exits at once: every
 * write of the scanner is safe to repeat, so the next pass finishes whatever was cut short.
 */
async function withStopSignals<T>(io: CliIo, release: () => Promise<void>, work: (stopRequested: () => boolean) => Promise<T>): Promise<T> {
  let stop = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop) {
      void release().finally(() => process.exit(EXIT.interrupted));
      return;
    }
    stop = true;
    io.err(`kibble: ${signal} received, stopping after the current batch (again to stop at once)\n`);
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  try {
    return await work(() => stop);
  } finally {
    for (const name of STOP_SIGNALS) process.off(name, onSignal);
  }
}

function refusal(heldBy: string | undefined, waitedSeconds: number, slotSeconds: number): string {
  return [
    `kibble: the "scanner" lease is held by ${holderName(heldBy)}${waitedSeconds > 0 ? ` (waited ${waitedSeconds} s)` : ''}; nothing was scanned [lease-held]`,
    '  A running `kibble serve` scans on its own every SCAN_INTERVAL_SECONDS: while it runs, there is nothing to do.',
    `  If that process has stopped, its lease lapses within ${2 * slotSeconds} s: run this again, or wait longer with --wait <seconds>.`,
    '',
  ].join('\n');
}

function holderName(heldBy: string | undefined): string {
  return heldBy === undefined ? 'another process' : `"${heldBy}"`;
}

function formatReport(report: ScanReport): string {
  const rate = report.seconds > 0 ? (report.blocks / report.seconds).toFixed(1) : '-';
  return [
    `scanned ${report.blocks} block(s): height ${report.fromHeight} -> ${report.toHeight}, node tip ${report.tip} (${rate} blocks/s)`,
    ...(report.rolledBackTo === null ? [] : [`reorg: rolled back to the fork point at height ${report.rolledBackTo}, then rescanned to ${report.toHeight}`]),
    `outputs received ${report.received}, spent ${report.spent}, deposits credited ${report.credited}, in mempool ${report.mempoolDeposits}, reorgs ${report.reorgs}`,
    ...(report.interrupted ? [`interrupted at height ${report.toHeight}: the next pass resumes there`] : []),
    '',
  ].join('\n');
}

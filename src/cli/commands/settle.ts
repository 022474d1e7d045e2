import { InvalidArgumentError, type Command } from 'commander';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Transaction } from 'bitcoinjs-lib';
import type { ChainProfile } from '../../chain/profiles';
import type { Config } from '../../config/config';
import { KibbleError } from '../../errors';
import type { ChainRpc } from '../../node/rpc-client';
import { exportFiles } from '../../services/settlement/signing';
import type { Settlement } from '../../services/settlement/settlement-store';
import type { SettlementService } from '../../services/settlement/state-machine';
import { signedTransactionFromText } from '../../signer/signed-check';
import { parsePeriod } from '../../money/period';
import { decimalText, FIAT_CURRENCIES, isFiatCurrency, parseRate, type FiatCurrency, type PriceQuote } from '../../money/fiat';
import { operatorQuote } from '../../services/settlement/plan-rates';
import { createSettlementService } from '../../runtime/settlement';
import { settlementStatus } from '../../services/settlement/status';
import { planReportView, settlementStatusView, type PlanReportView, type SettlementStatusView } from '../../services/settlement/views';
import { withDeployment } from '../connect';
import { EXIT, type CliIo } from '../io';
import { formatTable } from '../table';

interface SettleOptions {
  plan?: boolean;
  execute?: boolean;
  rebroadcast?: boolean;
  closeNow?: boolean;
  json?: boolean;
  exportPsbt?: string;
  importSigned?: string[];
  rate?: Array<{ currency: FiatCurrency; rate: string }>;
}

export function registerSettle(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('settle')
    .description('plan (dry run), execute or re-broadcast the settlement of a month against MONGODB_URI and CHAIN_RPC_URL')
    .argument('<period>', "the month, 'YYYY-MM' (UTC)", periodArgument)
    .option('--plan', 'dry run: print who is charged, who is paid, what is carried, the fee and every transaction; stores nothing')
    .option('--execute', 'close the month (if it has ended), plan, sign and broadcast; resumes a settlement that stopped')
    .option('--close-now', 'with --execute: close the current month now (later clicks go to the next month)')
    .option('--rebroadcast', 'send the stored signed transactions again (never new ones)')
    .option('--json', 'print JSON instead of tables')
    .option('--export-psbt <dir>', 'close and plan like --execute, then write the PSBTs and the plan summary (JSON and text) to <dir> for `kibble sign` offline; nothing is signed or sent')
    .option('--import-signed <files...>', 'store the transactions signed offline (signed PSBTs or raw hex) once they are exactly the planned ones, fully signed, then broadcast them')
    .option('--rate <currency=price>', `the price of one coin in a fiat currency (${FIAT_CURRENCIES.join(', ')}) to convert budgets in that currency at, e.g. EUR=0.12; instead of the price source's; repeat for several currencies; the plan records it`, rateArgument, [])
    .action(async (period: string, options: SettleOptions) => {
      const modes = [options.plan, options.execute, options.rebroadcast, options.exportPsbt, options.importSigned].filter(Boolean).length;
      if (modes !== 1) throw new KibbleError('validation-failed', 'choose exactly one of --plan, --execute, --rebroadcast, --export-psbt, --import-signed');
      if (options.closeNow && !options.execute && options.exportPsbt === undefined) throw new KibbleError('validation-failed', '--close-now goes with --execute or --export-psbt');
      const given = options.rate ?? [];
      if (given.length > 0 && !options.plan && !options.execute && options.exportPsbt === undefined) throw new KibbleError('validation-failed', '--rate goes with --plan, --execute or --export-psbt');
      await withDeployment('settle', async ({ config, rpc, log, instance, prices }) => {
        const service = createSettlementService(config, rpc, log, { instance, prices });
        const now = new Date();
        const rates = given.map(({ currency, rate }) => operatorQuote(currency, rate, now));
        if (options.exportPsbt !== undefined || options.importSigned !== undefined) {
          const settlement = options.exportPsbt !== undefined
            ? await exportForOfflineSigning(service, config, rpc, period, options.exportPsbt, { closeNow: options.closeNow === true, rates }, io)
            : await service.importSigned(period, readSignedFiles(config.chain, options.importSigned ?? []));
          const status = settlementStatusView(period, settlement, await rpc.getBlockCount());
          io.out(options.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
          return;
        }
        if (options.plan) {
          const report = planReportView(await service.plan(period, { rates }));
          io.out(options.json ? `${JSON.stringify(report)}\n` : formatPlan(report));
          return;
        }
        const settlement = options.execute ? await service.execute(period, { closeNow: options.closeNow === true, rates }) : await service.rebroadcast(period);
        const status = settlementStatusView(period, settlement, await rpc.getBlockCount());
        io.out(options.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
      });
      setExit(EXIT.ok);
    });

  program
    .command('settlement-status')
    .description("show a month's settlement: state, totals, transactions with confirmations, the last error")
    .argument('<period>', "the month, 'YYYY-MM' (UTC)", periodArgument)
    .option('--json', 'print JSON')
    .action(async (period: string, options: { json?: boolean }) => {
      await withDeployment('settlement-status', async ({ rpc }) => {
        const { status } = await settlementStatus(period, await rpc.getBlockCount());
        io.out(options.json ? `${JSON.stringify(status)}\n` : formatStatus(status));
      });
      setExit(EXIT.ok);
    });
}

async function exportForOfflineSigning(
  service: SettlementService, config: Config, rpc: ChainRpc, period: string, dir: string, options: { closeNow: boolean; rates: PriceQuote[] }, io: CliIo,
): Promise<Settlement> {
  const walletXpub = config.walletXpub;
  if (walletXpub === undefined) throw new KibbleError('config-invalid', '--export-psbt needs WALLET_XPUB (the PSBTs name the keys of their inputs and change)');
  const written: string[] = [];
  const settlement = await service.execute(period, {
    ...options,
    exportForSigning: async (exported, stored, dataScript) => {
      mkdirSync(dir, { recursive: true });
      for (const file of await exportFiles({ chain: config.chain, rpc, walletXpub, dataOutputs: dataScript === undefined ? [] : [dataScript] }, exported, stored)) {
        writeFileSync(join(dir, file.name), file.text);
        written.push(file.name);
      }
    },
  });
  io.out(written.length === 0
    ? `${period} is ${settlement.state}: nothing to export\n`
    : `wrote ${written.join(', ')} to ${dir}\nsign them offline: kibble sign ${dir}/${period}-tx*.psbt --summary ${dir}/${period}-summary.json --mnemonic-file <file>\n`);
  return settlement;
}

function readSignedFiles(chain: ChainProfile, files: readonly string[]): Array<{ label: string; tx: Transaction }> {
  return files.map((file) => ({ label: basename(file), tx: signedTransactionFromText(chain, readFileSync(file, 'utf8'), basename(file)) }));
}

/** `EUR=0.12`, validated; a currency given twice is refused. */
function rateArgument(value: string, previous: Array<{ currency: FiatCurrency; rate: string }>): Array<{ currency: FiatCurrency; rate: string }> {
  const match = /^([A-Za-z]{3})=(.+)$/.exec(value);
  const currency = match?.[1]?.toUpperCase();
  if (match === null || !isFiatCurrency(currency)) throw new InvalidArgumentError(`expected <currency>=<price of one coin>, e.g. EUR=0.12, with a currency of ${FIAT_CURRENCIES.join(', ')}`);
  let rate: string;
  try {
    rate = decimalText(parseRate(match[2], currency));
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
  if (previous.some((given) => given.currency === currency)) throw new InvalidArgumentError(`${currency} is given twice`);
  return [...previous, { currency, rate }];
}

function periodArgument(value: string): string {
  try {
    return parsePeriod(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

export function formatPlan(report: PlanReportView): string {
  const right = (...columns: number[]) => new Set(columns);
  const lines = [
    `Settlement plan for ${report.period} (${report.stored ? 'the stored plan being carried out' : 'dry run: nothing is stored'}; state ${report.state})`,
    '',
    `Donors charged: ${report.totals.donorsCharged}, clicks: ${report.totals.clicks}, charged in all: ${report.totals.charged}`,
    report.donors.length === 0 ? '  (none)' : indent(formatTable(['donor', 'clicks', 'budget', 'balance', 'charge', 'fee', 'refunded'], report.donors.map((d) => [d.donorId, d.clicks, d.budget, d.balanceBefore, d.charge, d.fee, d.refunded]), right(1, 2, 3, 4, 5, 6))),
    '',
    `Creators: ${report.totals.creatorsPaid} paid, ${report.totals.paidToCreators} in all; carried to next month: ${report.totals.carried}`,
    report.creators.length === 0 ? '  (none)' : indent(formatTable(['creator', 'payout address', 'owed before', 'credited', 'returned', 'paid', 'owed after', 'outcome'], report.creators.map((c) => [c.creatorId, c.payoutAddress ?? '(none)', c.owedBefore, c.credited, c.returned, c.paid, c.owedAfter, c.outcome]), right(2, 3, 4, 5, 6))),
    '',
    ...(report.rates.length === 0 ? [] : [`Fiat budgets converted at (floored to the smallest unit): ${report.rates.map((r) => `1 coin = ${r.rate} ${r.currency} (${r.source}, ${r.at})`).join('; ')}`, '']),
    `Returned to donors (unclaimed too long): ${report.totals.refunded}`,
    ...report.refunds.map((r) => `  ${r.amount} from creator ${r.creatorId} (${r.fromPeriod}) back to donor ${r.donorId}`),
    `Service fee this month: ${report.totals.serviceFee}`,
    report.feePayment === null
      ? 'Platform fee payment: none (no FEE_ADDRESS, or below dust): it stays in platform:fees'
      : `Platform fee payment to ${report.feePayment.address}: ${report.feePayment.note} (requested ${report.feePayment.requested}, network fee ${report.networkFee})`,
    `Allocation root: ${report.commitment.root ?? 'none'}: ${report.commitment.note}`,
    '',
    report.buildError !== null
      ? `Transactions: cannot be built now: ${report.buildError}`
      : `Transactions: ${report.transactions.length}, ${report.totalBytes} bytes (lower bound ${report.lowerBoundBytes}), network fee ${report.networkFee}`,
    ...(report.transactions.length === 0 ? [] : [indent(formatTable(['#', 'inputs', 'outputs', 'bytes', 'fee', 'change'], report.transactions.map((t) => [t.index + 1, t.inputs, t.outputs, t.bytes, t.fee, t.change]), right(0, 1, 2, 3, 4, 5)))]),
    '',
  ];
  return lines.join('\n');
}

export function formatStatus(status: SettlementStatusView): string {
  const lines = [`Settlement ${status.period}: ${status.state}${status.closedAt ? ` (closed ${status.closedAt}${status.closedEarly ? ', early' : ''})` : ''}`];
  if (status.summary) {
    const s = status.summary;
    lines.push(`  charged ${s.charged}, creators credited ${s.creditedToCreators}, paid ${s.paidToCreators} to ${s.creatorsPaid} creator(s), service fee ${s.serviceFee}, carried ${s.carried}`);
    const feeCarried = s.feePaymentCarried !== undefined && s.feePaymentCarried !== '0' ? ` (${s.feePaymentCarried} of it carried to a later month)` : '';
    lines.push(`  fee payment ${s.feePaymentPaid}${feeCarried}, network fee ${s.networkFee}, ${s.transactionCount} transaction(s), ${s.totalBytes} bytes`);
  }
  if (status.transactions.length > 0) {
    lines.push(indent(formatTable(['txid', 'state', 'bytes', 'fee', 'confirmations'], status.transactions.map((t) => [t.txid, t.state, t.bytes, t.fee, t.confirmations]), new Set([2, 3, 4]))));
  }
  if (status.awaitingSignaturesSince) lines.push(`  waiting for signatures (PSBTs exported ${status.awaitingSignaturesSince})`);
  if (status.lastError) lines.push(`  last error: ${status.lastError}`);
  lines.push('');
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

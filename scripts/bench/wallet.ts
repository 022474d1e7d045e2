import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Types } from 'mongoose';
import { chainProfile } from '../../src/chain/profiles';
import { connectDatabase, disconnectDatabase } from '../../src/db/connection';
import { DepositModel } from '../../src/db/deposit';
import { WalletOutputModel } from '../../src/db/wallet-output';
import { WalletSpendModel } from '../../src/db/wallet-spend';
import { COIN } from '../../src/money/amount';
import { startMongoServer, type MongoServer } from '../../src/runtime/embedded/mongo-server';
import { spendableOutputs, walletHoldings } from '../../src/services/settlement/wallet';
import { insertDeposits } from '../../src/services/wallet-watch/deposit-store';
import { insertScannedBlocks } from '../../src/services/wallet-watch/scanned-block-store';
import { advanceWalletCheckpoint, WALLET_CHECKPOINT_DEPTH } from '../../src/services/wallet-watch/wallet-checkpoint';
import { insertWalletOutputs, type WalletOutputRow } from '../../src/services/wallet-watch/wallet-output-store';
import { insertWalletSpends } from '../../src/services/wallet-watch/wallet-spend-store';
import { readUnspentWallet, unspentWalletOutpoints } from '../../src/services/wallet-watch/wallet-view';
import { formatMs, printMonthTable } from './month-table';

/**
 * The wallet's reads against its history (issue 13: a read's cost must not grow with history).
 * Each month DONORS deposits arrive spread over the month's blocks (a wallet output and a
 * credited deposit each), and the month's settlement, early in the next month, spends all of the
 * month before's and the last change, leaving one change output: the history grows by DONORS + 1
 * outputs and spends a month while the wallet holds about one month of deposits. At the end of
 * months 1, 6 and the last, with the checkpoint moved up as the scanner's job moves it, it times
 * the reads that used to load the whole history: the settlement's plan (`spendableOutputs`), its
 * check before signing (`walletHoldings`), the scanner's start-up (`unspentWalletOutpoints`), and
 * for reference the old read (every output and every spend), with how many rows each loads.
 *
 *   npx tsx scripts/bench/wallet.ts [--donors 10000] [--months 12] [--reads 5]
 *
 * MONGODB_URI chooses the database (a temporary database in it, dropped at the end); without it,
 * FerretDB through the embedded launcher (which reads every row of a collection per query).
 */
const { values: args } = parseArgs({
  options: {
    donors: { type: 'string', default: '10000' },
    months: { type: 'string', default: '12' },
    reads: { type: 'string', default: '5' },
  },
});
const DONORS = positive('donors');
const MONTHS = positive('months');
const READS = positive('reads');
/** Blocks a month (Dogecoin: 43,200); only heights relative to the checkpoint's depth matter. */
const BLOCKS_PER_MONTH = 1_000;
const SETTLEMENT_BLOCK = 50;
const MIN_CONFIRMATIONS = 6;
const chain = chainProfile('bcoin-regtest');

function positive(name: 'donors' | 'months' | 'reads'): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive whole number`);
  return value;
}

const log = (message: string): void => void process.stderr.write(`${message}\n`);
const donorIds = Array.from({ length: DONORS }, () => new Types.ObjectId().toHexString());
const hex64 = (): string => randomBytes(32).toString('hex');
const blockHash = (height: number): string => height.toString(16).padStart(64, '0');

/** What the wallet holds now (outpoint rows), mirrored here so each month's spends can be written. */
let held: WalletOutputRow[] = [];

async function writeMonth(month: number): Promise<void> {
  const start = (month - 1) * BLOCKS_PER_MONTH + 1;
  // The settlement of the month before, early in this one: spends everything held, one change.
  if (month > 1) {
    const settledAt = start + SETTLEMENT_BLOCK;
    const txid = hex64();
    const total = held.reduce((sum, row) => sum + row.amount, 0n);
    await insertWalletSpends(held.map((row) => ({ outpoint: row.outpoint, spentByTxid: txid, spentHeight: settledAt, blockHash: blockHash(settledAt) })));
    const change: WalletOutputRow = { outpoint: `${txid}:0`, txid, vout: 0, address: 'change', kind: 'change', addressIndex: month, amount: total / 10n, coinbase: false, blockHash: blockHash(settledAt), blockHeight: settledAt };
    await insertWalletOutputs([change]);
    held = [change];
  }
  const deposits: WalletOutputRow[] = donorIds.map((id, i) => {
    const height = start + ((i * 7) % (BLOCKS_PER_MONTH - 2 * WALLET_CHECKPOINT_DEPTH));
    const txid = hex64();
    return { outpoint: `${txid}:0`, txid, vout: 0, address: `deposit-${i}`, kind: 'deposit', addressIndex: i, amount: BigInt(5 + (i % 7)) * COIN, coinbase: false, blockHash: blockHash(height), blockHeight: height };
  });
  await insertWalletOutputs(deposits);
  await insertDeposits(
    deposits.map((row, i) => ({ txid: row.txid, vout: row.vout, address: row.address, accountId: donorIds[i] ?? '', amount: row.amount, coinbase: false, blockHash: row.blockHash, blockHeight: row.blockHeight, seenAt: new Date(), creditedAt: new Date() })),
  );
  held.push(...deposits);
  const cursor = month * BLOCKS_PER_MONTH;
  // The scanner stores every block; the checkpoint checks the one at its height.
  await insertScannedBlocks([{ height: cursor - WALLET_CHECKPOINT_DEPTH, hash: blockHash(cursor - WALLET_CHECKPOINT_DEPTH), prevHash: blockHash(cursor - WALLET_CHECKPOINT_DEPTH - 1) }]);
}

async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await run();
  return [Number(process.hrtime.bigint() - start) / 1e6, result];
}

async function median(run: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < READS; i++) samples.push((await timed(run))[0]);
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? NaN;
}

interface Figures {
  afterMonth: number;
  history: number;
  held: number;
  checkpointMs: number;
  rowsRead: number;
  planMs: number;
  checkMs: number;
  scannerStartMs: number;
  oldReadMs: number;
  oldRowsRead: number;
}

async function oldRead(): Promise<number> {
  const [outputs, spends, credited] = await Promise.all([
    WalletOutputModel.find({ status: 'unspent' }).lean(),
    WalletSpendModel.find({}, { _id: 1 }).lean(),
    DepositModel.find({ status: 'credited' }, { _id: 1 }).lean(),
  ]);
  return outputs.length + spends.length + credited.length;
}

async function measure(month: number, checkpointMs: number): Promise<Figures> {
  const tip = month * BLOCKS_PER_MONTH;
  const read = await readUnspentWallet();
  if (read.checkpointHeight !== tip - WALLET_CHECKPOINT_DEPTH) throw new Error(`the read did not start from the checkpoint (${read.checkpointHeight})`);
  const expected = new Set(held.map((row) => row.outpoint));
  if (read.outputs.length !== expected.size || read.outputs.some((output) => !expected.has(output._id))) throw new Error('the read differs from what the wallet holds');
  const spendable = await spendableOutputs(tip, MIN_CONFIRMATIONS, chain, new Set());
  if (spendable.length !== held.filter((row) => row.blockHeight <= tip - MIN_CONFIRMATIONS + 1).length) throw new Error(`spendableOutputs found ${spendable.length}`);
  const history = (await WalletOutputModel.estimatedDocumentCount()) + (await WalletSpendModel.estimatedDocumentCount());
  return {
    afterMonth: month,
    history,
    held: held.length,
    checkpointMs,
    rowsRead: read.rowsRead,
    planMs: await median(() => spendableOutputs(tip, MIN_CONFIRMATIONS, chain, new Set())),
    checkMs: await median(() => walletHoldings()),
    scannerStartMs: await median(() => unspentWalletOutpoints()),
    oldReadMs: await median(() => oldRead()),
    oldRowsRead: await oldRead(),
  };
}

async function main(): Promise<void> {
  let server: MongoServer | undefined;
  const dbName = `kibble_bench_wallet_${randomBytes(4).toString('hex')}`;
  try {
    server = await startMongoServer({ log });
    log(`database: ${server.kind} (${dbName}); ${DONORS} deposits a month, ${MONTHS} months`);
    const connection = await connectDatabase({ uri: server.uri, dbName });
    const figures: Figures[] = [];
    for (let month = 1; month <= MONTHS; month++) {
      const [writeMs] = await timed(() => writeMonth(month));
      const [checkpointMs, outcome] = await timed(() => advanceWalletCheckpoint(month * BLOCKS_PER_MONTH, new Date()));
      log(`month ${month}: written in ${Math.round(writeMs)} ms; checkpoint ${outcome.outcome} in ${Math.round(checkpointMs)} ms`);
      if (month === 1 || month === Math.ceil(MONTHS / 2) || month === MONTHS) figures.push(await measure(month, checkpointMs));
    }
    report(server.kind, figures);
    await connection.dropDatabase();
  } finally {
    await disconnectDatabase().catch(() => undefined);
    await server?.stop();
  }
}

function report(kind: string, figures: readonly Figures[]): void {
  const rows = [
    ['outputs + spends recorded (estimate)', ...figures.map((row) => String(row.history))],
    ['outputs held', ...figures.map((row) => String(row.held))],
    ['rows a wallet read loads', ...figures.map((row) => String(row.rowsRead))],
    ['plan: spendableOutputs', ...figures.map((row) => `${formatMs(row.planMs)} ms`)],
    ['check before signing: walletHoldings', ...figures.map((row) => `${formatMs(row.checkMs)} ms`)],
    ['scanner start: unspentWalletOutpoints', ...figures.map((row) => `${formatMs(row.scannerStartMs)} ms`)],
    ['writing the checkpoint', ...figures.map((row) => `${formatMs(row.checkpointMs)} ms`)],
    ['old read: every output, spend, credit', ...figures.map((row) => `${formatMs(row.oldReadMs)} ms (${row.oldRowsRead} rows)`)],
  ];
  printMonthTable(`bench:wallet on ${kind}, ${DONORS} deposits a month`, figures, rows);
  const first = figures[0];
  const last = figures[figures.length - 1];
  if (first !== undefined && last !== undefined) process.stdout.write(`plan read, month ${last.afterMonth} / month 1: ${(last.planMs / first.planMs).toFixed(2)}x\n`);
  process.stdout.write(`${JSON.stringify({ database: kind, donors: DONORS, months: MONTHS, figures })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});

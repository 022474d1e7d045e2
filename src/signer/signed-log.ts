import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { KibbleError } from '../errors';
import type { SigningHistory } from './policy';

/**
 * The signer's memory (docs/signer.md): one JSON line per signed period, appended and fsynced
 * before the signatures are answered. It makes signing idempotent (the same period and the same
 * transactions get the same signed bytes back) and refuses a second, different set for a period;
 * the daily and monthly ceilings are summed from it. A line torn by a crash mid-write was never
 * answered, so it is cut off when the log is opened.
 */

export interface LoggedTransaction { unsignedTxid: string; txid: string; raw: string }
export interface SignedLogEntry {
  period: string;
  signedAt: Date;
  /** What left the wallet (inputs - change), smallest units. */
  outgoing: bigint;
  transactions: LoggedTransaction[];
}

const LOG_FILE = 'signed-log.jsonl';
const LOG_VERSION = 1;

const hex = z.string().regex(/^[0-9a-f]*$/);
const lineSchema = z.object({
  v: z.literal(LOG_VERSION),
  period: z.string(),
  signedAt: z.iso.datetime(),
  outgoing: z.string().regex(/^[0-9]+$/),
  transactions: z.array(z.object({ unsignedTxid: hex, txid: hex, raw: hex })),
});

export class SignedLog {
  readonly #path: string;
  readonly #entries: SignedLogEntry[];

  private constructor(path: string, entries: SignedLogEntry[]) {
    this.#path = path;
    this.#entries = entries;
  }

  static open(stateDir: string): SignedLog {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const path = join(stateDir, LOG_FILE);
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const complete = text.lastIndexOf('\n') + 1;
    if (complete < text.length) {
      // Torn by a crash while writing: that period was never answered.
      const fd = openSync(path, 'r+');
      try {
        ftruncateSync(fd, Buffer.byteLength(text.slice(0, complete)));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    const entries = text.slice(0, complete).split('\n').filter((line) => line !== '').map((line, i) => parseLine(line, i + 1));
    return new SignedLog(path, entries);
  }

  entryFor(period: string): SignedLogEntry | undefined {
    return this.#entries.find((entry) => entry.period === period);
  }

  historyFor(period: string, now: Date): SigningHistory {
    const day = now.toISOString().slice(0, 10);
    const month = day.slice(0, 7);
    let signedToday = 0n;
    let signedThisMonth = 0n;
    for (const entry of this.#entries) {
      const at = entry.signedAt.toISOString();
      if (at.startsWith(month)) signedThisMonth += entry.outgoing;
      if (at.startsWith(day)) signedToday += entry.outgoing;
    }
    return { signedForPeriod: this.entryFor(period)?.transactions.map((tx) => tx.unsignedTxid), signedToday, signedThisMonth };
  }

  /** Appends and fsyncs; only then may the signatures leave the process. */
  append(entry: SignedLogEntry): void {
    if (this.entryFor(entry.period) !== undefined) throw new KibbleError('internal', `the signed log already holds ${entry.period}`);
    const line = `${JSON.stringify({
      v: LOG_VERSION,
      period: entry.period,
      signedAt: entry.signedAt.toISOString(),
      outgoing: entry.outgoing.toString(),
      transactions: entry.transactions,
    })}\n`;
    const fd = openSync(this.#path, 'a', 0o600);
    try {
      writeSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.#entries.push(entry);
  }
}

function parseLine(line: string, number: number): SignedLogEntry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new KibbleError('config-invalid', `the signed log's line ${number} is not JSON; the log is append-only, fix it by hand`);
  }
  const parsed = lineSchema.safeParse(value);
  if (!parsed.success) throw new KibbleError('config-invalid', `the signed log's line ${number} is not a signed period`);
  const { period, signedAt, outgoing, transactions } = parsed.data;
  return { period, signedAt: new Date(signedAt), outgoing: BigInt(outgoing), transactions };
}

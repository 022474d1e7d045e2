import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignedLog, type SignedLogEntry } from '../../../src/signer/signed-log';

const entry = (period: string, signedAt: string, outgoing: bigint): SignedLogEntry => ({
  period, signedAt: new Date(signedAt), outgoing, transactions: [{ unsignedTxid: 'aa'.repeat(32), txid: 'bb'.repeat(32), raw: '0100' }],
});

describe('the signed log', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kibble-signed-log-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('survives a reopen, sums the day and the month, and knows each period once', () => {
    const log = SignedLog.open(dir);
    log.append(entry('2026-10', '2026-11-01T10:00:00Z', 5n));
    log.append(entry('2026-11', '2026-11-20T10:00:00Z', 7n));
    const reopened = SignedLog.open(dir);
    expect(reopened.historyFor('2026-11', new Date('2026-11-20T23:00:00Z'))).toEqual({ signedForPeriod: ['aa'.repeat(32)], signedToday: 7n, signedThisMonth: 12n });
    expect(reopened.historyFor('2026-12', new Date('2026-12-01T00:00:00Z'))).toEqual({ signedForPeriod: undefined, signedToday: 0n, signedThisMonth: 0n });
    expect(() => reopened.append(entry('2026-11', '2026-11-21T10:00:00Z', 1n))).toThrow(/already holds/);
  });

  test('a line torn by a crash is cut off: that period was never answered', () => {
    SignedLog.open(dir).append(entry('2026-10', '2026-11-01T10:00:00Z', 5n));
    appendFileSync(join(dir, 'signed-log.jsonl'), '{"v":1,"period":"2026-11","sig');
    const log = SignedLog.open(dir);
    expect(log.entryFor('2026-11')).toBeUndefined();
    log.append(entry('2026-11', '2026-11-20T10:00:00Z', 7n));
    expect(readFileSync(join(dir, 'signed-log.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(SignedLog.open(dir).entryFor('2026-11')?.outgoing).toBe(7n);
  });

  test('a complete line that is not a signed period stops the signer', () => {
    appendFileSync(join(dir, 'signed-log.jsonl'), '{"v":1}\n');
    expect(() => SignedLog.open(dir)).toThrow(/line 1/);
  });
});

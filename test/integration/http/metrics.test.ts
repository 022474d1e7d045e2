import { Types } from 'mongoose';
import request from 'supertest';
import { DepositModel } from '../../../src/db/deposit';
import { SettlementModel } from '../../../src/db/settlement';
import { WalletOutputModel } from '../../../src/db/wallet-output';
import { WalletSpendModel } from '../../../src/db/wallet-spend';
import { createMetrics } from '../../../src/http/metrics';
import type { SlotLease } from '../../../src/db/lease';
import { startScannerLoop } from '../../../src/jobs/scanner-loop';
import { LeasedScanner } from '../../../src/jobs/scanner-lease';
import { createLogger } from '../../../src/log';
import { depositCreditJournal } from '../../../src/money/ledger';
import { recordJournals } from '../../../src/services/ledger/ledger-store';
import type { DepositScanner, ScanReport } from '../../../src/services/wallet-watch/scanner';
import { useTestDatabase } from '../../support/database';
import { bearer, createTestApp, expectError, TEST_OPERATOR_TOKEN, type SignedUp } from '../../support/http';

// GET /metrics: operator-only Prometheus text with HTTP timing by route template, clicks, the
// scanner's figures, and the settlement and wallet gauges read from the database at scrape time.

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped; label values without escapes). */
function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The samples named `name` whose labels include `labels`. */
function find(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value));
}

/** The value of the one sample named `name` with `labels`, undefined when there is none. */
function value(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = find(samples, name, labels);
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

function scanReport(fields: Partial<ScanReport>): ScanReport {
  return { fromHeight: 0, toHeight: 0, tip: 0, blocks: 0, received: 0, spent: 0, credited: 0, reorgs: 0, mempoolDeposits: 0, seconds: 0, rolledBackTo: null, ...fields };
}

describe('GET /metrics', () => {
  useTestDatabase();
  const t = createTestApp({ metrics: createMetrics() });
  let creator: SignedUp;
  let donor: SignedUp;

  const scrape = async (): Promise<Sample[]> => {
    const res = await request(t.app).get('/metrics').set('Authorization', bearer(TEST_OPERATOR_TOKEN));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    return parseSamples(res.text);
  };
  const newThing = async (): Promise<string> => {
    const res = await request(t.app)
      .post('/api/v1/things')
      .set('Authorization', bearer(creator.token))
      .send({ url: `https://example.org/${new Types.ObjectId().toHexString()}`, title: 'A post' });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  };

  beforeAll(async () => {
    [creator, donor] = [await t.signUp(), await t.signUp()];
  });

  it('is for the operator only: 401 without a token, 403 with any other token', async () => {
    expectError(await request(t.app).get('/metrics'), 401, 'unauthorized');
    expectError(await request(t.app).get('/metrics').set('Authorization', bearer('not-the-operator-token')), 403, 'forbidden');
    expectError(await request(t.app).get('/metrics').set('Authorization', bearer(donor.token)), 403, 'forbidden');
  });

  it('answers 500 in an app without metrics', async () => {
    const bare = createTestApp();
    expectError(await request(bare.app).get('/metrics').set('Authorization', bearer(TEST_OPERATOR_TOKEN)), 500, 'internal');
  });

  it('times requests by method, route template and status, never by raw URL', async () => {
    const thingId = await newThing();
    for (let i = 0; i < 3; i++) expect((await request(t.app).get(`/api/v1/things/${thingId}`)).status).toBe(200);
    expectError(await request(t.app).get('/api/v1/things/65f000000000000000000000'), 404, 'not-found');
    expectError(await request(t.app).get(`/no/such/path/${thingId}`), 404, 'not-found');
    expectError(await request(t.app).put(`/api/v1/things/${thingId}`), 404, 'not-found');

    const samples = await scrape();
    const thingRoute = { method: 'GET', route: '/api/v1/things/:id' };
    expect(value(samples, 'kibble_http_request_duration_seconds_count', { ...thingRoute, status: '200' })).toBe(3);
    expect(value(samples, 'kibble_http_request_duration_seconds_bucket', { ...thingRoute, status: '200', le: '+Inf' })).toBe(3);
    expect(value(samples, 'kibble_http_request_duration_seconds_bucket', { ...thingRoute, status: '200', le: '10' })).toBe(3);
    expect(value(samples, 'kibble_http_request_duration_seconds_sum', { ...thingRoute, status: '200' })).toBeGreaterThan(0);
    expect(value(samples, 'kibble_http_request_duration_seconds_count', { ...thingRoute, status: '404' })).toBe(1);
    expect(value(samples, 'kibble_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/things', status: '201' })).toBe(1);
    // Paths that match no route (or not with this method) share one label value.
    expect(value(samples, 'kibble_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(value(samples, 'kibble_http_request_duration_seconds_count', { method: 'PUT', route: 'unmatched', status: '404' })).toBe(1);
    // Answers given before the handler (auth) carry their route too.
    expect(value(samples, 'kibble_http_request_duration_seconds_count', { method: 'GET', route: '/metrics', status: '401' })).toBe(1);
    expect(value(samples, 'kibble_http_request_duration_seconds_count', { method: 'GET', route: '/metrics', status: '403' })).toBe(2);

    const routes = new Set(find(samples, 'kibble_http_request_duration_seconds_count').map((s) => s.labels.route));
    expect([...routes].filter((route) => route?.includes(thingId) === true)).toEqual([]);
    expect([...routes].every((route) => route === 'unmatched' || route?.startsWith('/') === true)).toBe(true);
  });

  it('counts the flattrs recorded, not the refused ones', async () => {
    const before = value(await scrape(), 'kibble_clicks_total');
    expect(before).toBe(0);
    const [one, two] = [await newThing(), await newThing()];
    const flattr = (thingId: string, who: SignedUp) => request(t.app).post(`/api/v1/things/${thingId}/flattr`).set('Authorization', bearer(who.token));
    expect((await flattr(one, donor)).status).toBe(201);
    expect((await flattr(two, donor)).status).toBe(201);
    expectError(await flattr(one, donor), 409, 'already-flattred');
    expectError(await flattr(one, creator), 403, 'own-thing');

    const samples = await scrape();
    expect(value(samples, 'kibble_clicks_total')).toBe(2);
    expect(value(samples, 'kibble_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/things/:id/flattr', status: '201' })).toBe(2);
    expect(value(samples, 'kibble_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/things/:id/flattr', status: '409' })).toBe(1);
  });

  it("reads each settlement's state and last error at scrape time", async () => {
    expect(find(await scrape(), 'kibble_settlement_state')).toEqual([]);
    await SettlementModel.create({ _id: '2026-01', period: '2026-01', state: 'closed' });
    await SettlementModel.create({ _id: '2026-02', period: '2026-02', state: 'planned', lastError: 'invariant failed: journals do not balance' });

    let samples = await scrape();
    expect(find(samples, 'kibble_settlement_state').map((s) => s.labels).sort((a, b) => String(a.period).localeCompare(String(b.period)))).toEqual([
      { period: '2026-01', state: 'closed' },
      { period: '2026-02', state: 'planned' },
    ]);
    expect(find(samples, 'kibble_settlement_state').every((s) => s.value === 1)).toBe(true);
    expect(value(samples, 'kibble_settlement_last_error', { period: '2026-01' })).toBe(0);
    expect(value(samples, 'kibble_settlement_last_error', { period: '2026-02' })).toBe(1);
    expect(value(samples, 'kibble_metrics_collector_up', { collector: 'settlement' })).toBe(1);

    // The next scrape shows the new state only, not the old one next to it.
    await SettlementModel.updateOne({ _id: '2026-01' }, { $set: { state: 'planned' } });
    await SettlementModel.updateOne({ _id: '2026-02' }, { $set: { state: 'signed' }, $unset: { lastError: 1 } });
    samples = await scrape();
    expect(find(samples, 'kibble_settlement_state').map((s) => `${s.labels.period} ${s.labels.state} ${s.value}`).sort()).toEqual([
      '2026-01 planned 1',
      '2026-02 signed 1',
    ]);
    expect(value(samples, 'kibble_settlement_last_error', { period: '2026-02' })).toBe(0);
  });

  it('reads the wallet balance and the uncredited deposits at scrape time, in koinu', async () => {
    let samples = await scrape();
    expect(value(samples, 'kibble_wallet_balance_koinu')).toBe(0);
    expect(value(samples, 'kibble_wallet_uncredited_deposits_koinu')).toBe(0);

    const txid = 'ab'.repeat(32);
    const output = (vout: number, amount: bigint) => ({
      _id: `${txid}:${vout}`,
      txid,
      vout,
      address: t.deps.deriver.depositAddress(vout),
      kind: 'deposit',
      addressIndex: vout,
      amount,
      blockHash: 'cd'.repeat(32),
      blockHeight: 900,
      status: 'unspent',
    });
    await WalletOutputModel.create([output(0, 150_000_000n), output(1, 25_000_000n), output(2, 999_000_000n)]);
    // The third one was spent by a block the scanner recorded: it is no longer held.
    await WalletSpendModel.create({ _id: `${txid}:2`, spentByTxid: 'ef'.repeat(32), spentHeight: 901, blockHash: 'ee'.repeat(32) });
    await DepositModel.create({
      _id: `${txid}:1`,
      txid,
      vout: 1,
      address: t.deps.deriver.depositAddress(1),
      accountId: new Types.ObjectId(donor.id),
      amount: 25_000_000n,
      blockHash: 'cd'.repeat(32),
      blockHeight: 900,
      seenAt: new Date(),
    });

    samples = await scrape();
    expect(value(samples, 'kibble_wallet_balance_koinu')).toBe(175_000_000);
    expect(value(samples, 'kibble_wallet_uncredited_deposits_koinu')).toBe(25_000_000);
    expect(value(samples, 'kibble_metrics_collector_up', { collector: 'wallet' })).toBe(1);

    // Above 2^53 the gauge is the nearest float64 (documented precision loss), not an error.
    await WalletOutputModel.create(output(3, 2n ** 53n));
    samples = await scrape();
    expect(value(samples, 'kibble_wallet_balance_koinu')).toBe(Number(2n ** 53n + 175_000_000n));
  });

  it('includes the process metrics, prefixed kibble_', async () => {
    const samples = await scrape();
    expect(value(samples, 'kibble_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(samples, 'kibble_process_resident_memory_bytes') ?? value(samples, 'kibble_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(find(samples, 'process_cpu_user_seconds_total')).toEqual([]);
  });

  it('sets the scanner gauges and adds up the deposit counters from scan reports', async () => {
    const metrics = t.deps.metrics!;
    let samples = await scrape();
    expect(value(samples, 'kibble_deposits_seen_total')).toBe(0);
    expect(value(samples, 'kibble_scanner_height')).toBe(0);

    metrics.recordScan(scanReport({ fromHeight: 100, toHeight: 140, tip: 150, blocks: 40, received: 5, credited: 2 }));
    metrics.recordScan(scanReport({ fromHeight: 140, toHeight: 150, tip: 152, blocks: 10, received: 3, credited: 4 }));
    samples = await scrape();
    expect(value(samples, 'kibble_deposits_seen_total')).toBe(8);
    expect(value(samples, 'kibble_deposits_credited_total')).toBe(6);
    expect(value(samples, 'kibble_scanner_height')).toBe(150);
    expect(value(samples, 'kibble_node_tip_height')).toBe(152);
    expect(value(samples, 'kibble_scanner_lag_blocks')).toBe(2);

    // A node behind the stored cursor (after a reorg to a shorter chain) is no negative lag.
    metrics.recordScan(scanReport({ fromHeight: 150, toHeight: 150, tip: 149 }));
    samples = await scrape();
    expect(value(samples, 'kibble_scanner_lag_blocks')).toBe(0);
    expect(value(samples, 'kibble_node_tip_height')).toBe(149);
  });

  it("gets the scanner loop's reports through onReport (the production wiring)", async () => {
    const metrics = createMetrics();
    const reports = [scanReport({ toHeight: 300, tip: 310, received: 7, credited: 1 })];
    const scanner = { scanOnce: async () => reports.shift() ?? Promise.reject(new Error('node unreachable')), forgetWalletView: () => undefined } as unknown as DepositScanner;
    const lease = { holds: async () => true, release: async () => undefined, clock: () => new Date(), slotMs: 30_000 } as unknown as SlotLease;
    const loop = startScannerLoop(new LeasedScanner(scanner, lease), 10, createLogger('silent'), (report) => metrics.recordScan(report));
    await new Promise((resolve) => setTimeout(resolve, 60)); // the first pass and a few failing ones
    await loop.stop();
    const samples = parseSamples(await metrics.registry.metrics());
    expect(value(samples, 'kibble_deposits_seen_total')).toBe(7);
    expect(value(samples, 'kibble_deposits_credited_total')).toBe(1);
    expect(value(samples, 'kibble_scanner_height')).toBe(300);
    expect(value(samples, 'kibble_scanner_lag_blocks')).toBe(10);
  });

  it('keeps the metrics of each app apart (one registry per app, none global)', async () => {
    const other = createMetrics();
    other.clicks.inc(5);
    expect(value(await scrape(), 'kibble_clicks_total')).toBe(2);
    expect(value(parseSamples(await other.registry.metrics()), 'kibble_clicks_total')).toBe(5);
  });

  it('exports what the alert rules need: liabilities and surplus, the node probe, overdue months, the last pass', async () => {
    const now = new Date('2026-03-01T03:00:00Z');
    let nodeAnswers = true;
    const metrics = createMetrics({ clock: () => now, nodeProbe: async () => (nodeAnswers ? 1 : Promise.reject(new Error('refused'))), nodeProbeTimeoutMs: 200 });
    await recordJournals([depositCreditJournal(`${'12'.repeat(32)}:0`, 1, donor.id, 10_000_000n)], now);
    let samples = parseSamples(await metrics.registry.metrics());
    expect(value(samples, 'kibble_ledger_liabilities_koinu')).toBe(10_000_000);
    const held = value(samples, 'kibble_wallet_balance_koinu')!;
    const uncredited = value(samples, 'kibble_wallet_uncredited_deposits_koinu')!;
    expect(value(samples, 'kibble_custody_surplus_koinu')).toBe(held - uncredited - 10_000_000);
    expect(value(samples, 'kibble_metrics_collector_up', { collector: 'coverage' })).toBe(1);
    expect(value(samples, 'kibble_node_up')).toBe(1);
    // 2026-01 and 2026-02 (earlier tests) are not confirmed: the oldest ended 2026-02-01.
    expect(value(samples, 'kibble_settlement_unconfirmed_seconds')).toBe((now.getTime() - Date.parse('2026-02-01T00:00:00Z')) / 1000);
    expect(value(samples, 'kibble_scanner_last_pass_timestamp_seconds')).toBe(0);

    nodeAnswers = false;
    metrics.recordScan(scanReport({ toHeight: 10, tip: 10 }));
    await SettlementModel.updateMany({}, { $set: { state: 'confirmed' } });
    samples = parseSamples(await metrics.registry.metrics());
    expect(value(samples, 'kibble_node_up')).toBe(0);
    expect(value(samples, 'kibble_settlement_unconfirmed_seconds')).toBe(0);
    expect(value(samples, 'kibble_scanner_last_pass_timestamp_seconds')).toBe(now.getTime() / 1000);
    // Without a probe the node gauge is absent rather than a guess.
    expect(find(parseSamples(await createMetrics().registry.metrics()), 'kibble_node_up')).toEqual([]);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { Types } from 'mongoose';
import { WebhookDeliveryModel, WebhookEndpointModel } from '../../../src/db/models';
import { createLogger } from '../../../src/log';
import { createOutbound } from '../../../src/net/outbound';
import { recordEvent, type NewEvent } from '../../../src/services/events/outbox';
import { createEndpoint, deliveryLog, listEndpoints } from '../../../src/services/webhooks/endpoints';
import { OPERATOR_OWNER, webhookPass, type WebhookDeps } from '../../../src/services/webhooks/delivery';
import { nodeArgsFor } from '../../support/child-build';
import { uriOfDatabase, useTestDatabase } from '../../support/database';
import { useWebhookReceiver } from '../../support/webhook-receiver';

// A local receiver (test/support/webhook-receiver.ts) checks the signature of every request it
// gets. Webhook passes are run by the test, with a clock it moves: the receiver checks each
// signature at the delivery's own timestamp.

const CHILD = 'test/support/webhook-child.ts';
const DAY = 86_400_000;

describe('signed webhook deliveries', () => {
  const db = useTestDatabase();
  const receiver = useWebhookReceiver({ timestampCheck: 'own-timestamp' });
  const received = receiver.calls;
  let now = new Date('2026-11-01T00:00:00Z');
  const account = String(new Types.ObjectId());

  const deps = (overrides: Partial<WebhookDeps> = {}): WebhookDeps => ({
    fetch: createOutbound({ allowPrivate: true }),
    clock: () => now,
    settings: { disableAfterMs: 3 * DAY, timeoutMs: 5_000, gapGraceMs: 0 },
    log: createLogger('silent'),
    ...overrides,
  });
  const advance = (ms: number): void => {
    now = new Date(now.getTime() + ms);
  };
  const idsAt = (path: string): string[] => receiver.idsAt(path);

  async function endpoint(owner: string, path: string, kinds: string[]): Promise<string> {
    const created = await createEndpoint(owner, { url: `${receiver.url}${path}`, kinds }, now);
    receiver.secrets.set(path, created.secret);
    return created.endpoint.id;
  }

  const event = (n: number, kind: NewEvent['kind'] = 'flattr.created', accounts: string[] = [account]): NewEvent => ({
    kind, key: `test-${n}`, occurredAt: now, accounts, data: { n },
  });

  it("delivers each event to the endpoints that want it, signed; the operator's gets every account's", async () => {
    await endpoint(account, '/account', ['flattr.created', 'deposit.credited']);
    await endpoint(OPERATOR_OWNER, '/operator', ['flattr.created', 'deposit.credited', 'payout.sent']);
    await endpoint(String(new Types.ObjectId()), '/stranger', ['flattr.created']);
    advance(1_000);
    await recordEvent(event(1), now);
    await recordEvent(event(2, 'deposit.credited'), now);
    await recordEvent(event(3, 'payout.sent'), now); // the account did not ask for payouts
    const report = await webhookPass(deps());
    expect(report).toEqual({ events: 3, delivered: 5, failed: 0 });
    expect(idsAt('/account').sort()).toEqual(['deposit.credited:test-2', 'flattr.created:test-1']);
    expect(idsAt('/operator').sort()).toEqual(['deposit.credited:test-2', 'flattr.created:test-1', 'payout.sent:test-3']);
    expect(idsAt('/stranger')).toEqual([]);
    expect(received.every((row) => row.signatureValid)).toBe(true);
    // a second pass finds nothing new to fan out or send
    expect(await webhookPass(deps())).toEqual({ events: 0, delivered: 0, failed: 0 });
  });

  it('retries a failing receiver with backoff until it recovers: each event exactly once by id after dedupe', async () => {
    received.length = 0;
    const flaky = await endpoint(account, '/flaky', ['flattr.created']);
    let failuresLeft = 3;
    receiver.answer = (path, _request, response) => {
      if (path === '/flaky' && failuresLeft > 0) {
        failuresLeft -= 1;
        response.writeHead(503).end('down');
      } else response.end('ok');
    };
    advance(1_000);
    for (let n = 10; n < 13; n++) await recordEvent(event(n), now);
    await webhookPass(deps());
    // not due again before the backoff: nothing is sent
    const attemptsSoFar = idsAt('/flaky').length;
    await webhookPass(deps());
    expect(idsAt('/flaky')).toHaveLength(attemptsSoFar);
    for (let round = 0; round < 4; round++) {
      advance(60 * 60_000);
      await webhookPass(deps());
    }
    const flakyIds = idsAt('/flaky');
    expect(flakyIds.length).toBe(3 + 3); // three failed attempts, then each of the three events delivered
    expect([...new Set(flakyIds)].sort()).toEqual(['flattr.created:test-10', 'flattr.created:test-11', 'flattr.created:test-12']);
    expect(received.every((row) => row.signatureValid)).toBe(true);
    const log = await deliveryLog(account, flaky);
    expect(log.deliveries.map((row) => row.state)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(log.deliveries.map((row) => row.attempts).reduce((sum, n) => sum + n, 0)).toBe(6);
    expect(log.endpoint.failingSince).toBeNull();
    receiver.answerOk();
  });

  it('refuses private targets when the flag is off, and disables an endpoint that keeps failing for days', async () => {
    received.length = 0;
    const id = await endpoint(account, '/private', ['payout.confirmed']);
    advance(1_000);
    await recordEvent(event(20, 'payout.confirmed'), now);
    const strict = deps({ fetch: createOutbound({ allowPrivate: false }) });
    await webhookPass(strict);
    expect(received).toEqual([]);
    let log = await deliveryLog(account, id);
    expect(log.deliveries[0]).toMatchObject({ state: 'pending', attempts: 1, lastError: 'address', lastStatus: null });
    for (let day = 0; day < 4; day++) {
      advance(DAY);
      await webhookPass(strict);
    }
    expect(received).toEqual([]);
    log = await deliveryLog(account, id);
    expect(log.endpoint.disabledAt).not.toBeNull();
    expect({ reason: log.endpoint.disabledReason, lastError: log.endpoint.disabledLastError }).toEqual({ reason: 'no-delivery', lastError: 'address' });
    expect(log.deliveries[0]?.state).toBe('failed');
    expect((await listEndpoints(account)).find((row) => row.id === id)?.disabledAt).not.toBeNull();
  });

  it('loses nothing and uses no second id when the worker is killed mid-delivery', async () => {
    received.length = 0;
    await WebhookEndpointModel.updateMany({}, { $set: { disabledAt: now, disabledReason: 'test' } });
    await endpoint(account, '/killed', ['flattr.created']);
    now = new Date(); // the child runs on real time
    await recordEvent(event(30), now);
    const worker: { child?: ChildProcess } = {};
    const firstRequest = new Promise<void>((arrived) => {
      receiver.answer = (path) => {
        if (path === '/killed' && worker.child !== undefined) {
          worker.child.kill('SIGKILL'); // mid-delivery: the request arrived, no answer was sent
          arrived();
        }
      };
    });
    const child = spawn(process.execPath, nodeArgsFor(CHILD), {
      cwd: resolve(__dirname, '../../..'),
      env: { ...process.env, WEBHOOK_DB_URI: uriOfDatabase(db), WEBHOOK_DB_NAME: db.name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.child = child;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    await Promise.race([firstRequest, exited.then(() => Promise.reject(new Error(`the child exited first: ${stderr}`)))]);
    expect(await exited).toBe('SIGKILL');
    expect(await WebhookDeliveryModel.findOne({ eventId: 'flattr.created:test-30' }).lean()).toMatchObject({ state: 'pending' });
    receiver.dropConnections();

    receiver.answerOk();
    now = new Date();
    await webhookPass(deps());
    expect(idsAt('/killed')).toEqual(['flattr.created:test-30', 'flattr.created:test-30']);
    expect(received.every((row) => row.signatureValid)).toBe(true);
    expect(await WebhookDeliveryModel.findOne({ eventId: 'flattr.created:test-30' }).lean()).toMatchObject({ state: 'delivered', attempts: 1 });
  });
});

import request from 'supertest';
import { JsonRpcChainClient } from '../../../src/node/rpc-client';
import { KibbleError } from '../../../src/errors';
import { createReadiness, pingDatabase } from '../../../src/http/readiness';
import { createLogger } from '../../../src/log';
import { useTestDatabase } from '../../support/database';
import { createTestApp } from '../../support/http';
import { useRegtestNode } from '../../support/regtest';

describe('GET /readyz', () => {
  useTestDatabase();
  const logger = createLogger('silent');

  it('is 200 when the database and the node answer', async () => {
    const t = createTestApp();
    const res = await request(t.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { database: { ok: true }, node: { ok: true } } });
  });

  it('is 503 naming the node when it fails, with a code and no detail', async () => {
    const t = createTestApp();
    t.setChainTip(new KibbleError('rpc-unreachable', 'http://x:secret@10.0.0.1:1 refused'));
    const res = await request(t.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not-ready', checks: { database: { ok: true }, node: { ok: false, error: 'rpc-unreachable' } } });
    expect(res.text).not.toContain('secret');
  });

  it('is 503 naming the database when it fails', async () => {
    const readiness = createReadiness({
      probes: { database: () => Promise.reject(new Error('connection closed')), node: async () => 1 },
      logger,
    });
    const t = createTestApp({ readiness });
    const res = await request(t.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not-ready', checks: { database: { ok: false, error: 'unreachable' }, node: { ok: true } } });
  });

  it('answers promptly when a dependency hangs', async () => {
    const readiness = createReadiness({ probes: { database: pingDatabase, node: () => new Promise(() => undefined) }, logger, timeoutMs: 100 });
    const started = Date.now();
    const res = await request(createTestApp({ readiness }).app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ checks: { node: { ok: false, error: 'timeout' } } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('/healthz stays 200 while not ready', async () => {
    const t = createTestApp();
    t.setChainTip(new Error('down'));
    expect((await request(t.app).get('/readyz')).status).toBe(503);
    expect((await request(t.app).get('/healthz')).status).toBe(200);
  });

  describe('with a real regtest node', () => {
    const node = useRegtestNode();

    it('is 200 when the node answers getBlockCount', async () => {
      const rpc = new JsonRpcChainClient(node.rpcUrl);
      const readiness = createReadiness({ probes: { database: pingDatabase, node: () => rpc.getBlockCount() }, logger });
      const res = await request(createTestApp({ readiness, chainTip: () => rpc.getBlockCount() }).app).get('/readyz');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ready', checks: { database: { ok: true }, node: { ok: true } } });
    });
  });
});

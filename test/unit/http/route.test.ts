import { z } from 'zod';
import type { AppDeps } from '../../../src/http/deps';
import { defineRoute } from '../../../src/http/route';
import { isKibbleError } from '../../../src/errors';
import { cachedForMs } from '../../../src/http/wiring';

const deps = {} as AppDeps;
const context = { deps, accountId: 'acc1', sessionToken: 'tok', now: new Date('2026-03-01T00:00:00Z') };

describe('defineRoute', () => {
  const route = defineRoute({
    method: 'post',
    path: '/x/:id',
    summary: 'x',
    tags: [],
    auth: 'account',
    params: z.object({ id: z.string() }),
    // deliberately not strict: defineRoute makes it so
    body: z.object({ amount: z.string() }),
    responses: { 200: { description: 'ok' } },
    handler: ({ params, body, accountId, now }) => {
      // typed input: these lines fail the type check if inference breaks
      const id: string = params.id;
      const amount: string = body.amount;
      const who: string = accountId;
      return { status: 200, body: { id, amount, who, period: now.toISOString().slice(0, 7) } };
    },
  });

  it('passes validated, typed input and the context to the handler', async () => {
    const reply = await route.run({ params: { id: '7' }, query: {}, body: { amount: '1.5' } }, context);
    expect(reply).toEqual({ status: 200, body: { id: '7', amount: '1.5', who: 'acc1', period: '2026-03' } });
  });

  it('makes every object schema strict', async () => {
    const error = await route.run({ params: { id: '7' }, query: {}, body: { amount: '1', extra: true } }, context).catch((e: unknown) => e);
    expect(isKibbleError(error, 'validation-failed')).toBe(true);
    const query = await route.run({ params: { id: '7' }, query: { q: '1' }, body: { amount: '1' } }, context).catch((e: unknown) => e);
    expect(isKibbleError(query, 'validation-failed')).toBe(true);
  });

  it('types accountId by auth mode', () => {
    defineRoute({
      method: 'get',
      path: '/y',
      summary: 'y',
      tags: [],
      auth: 'optional',
      responses: {},
      handler: ({ accountId }) => {
        // @ts-expect-error: optional auth may have no account
        const who: string = accountId;
        return { status: 200, body: who };
      },
    });
  });
});

describe('cachedForMs', () => {
  it('shares one call within the window and reloads after it; failures are not cached', async () => {
    let clock = 0;
    let calls = 0;
    let fail = false;
    const load = cachedForMs(async () => {
      calls += 1;
      if (fail) throw new Error('down');
      return calls;
    }, 1000, () => clock);
    expect(await Promise.all([load(), load()])).toEqual([1, 1]);
    clock = 999;
    expect(await load()).toBe(1);
    clock = 1000;
    fail = true;
    await expect(load()).rejects.toThrow('down');
    fail = false;
    expect(await load()).toBe(3);
  });
});

import { z } from 'zod';
import { defineRoute, type Route } from '../route';

/** Liveness and readiness probes for the load balancer / orchestrator. */

const checkSchema = z.union([z.strictObject({ ok: z.literal(true) }), z.strictObject({ ok: z.literal(false), error: z.string() })]);
const readinessSchema = z.strictObject({
  status: z.enum(['ready', 'not-ready']),
  checks: z.record(z.string(), checkSchema),
});

export const healthRoutes: Route[] = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process answers',
    description: 'Always 200 while the process runs; it checks nothing else, so a database outage does not get instances restarted.',
    tags: ['operations'],
    auth: 'none',
    responses: { 200: { description: 'alive', schema: z.strictObject({ status: z.literal('ok') }) } },
    handler: () => ({ status: 200, body: { status: 'ok' } }),
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: the database and the chain node answer',
    tags: ['operations'],
    auth: 'none',
    responses: {
      200: { description: 'ready to take requests', schema: readinessSchema },
      503: { description: 'a dependency does not answer; `checks` says which', schema: readinessSchema },
    },
    handler: async ({ deps }) => {
      const checks = await deps.readiness();
      const ready = Object.values(checks).every((check) => check.ok);
      return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not-ready', checks } };
    },
  }),
];

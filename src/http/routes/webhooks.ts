import { z } from 'zod';
import { EVENT_KINDS } from '../../services/events/kinds';
import { OPERATOR_OWNER } from '../../services/webhooks/delivery';
import { createEndpoint, deliveryLog, listEndpoints, removeEndpoint, type DeliveryView, type EndpointView } from '../../services/webhooks/endpoints';
import { defineRoute, type Route } from '../route';
import { isoTimestamp, objectId } from '../schemas';

/** Webhook endpoints of the signed-in account (or, under /api/v1/admin, the operator's, which get every event). */
const endpointSchema = z.strictObject({
  id: objectId,
  url: z.string(),
  kinds: z.array(z.enum(EVENT_KINDS)),
  createdAt: isoTimestamp,
  failingSince: isoTimestamp.nullable(),
  disabledAt: isoTimestamp.nullable(),
  disabledReason: z.string().nullable(),
  disabledLastError: z.string().nullable(),
});
const deliverySchema = z.strictObject({
  eventId: z.string(),
  kind: z.string(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  createdAt: isoTimestamp,
  lastAttemptAt: isoTimestamp.nullable(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: isoTimestamp.nullable(),
  deliveredAt: isoTimestamp.nullable(),
});
const createBody = z.object({
  url: z.string().min(1).max(2048),
  kinds: z.array(z.enum(EVENT_KINDS)).min(1).max(EVENT_KINDS.length),
});

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

function endpointJson(endpoint: EndpointView) {
  return { ...endpoint, createdAt: endpoint.createdAt.toISOString(), failingSince: iso(endpoint.failingSince), disabledAt: iso(endpoint.disabledAt) };
}

function deliveryJson(delivery: DeliveryView) {
  return {
    ...delivery,
    state: delivery.state as 'pending' | 'delivered' | 'failed',
    createdAt: delivery.createdAt.toISOString(),
    lastAttemptAt: iso(delivery.lastAttemptAt),
    nextAttemptAt: iso(delivery.nextAttemptAt),
    deliveredAt: iso(delivery.deliveredAt),
  };
}

function routesFor(prefix: string, auth: 'account' | 'operator', ownerOf: (accountId: string | undefined) => string, who: string): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: `${prefix}/webhooks`,
      summary: `Register a webhook endpoint for ${who}; the answer holds its signing secret, shown this once (docs/webhooks.md)`,
      tags: ['webhooks'],
      auth,
      body: createBody,
      responses: {
        201: { description: 'the endpoint and its secret', schema: z.strictObject({ endpoint: endpointSchema, secret: z.string() }) },
        400: { description: 'validation-failed: not an http(s) URL, or an unknown kind' },
        409: { description: 'conflict: too many endpoints' },
      },
      handler: async ({ body, accountId, now }) => {
        const created = await createEndpoint(ownerOf(accountId), body, now);
        return { status: 201, body: { endpoint: endpointJson(created.endpoint), secret: created.secret } };
      },
    }),
    defineRoute({
      method: 'get',
      path: `${prefix}/webhooks`,
      summary: `The webhook endpoints of ${who}, oldest first (a disabled one says why)`,
      tags: ['webhooks'],
      auth,
      responses: { 200: { description: 'the endpoints', schema: z.strictObject({ endpoints: z.array(endpointSchema) }) } },
      handler: async ({ accountId }) => ({ status: 200, body: { endpoints: (await listEndpoints(ownerOf(accountId))).map(endpointJson) } }),
    }),
    defineRoute({
      method: 'get',
      path: `${prefix}/webhooks/:id/deliveries`,
      summary: `The delivery log of one webhook endpoint of ${who}, newest first (the last 100)`,
      tags: ['webhooks'],
      auth,
      params: z.object({ id: objectId }),
      responses: {
        200: { description: 'the endpoint and its deliveries', schema: z.strictObject({ endpoint: endpointSchema, deliveries: z.array(deliverySchema) }) },
        404: { description: 'not-found: no such endpoint of mine' },
      },
      handler: async ({ params, accountId }) => {
        const log = await deliveryLog(ownerOf(accountId), params.id);
        return { status: 200, body: { endpoint: endpointJson(log.endpoint), deliveries: log.deliveries.map(deliveryJson) } };
      },
    }),
    defineRoute({
      method: 'delete',
      path: `${prefix}/webhooks/:id`,
      summary: `Remove a webhook endpoint of ${who}; what it had pending is not sent`,
      tags: ['webhooks'],
      auth,
      params: z.object({ id: objectId }),
      responses: { 204: { description: 'removed' }, 404: { description: 'not-found: no such endpoint of mine' } },
      handler: async ({ params, accountId }) => {
        await removeEndpoint(ownerOf(accountId), params.id);
        return { status: 204 };
      },
    }),
  ];
}

export const webhookRoutes: Route[] = [
  ...routesFor('/api/v1/me', 'account', (accountId) => accountId ?? '', 'my account (the events that concern it)'),
  ...routesFor('/api/v1/admin', 'operator', () => OPERATOR_OWNER, 'the operator (every event)'),
];

import { z } from 'zod';
import { subscribe, subscriptionsOf, unsubscribe } from '../../services/subscriptions/subscriptions';
import { defineRoute, type Route } from '../route';
import { isoTimestamp, objectId } from '../schemas';

/** Subscriptions: one click for a thing in every period, added at settlement. */
const subscriptionSchema = z.strictObject({
  id: objectId,
  thingId: objectId,
  createdAt: isoTimestamp,
});

const subscriptionWithThingSchema = subscriptionSchema.extend({
  /** null if the thing no longer exists. */
  thing: z.strictObject({ url: z.string(), title: z.string() }).nullable(),
});

export const subscriptionRoutes: Route[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/subscriptions',
    summary: 'Subscribe to a thing: it gets one click in every period',
    tags: ['subscriptions'],
    auth: 'account',
    body: z.object({ thingId: objectId }),
    responses: {
      201: { description: 'the subscription', schema: subscriptionSchema },
      403: { description: 'own-thing: nobody can subscribe to their own thing' },
      404: { description: 'not-found: no thing with this id' },
      409: { description: 'already-subscribed' },
    },
    handler: async ({ body, accountId, now }) => {
      const subscription = await subscribe(accountId, body.thingId, now);
      return { status: 201, body: { id: subscription.id, thingId: subscription.thingId, createdAt: subscription.createdAt.toISOString() } };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/v1/subscriptions/:id',
    summary: 'End one of my subscriptions',
    tags: ['subscriptions'],
    auth: 'account',
    params: z.object({ id: objectId }),
    responses: {
      204: { description: 'ended' },
      // Another donor's subscription is answered the same way: ids cannot be probed.
      404: { description: 'not-found: no subscription of mine with this id' },
    },
    handler: async ({ params, accountId }) => {
      await unsubscribe(accountId, params.id);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/me/subscriptions',
    summary: 'My active subscriptions, oldest first',
    tags: ['subscriptions'],
    auth: 'account',
    responses: { 200: { description: 'my subscriptions', schema: z.strictObject({ subscriptions: z.array(subscriptionWithThingSchema) }) } },
    handler: async ({ accountId }) => {
      const subscriptions = (await subscriptionsOf(accountId)).map((s) => ({
        id: s.id,
        thingId: s.thingId,
        createdAt: s.createdAt.toISOString(),
        thing: s.thing,
      }));
      return { status: 200, body: { subscriptions } };
    },
  }),
];

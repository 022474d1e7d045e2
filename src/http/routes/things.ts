import { z } from 'zod';
import { getThing, listThingsOf, registerThing, type ThingView } from '../../services/things/things';
import { escapeHtml } from '../html';
import { defineRoute, type Route } from '../route';
import { isoTimestamp, objectId } from '../schemas';

/**
 * Things: a creator registers a URL and gets a button for it. The owner's account id is left out
 * of the public representation: nobody needs it to flattr, and accounts stay private.
 *
 * Button links are absolute (PUBLIC_URL): the embed code is pasted into other sites.
 */
const thingSchema = z.strictObject({
  id: objectId,
  url: z.string(),
  title: z.string(),
  createdAt: isoTimestamp,
  /** The thing's page, where a signed-in donor can flattr it. */
  pageUrl: z.string(),
  buttonUrl: z.string(),
  embedHtml: z.string(),
});

type ThingBody = z.infer<typeof thingSchema>;

export const thingRoutes: Route[] = [
  defineRoute({
    method: 'post',
    path: '/api/v1/things',
    summary: 'Register a thing (a URL and a title) and get its button',
    description: 'The URL is normalized (lower-case scheme and host, no default port, no fragment, no trailing slash on the root) and must be unique.',
    tags: ['things'],
    auth: 'account',
    // Plain strings here; the service checks the URL and the title and says what is wrong.
    body: z.object({ url: z.string(), title: z.string() }),
    responses: {
      201: { description: 'the registered thing', schema: thingSchema },
      409: { description: 'thing-exists: this URL is already registered' },
    },
    handler: async ({ body, accountId, now, deps }) => ({ status: 201, body: thingBody(await registerThing(accountId, body, now), deps.config.publicUrl) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/things/:id',
    summary: 'A thing, publicly',
    tags: ['things'],
    auth: 'none',
    params: z.object({ id: objectId }),
    responses: {
      200: { description: 'the thing', schema: thingSchema },
      404: { description: 'not-found: no thing with this id' },
    },
    handler: async ({ params, deps }) => ({ status: 200, body: thingBody(await getThing(params.id), deps.config.publicUrl) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/me/things',
    summary: 'The things I registered, oldest first',
    tags: ['things'],
    auth: 'account',
    responses: { 200: { description: 'my things', schema: z.strictObject({ things: z.array(thingSchema) }) } },
    handler: async ({ accountId, deps }) => ({
      status: 200,
      body: { things: (await listThingsOf(accountId)).map((thing) => thingBody(thing, deps.config.publicUrl)) },
    }),
  }),
];

export function thingBody(thing: ThingView, origin: string): ThingBody {
  return { id: thing.id, url: thing.url, title: thing.title, createdAt: thing.createdAt.toISOString(), ...thingLinks(thing.id, thing.title, origin) };
}

/** Page, button and embed code of a thing, absolute under `origin` so the embed works anywhere. */
export function thingLinks(thingId: string, title: string, origin: string): { pageUrl: string; buttonUrl: string; embedHtml: string } {
  const pageUrl = `${origin}/t/${thingId}`;
  const buttonUrl = `${pageUrl}/button.svg`;
  const alt = escapeHtml(`Flattr “${title}” with kibble`);
  const embedHtml = `<a href="${escapeHtml(pageUrl)}"><img src="${escapeHtml(buttonUrl)}" alt="${alt}" height="20"></a>`;
  return { pageUrl, buttonUrl, embedHtml };
}


import { Types } from 'mongoose';
import { KibbleError } from '../../errors';
import { handleOf } from '../accounts/account-store';
import { findOwnerIdOfThing, findThingById, findThingsByIds, findThingsOfOwner, insertThing, type Thing } from './thing-store';

/**
 * Things are what donors flattr: a URL (normalized, one thing per URL) and a title, owned by the
 * creator who registered it. Services speak in string ids; ObjectIds stay inside this layer.
 */
export interface ThingView {
  id: string;
  url: string;
  title: string;
  ownerId: string;
  createdAt: Date;
}

export const THING_URL_MAX_CHARS = 2048;
export const THING_TITLE_MAX_CHARS = 200;

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:']);
/** Anything the URL parser would silently delete or re-encode inside the text; we refuse it instead. */
const INNER_WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/u;
const OBJECT_ID_TEXT = /^[0-9a-f]{24}$/i;

/**
 * The canonical form of a thing's URL, so that the unique index sees one URL per page:
 * lower-case scheme and host (the WHATWG parser does that, and IDNs become punycode), no default
 * port, no fragment (it never reaches the server, so it cannot make another page), no trailing
 * slash when the path is only the root, the query kept (it often selects the content).
 * `https://Example.org:443/#top` and `https://example.org` are the same thing.
 */
export function normalizeThingUrl(text: unknown): string {
  if (typeof text !== 'string') {
    throw invalidUrl(`a thing URL must be a string, got ${text === null ? 'null' : typeof text}`);
  }
  const trimmed = text.trim();
  if (trimmed.length === 0) throw invalidUrl('a thing URL is required');
  if (trimmed.length > THING_URL_MAX_CHARS) {
    throw invalidUrl(`a thing URL may have at most ${THING_URL_MAX_CHARS} characters, got ${trimmed.length}`);
  }
  if (INNER_WHITESPACE_OR_CONTROL.test(trimmed)) {
    throw invalidUrl('a thing URL may not contain spaces or control characters (percent-encode them)');
  }
  const url = parseUrl(trimmed);
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
    throw invalidUrl(`only http and https URLs can be things, not ${quote(url.protocol.replace(/:$/, ''))}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw invalidUrl('a thing URL may not contain a user name or password');
  }
  // url.host omits a default port; url.search is '' for a bare '?', which is the same page.
  const path = url.pathname === '/' ? '' : url.pathname;
  const normalized = `${url.protocol}//${url.host}${path}${url.search}`;
  // Percent-encoding by the parser can make the text longer than what was typed.
  if (normalized.length > THING_URL_MAX_CHARS) {
    throw invalidUrl(`a thing URL may have at most ${THING_URL_MAX_CHARS} characters once normalized, got ${normalized.length}`);
  }
  return normalized;
}

/** Trimmed title of 1..200 characters (code points, so an emoji counts once), on one line. */
export function parseThingTitle(text: unknown): string {
  if (typeof text !== 'string') {
    throw new KibbleError('validation-failed', `a title must be a string, got ${text === null ? 'null' : typeof text}`, { field: 'title' });
  }
  const title = text.trim();
  const length = [...title].length;
  if (length < 1 || length > THING_TITLE_MAX_CHARS) {
    throw new KibbleError('validation-failed', `a title must have 1 to ${THING_TITLE_MAX_CHARS} characters, got ${length}`, { field: 'title' });
  }
  if (/[\u0000-\u001f\u007f]/u.test(title)) {
    throw new KibbleError('validation-failed', 'a title must be one line without control characters', { field: 'title' });
  }
  return title;
}

/**
 * An id from a path or token as an ObjectId. A malformed id names nothing that exists, so it is
 * answered like an unknown one (404) rather than leaking how ids are built.
 */
export function objectIdOf(id: unknown, what: string): Types.ObjectId {
  if (typeof id !== 'string' || !OBJECT_ID_TEXT.test(id)) {
    throw new KibbleError('not-found', `no ${what} with this id`);
  }
  return new Types.ObjectId(id);
}

export async function registerThing(ownerId: string, input: { url: unknown; title: unknown }, at: Date): Promise<ThingView> {
  const url = normalizeThingUrl(input.url);
  const title = parseThingTitle(input.title);
  const owner = objectIdOf(ownerId, 'account');
  // Insert and let the unique index decide: a check-then-insert would let two racing
  // registrations of the same URL both succeed.
  const created = await insertThing({ url, title, ownerId: owner, createdAt: at });
  if (created === null) throw new KibbleError('thing-exists', `${url} is already registered as a thing`, { url });
  rememberThingOwner(created._id.toHexString(), owner);
  return thingView(created);
}

export async function getThing(id: string): Promise<ThingView> {
  return thingView(await findThing(id));
}

/** The stored thing, for other services that need its owner; 404 when unknown or malformed. */
export async function findThing(id: string): Promise<Thing> {
  const thing = await findThingById(objectIdOf(id, 'thing'));
  if (thing === null) throw new KibbleError('not-found', 'no thing with this id');
  return thing;
}

/**
 * Thing id (hex) → owner id, for the flattr path, which needs only the owner and runs on every
 * click. ASSUMPTION this cache rests on: a thing never changes owner and is never deleted (no code
 * path updates `ownerId` or removes a thing). If either ever becomes possible, that code must call
 * `forgetThingOwner`, or this cache must go. Only things that exist are cached (an unknown id may
 * be registered later), so a hit can never turn a 404 into a stale answer. Bounded: at most
 * THING_OWNER_CACHE_MAX entries, least recently used evicted first (a Map keeps insertion order;
 * a hit re-inserts its key at the end). Per process, so several app processes each keep their own.
 */
export const THING_OWNER_CACHE_MAX = 10_000;
const thingOwners = new Map<string, Types.ObjectId>();

function rememberThingOwner(thingId: string, ownerId: Types.ObjectId): void {
  thingOwners.delete(thingId);
  thingOwners.set(thingId, ownerId);
  if (thingOwners.size > THING_OWNER_CACHE_MAX) {
    const oldest = thingOwners.keys().next();
    if (oldest.done !== true) thingOwners.delete(oldest.value);
  }
}

/** Drops a cached owner (for a future delete or transfer of a thing, and for tests). */
export function forgetThingOwner(thingId?: string): void {
  if (thingId === undefined) thingOwners.clear();
  else thingOwners.delete(thingId.toLowerCase());
}

/** A thing's id and owner; 404 when unknown or malformed. Cached, see `thingOwners`. */
export async function findThingOwner(id: string): Promise<{ thingId: Types.ObjectId; ownerId: Types.ObjectId }> {
  const thingId = objectIdOf(id, 'thing');
  const key = thingId.toHexString();
  const cached = thingOwners.get(key);
  if (cached !== undefined) {
    rememberThingOwner(key, cached);
    return { thingId, ownerId: cached };
  }
  const ownerId = await findOwnerIdOfThing(thingId);
  if (ownerId === null) throw new KibbleError('not-found', 'no thing with this id');
  rememberThingOwner(key, ownerId);
  return { thingId, ownerId };
}

export async function listThingsOf(ownerId: string): Promise<ThingView[]> {
  const things = await findThingsOfOwner(objectIdOf(ownerId, 'account'));
  return things.map(thingView);
}

/** The things of these ids (hex) that exist, by id; a malformed or unknown id is simply absent. */
export async function thingsByIds(ids: readonly string[]): Promise<Map<string, ThingView>> {
  const unique = [...new Set(ids)].filter((id) => OBJECT_ID_TEXT.test(id)).map((id) => new Types.ObjectId(id));
  const things = await findThingsByIds(unique);
  return new Map(things.map((thing) => [thing._id.toHexString(), thingView(thing)]));
}

/** The handle of the thing's creator; null if their account is gone. */
export async function ownerHandleOf(thing: ThingView): Promise<string | null> {
  return handleOf(thing.ownerId);
}

export function thingView(thing: Thing): ThingView {
  return {
    id: thing._id.toHexString(),
    url: thing.url,
    title: thing.title,
    ownerId: thing.ownerId.toHexString(),
    createdAt: thing.createdAt,
  };
}

function parseUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    const hint = /^[a-z][a-z0-9+.-]*:/i.test(text) ? '' : ' (it needs a scheme, e.g. https://)';
    throw invalidUrl(`${quote(text)} is not a URL${hint}`);
  }
}

function invalidUrl(message: string): KibbleError {
  return new KibbleError('validation-failed', message, { field: 'url' });
}

/** Inputs can be 2 kB long; a message repeats only their start. */
function quote(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}

import { KibbleError } from '../../errors';
import { EVENT_KINDS, isEventKind, type EventKind } from '../events/kinds';
import { deliveriesOf } from './delivery-store';
import { deleteEndpoint, endpointById, endpointsOf, insertEndpoint, type WebhookEndpoint } from './endpoint-store';
import { newEndpointSecret } from './signature';

/** What owners see of their endpoints (the secret only once, from createEndpoint). */
export interface EndpointView {
  id: string;
  url: string;
  kinds: EventKind[];
  createdAt: Date;
  failingSince: Date | null;
  disabledAt: Date | null;
  /**
   * Why it was disabled: a DisabledReason code ('no-delivery': nothing succeeded since failingSince for
   * WEBHOOK_DISABLE_AFTER_DAYS); for an endpoint disabled before reasons were codes, the English
   * sentence stored then, unless it is read back as its code.
   */
  disabledReason: string | null;
  /** With 'no-delivery': the last attempt's error (http-500, timeout, address...). */
  disabledLastError: string | null;
}

export interface DeliveryView {
  eventId: string;
  kind: string;
  state: string;
  attempts: number;
  createdAt: Date;
  lastAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

const MAX_ENDPOINTS_PER_OWNER = 10;
const MAX_URL_LENGTH = 2048;

/**
 * Registers an endpoint for `ownerId` (an account id, or 'operator' for every event). The URL is
 * checked for shape here; where it may connect is decided at each delivery (net/outbound.ts).
 */
export async function createEndpoint(ownerId: string, input: { url: string; kinds: readonly string[] }, now: Date): Promise<{ endpoint: EndpointView; secret: string }> {
  const url = checkedUrl(input.url);
  const kinds = [...new Set(input.kinds)];
  if (kinds.length === 0 || !kinds.every(isEventKind)) {
    throw new KibbleError('validation-failed', `kinds must be one or more of ${EVENT_KINDS.join(', ')}`, { field: 'kinds' });
  }
  if ((await endpointsOf(ownerId)).length >= MAX_ENDPOINTS_PER_OWNER) {
    throw new KibbleError('conflict', `at most ${MAX_ENDPOINTS_PER_OWNER} webhook endpoints per account: remove one first`);
  }
  const secret = newEndpointSecret();
  const endpoint = await insertEndpoint({ ownerId, url, kinds, secret, createdAt: now });
  return { endpoint: viewOf(endpoint), secret };
}

export async function listEndpoints(ownerId: string): Promise<EndpointView[]> {
  return (await endpointsOf(ownerId)).map(viewOf);
}

export async function removeEndpoint(ownerId: string, id: string): Promise<void> {
  if (!(await deleteEndpoint(ownerId, id))) throw new KibbleError('not-found', 'no such webhook endpoint');
}

/** The endpoint's delivery log, newest first; only its owner may read it. */
export async function deliveryLog(ownerId: string, id: string, limit = 100): Promise<{ endpoint: EndpointView; deliveries: DeliveryView[] }> {
  const endpoint = await endpointById(id);
  if (endpoint === undefined || endpoint.ownerId !== ownerId) throw new KibbleError('not-found', 'no such webhook endpoint');
  const deliveries = await deliveriesOf(id, limit);
  return {
    endpoint: viewOf(endpoint),
    deliveries: deliveries.map((row) => ({
      eventId: row.eventId,
      kind: row.kind,
      state: row.state,
      attempts: row.attempts,
      createdAt: row.createdAt,
      lastAttemptAt: row.lastAttemptAt ?? null,
      lastStatus: row.lastStatus ?? null,
      lastError: row.lastError ?? null,
      nextAttemptAt: row.state === 'pending' ? row.nextAttemptAt : null,
      deliveredAt: row.deliveredAt ?? null,
    })),
  };
}

function checkedUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KibbleError('validation-failed', 'url must be an absolute http:// or https:// URL', { field: 'url' });
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || raw.length > MAX_URL_LENGTH || url.username !== '' || url.password !== '') {
    throw new KibbleError('validation-failed', `url must be an http:// or https:// URL without credentials, at most ${MAX_URL_LENGTH} characters`, { field: 'url' });
  }
  return url.toString();
}

function viewOf(endpoint: WebhookEndpoint): EndpointView {
  return {
    id: String(endpoint._id),
    url: endpoint.url,
    kinds: endpoint.kinds.filter(isEventKind),
    createdAt: endpoint.createdAt,
    failingSince: endpoint.failingSince ?? null,
    disabledAt: endpoint.disabledAt ?? null,
    ...disabledWhy(endpoint),
  };
}

/** The sentence endpoints were disabled with before reasons were codes: read back as 'no-delivery'. */
const LEGACY_NO_DELIVERY = /^no successful delivery since \S+ \(\d+ days or more\); last error: (.*)$/s;

function disabledWhy(endpoint: WebhookEndpoint): Pick<EndpointView, 'disabledReason' | 'disabledLastError'> {
  const legacy = LEGACY_NO_DELIVERY.exec(endpoint.disabledReason ?? '');
  if (legacy !== null) return { disabledReason: 'no-delivery', disabledLastError: legacy[1] ?? null };
  return { disabledReason: endpoint.disabledReason ?? null, disabledLastError: endpoint.disabledLastError ?? null };
}

import type { OutboundFetch } from '../../net/outbound';
import { isKibbleError } from '../../errors';
import type { Logger } from '../../log';
import { consumeEvents, outboxEvent, type OutboxEvent } from '../events/outbox';
import { deliveryId, dueDeliveries, failPendingOf, insertDeliveriesOnce, markAttemptFailed, markDelivered, type WebhookDelivery } from './delivery-store';
import { activeEndpoints, disableEndpoint, endpointById, markEndpointFailing, markEndpointHealthy, type WebhookEndpoint } from './endpoint-store';
import { EVENT_ID_HEADER, EVENT_KIND_HEADER, retryDelayMs, signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature';

/**
 * Webhook delivery (docs/webhooks.md), one pass at a time under the webhooks lease: the fan-out
 * turns new outbox events into one delivery per (event, endpoint), with a deterministic id; the
 * sender POSTs each due delivery, signed, through the bounded outbound client. A crash anywhere
 * leaves the delivery pending: it is sent again, with the same event id and body, and receivers
 * drop the repeat by id.
 */

/** The outbox consumer name of the fan-out (its cursor). */
export const WEBHOOK_CONSUMER = 'webhooks';
export const OPERATOR_OWNER = 'operator';

export interface WebhookSettings {
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterMs: number;
  timeoutMs: number;
  /** Largest answer read from a receiver (its body is not used). */
  maxResponseBytes?: number;
  retryBaseMs?: number;
  /** Deliveries sent per pass; at most `parallel` at a time. */
  batch?: number;
  parallel?: number;
  /** Outbox read grace (events/ordering.ts); tests shorten it. */
  gapGraceMs?: number;
}

export interface WebhookDeps {
  fetch: OutboundFetch;
  clock: () => Date;
  settings: WebhookSettings;
  log: Logger;
}

/** Whether an endpoint wants an event: the operator's get every event, an account's those that concern it. */
export function endpointWants(endpoint: Pick<WebhookEndpoint, 'ownerId' | 'kinds' | 'createdAt'>, event: Pick<OutboxEvent, 'kind' | 'accounts' | 'recordedAt'>): boolean {
  // An endpoint gets what happens after it was registered, not the history before it.
  if (!endpoint.kinds.includes(event.kind) || event.recordedAt < endpoint.createdAt) return false;
  return endpoint.ownerId === OPERATOR_OWNER || event.accounts.includes(endpoint.ownerId);
}

/** The body of every attempt of an event: the same bytes each time. */
export function webhookBody(event: OutboxEvent): string {
  return JSON.stringify({ id: event.id, kind: event.kind, occurredAt: event.occurredAt.toISOString(), data: event.data });
}

/** Turns new outbox events into deliveries; answers how many events were read. */
export async function fanOutEvents(deps: Pick<WebhookDeps, 'clock' | 'settings'>): Promise<number> {
  const now = deps.clock();
  return consumeEvents(
    WEBHOOK_CONSUMER,
    async (events) => {
      const endpoints = await activeEndpoints();
      const deliveries: WebhookDelivery[] = events.flatMap((event) =>
        endpoints.filter((endpoint) => endpointWants(endpoint, event)).map((endpoint) => newDelivery(event, endpoint, now)),
      );
      await insertDeliveriesOnce(deliveries);
    },
    { now, ...(deps.settings.gapGraceMs === undefined ? {} : { gapGraceMs: deps.settings.gapGraceMs }) },
  );
}

function newDelivery(event: OutboxEvent, endpoint: WebhookEndpoint, now: Date): WebhookDelivery {
  const endpointId = String(endpoint._id);
  return {
    _id: deliveryId(event.id, endpointId),
    eventId: event.id,
    endpointId,
    ownerId: endpoint.ownerId,
    kind: event.kind,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    lastAttemptAt: null,
    lastStatus: null,
    lastError: null,
    deliveredAt: null,
  };
}

export interface SendReport {
  delivered: number;
  failed: number;
}

/** Sends the deliveries that are due. */
export async function sendDueDeliveries(deps: WebhookDeps): Promise<SendReport> {
  const due = await dueDeliveries(deps.clock(), deps.settings.batch ?? 50);
  const report: SendReport = { delivered: 0, failed: 0 };
  const endpoints = new Map<string, WebhookEndpoint | undefined>();
  const parallel = Math.max(1, deps.settings.parallel ?? 4);
  for (let start = 0; start < due.length; start += parallel) {
    await Promise.all(
      due.slice(start, start + parallel).map(async (delivery) => {
        if (!endpoints.has(delivery.endpointId)) endpoints.set(delivery.endpointId, await endpointById(delivery.endpointId));
        const ok = await attempt(deps, delivery, endpoints.get(delivery.endpointId));
        if (ok) report.delivered += 1;
        else report.failed += 1;
      }),
    );
  }
  return report;
}

async function attempt(deps: WebhookDeps, delivery: WebhookDelivery, endpoint: WebhookEndpoint | undefined): Promise<boolean> {
  if (endpoint === undefined || endpoint.disabledAt !== null) {
    await failPendingOf(delivery.endpointId, endpoint === undefined ? 'endpoint-removed' : 'endpoint-disabled');
    return false;
  }
  const event = await outboxEvent(delivery.eventId);
  if (event === undefined) throw new Error(`delivery ${delivery._id}: its event is not in the outbox`);
  const body = webhookBody(event);
  const timestamp = Math.floor(deps.clock().getTime() / 1000);
  const attempts = delivery.attempts + 1;
  let status: number | null = null;
  let error: string;
  try {
    const response = await deps.fetch({
      url: endpoint.url,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'kibble-webhooks/1',
        [EVENT_ID_HEADER]: event.id,
        [EVENT_KIND_HEADER]: event.kind,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signPayload(endpoint.secret, timestamp, body),
      },
      body,
      timeoutMs: deps.settings.timeoutMs,
      maxBytes: deps.settings.maxResponseBytes ?? 64 * 1024,
    });
    status = response.status;
    if (status >= 200 && status < 300) {
      const at = deps.clock();
      await markDelivered(delivery._id, { at, status, attempts });
      await markEndpointHealthy(delivery.endpointId);
      return true;
    }
    error = `http-${status}`;
  } catch (failure) {
    if (!isKibbleError(failure)) throw failure;
    const reason = failure.details?.reason;
    error = typeof reason === 'string' ? reason : failure.code;
  }
  await recordFailure(deps, delivery, endpoint, { status, error, attempts });
  return false;
}

async function recordFailure(deps: WebhookDeps, delivery: WebhookDelivery, endpoint: WebhookEndpoint, failure: { status: number | null; error: string; attempts: number }): Promise<void> {
  const at = deps.clock();
  const nextAttemptAt = new Date(at.getTime() + retryDelayMs(failure.attempts, deps.settings.retryBaseMs));
  await markAttemptFailed(delivery._id, { at, ...failure, nextAttemptAt });
  await markEndpointFailing(delivery.endpointId, at);
  const failingSince = endpoint.failingSince ?? at;
  if (at.getTime() - failingSince.getTime() >= deps.settings.disableAfterMs) {
    if (await disableEndpoint(delivery.endpointId, { reason: 'no-delivery', lastError: failure.error }, at)) {
      deps.log.warn({ endpointId: delivery.endpointId }, 'webhook endpoint disabled after failing too long');
    }
    await failPendingOf(delivery.endpointId, 'endpoint-disabled');
  }
  deps.log.info({ endpointId: delivery.endpointId, eventId: delivery.eventId, attempts: failure.attempts, error: failure.error }, 'webhook delivery failed; retrying later');
}

/** One pass: fan out what is new, then send what is due. */
export async function webhookPass(deps: WebhookDeps): Promise<SendReport & { events: number }> {
  const events = await fanOutEvents(deps);
  return { events, ...(await sendDueDeliveries(deps)) };
}

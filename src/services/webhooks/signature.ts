import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The webhook signature scheme (docs/webhooks.md): the body is the event as JSON, the same bytes
 * on every attempt; each attempt sends a Unix timestamp (seconds) and
 * `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. Pure, so receivers' examples and tests
 * check against the very same function.
 */
export const EVENT_ID_HEADER = 'kibble-event-id';
export const EVENT_KIND_HEADER = 'kibble-event-kind';
export const TIMESTAMP_HEADER = 'kibble-timestamp';
export const SIGNATURE_HEADER = 'kibble-signature';
export const SIGNATURE_VERSION = 'v1';

export function newEndpointSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signPayload(secret: string, timestamp: number, body: string): string {
  return `${SIGNATURE_VERSION}=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Whether `signature` signs `body` at `timestamp` and the timestamp is within `toleranceSeconds` of now. */
export function verifySignature(secret: string, timestamp: number, body: string, signature: string, now: Date, toleranceSeconds = 300): boolean {
  if (!Number.isInteger(timestamp) || Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Delay before attempt `attempts + 1` after `attempts` failures: 10 s, 20 s, 40 s... at most 6 h. */
export function retryDelayMs(attempts: number, baseMs = 10_000, maxMs = 6 * 60 * 60 * 1000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

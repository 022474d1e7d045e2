/**
 * JSON that keeps bigint values exact: they are written as tagged strings and read back as
 * bigint. Used to store a settlement plan, whose amounts must survive the round trip to the koinu.
 */
const TAG = '#bigint:';
const TAGGED = /^#bigint:-?[0-9]+$/;

export function stringifyWithBigints(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? `${TAG}${item}` : item));
}

/** The value as JSON.parse gives it, tagged strings turned back into bigints: the caller says what it is. */
export function parseWithBigints(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => (typeof item === 'string' && TAGGED.test(item) ? BigInt(item.slice(TAG.length)) : item));
}

/** The account names that start with a prefix, as a range of the index's order. */
export interface PrefixRange {
  $gte: string;
  $lt: string;
}

/**
 * `{$gte: 'donor:', $lt: 'donor;'}` for `donor:`: a range bounds the index scan on every engine,
 * where an anchored `$regex` (`^donor:`) may not. Prefixes are ASCII (`donor:`, `creator:`,
 * `platform:`), so the next character is the upper bound in UTF-8 byte order and JavaScript's alike.
 */
export function prefixRange(prefix: string): PrefixRange {
  if (!/^[\x20-\x7e]+$/.test(prefix)) throw new Error(`account prefix ${JSON.stringify(prefix)} is not printable ASCII`);
  const last = prefix.charCodeAt(prefix.length - 1);
  return { $gte: prefix, $lt: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

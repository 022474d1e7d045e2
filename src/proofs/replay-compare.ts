/**
 * Comparison helpers of `kibble replay` (replay.ts): each returns the differences between what a
 * month published and what the replay recomputed, as short sentences naming the field, empty when
 * they agree. Plain data in, plain data out.
 */

export type Scalar = bigint | number | string | boolean | null;

/** Field by field: `prefix.field: published X, recomputed Y`. */
export function fieldDifferences(prefix: string, published: Readonly<Record<string, Scalar>>, recomputed: Readonly<Record<string, Scalar>>): string[] {
  const keys = [...new Set([...Object.keys(published), ...Object.keys(recomputed)])];
  return keys.flatMap((key) => {
    const a = published[key];
    const b = recomputed[key];
    return String(a) === String(b) ? [] : [`${prefix}${key}: published ${show(a)}, recomputed ${show(b)}`];
  });
}

/**
 * Two lists of keyed rows: rows only in one, and rows whose fields differ (`what key: ...`).
 * `key` must be unique within each list.
 */
export function keyedDifferences<T>(what: string, published: readonly T[], recomputed: readonly T[], key: (row: T) => string, fields: (row: T) => Record<string, Scalar>): string[] {
  const left = new Map(published.map((row) => [key(row), row]));
  const right = new Map(recomputed.map((row) => [key(row), row]));
  const differences: string[] = [];
  for (const [id, row] of left) {
    const other = right.get(id);
    if (other === undefined) differences.push(`${what} ${id}: published, not in the replay`);
    else differences.push(...fieldDifferences(`${what} ${id} `, fields(row), fields(other)));
  }
  for (const id of right.keys()) if (!left.has(id)) differences.push(`${what} ${id}: in the replay, not published`);
  return differences;
}

/** Two ordered lists: the first position where they differ, and the lengths if they differ. */
export function sequenceDifferences(what: string, published: readonly string[], recomputed: readonly string[]): string[] {
  const differences: string[] = [];
  if (published.length !== recomputed.length) differences.push(`${what}: published ${published.length}, recomputed ${recomputed.length}`);
  const at = published.findIndex((item, i) => i < recomputed.length && item !== recomputed[i]);
  if (at >= 0) differences.push(`${what} #${at}: published ${published[at]}, recomputed ${recomputed[at]}`);
  return differences;
}

/** Keeps a report readable: the first `limit` differences and how many more there are. */
export function firstDifferences(differences: readonly string[], limit = 20): string[] {
  if (differences.length <= limit) return [...differences];
  return [...differences.slice(0, limit), `... and ${differences.length - limit} more`];
}

function show(value: Scalar | undefined): string {
  return value === undefined ? '(absent)' : value === null ? 'none' : String(value);
}

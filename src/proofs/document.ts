import type { z } from 'zod';
import { KibbleError, type ErrorCode } from '../errors';

/** How a versioned document that fails its schema is refused: its error code, what it is, and how its root is named. */
export interface DocumentRefusal {
  code: ErrorCode;
  /** e.g. 'allocation proof': "not a kibble allocation proof (version 1): ..." */
  kind: string;
  /** What an issue at the top level is called, e.g. 'the proof'. */
  whole: string;
}

/** A parsed JSON document checked by its schema; refused naming the first bad field (its path in `details.path`). */
export function parseDocument<T extends z.ZodType>(schema: T, json: unknown, refusal: DocumentRefusal): z.infer<T> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? refusal.whole : issue.path.join('.');
  throw new KibbleError(refusal.code, `not a kibble ${refusal.kind} (version 1): ${where}: ${issue?.message ?? 'invalid'}`, { path: where });
}

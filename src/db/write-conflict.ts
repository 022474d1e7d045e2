import { setTimeout as sleep } from 'node:timers/promises';
import { failedWithCode } from './errors';

/**
 * MongoDB's WriteConflict. DocumentDB (PostgreSQL underneath) answers it when concurrent inserts of
 * one key into a unique secondary index deadlock and PostgreSQL's deadlock detector picks this one to
 * fail ("Could not acquire lock for operation due to deadlock"): twenty registrations of one URL at
 * once met it in about one refused insert in six. MongoDB retries such a conflict of a
 * single-document write inside the server and never answers it. kibble's inserts are keyed (a
 * repeat stores the document or meets a duplicate key, which its caller reads as "already there"),
 * so they are repeated here. That untangles a few writers (two instances, a double submit); the
 * inserts of one key in one process are also queued (one-writer-per-key.ts), as repeats alone did not
 * untangle twenty.
 */
export const WRITE_CONFLICT_CODE = 112;

/** Attempts in all before the conflict is passed on. */
export const WRITE_CONFLICT_ATTEMPTS = 8;
/**
 * The first pause, doubled at each attempt (25 ms to 1.6 s, about 3 s in all) and jittered, so that
 * the writers that met do not meet again: PostgreSQL looks for a deadlock only once a waiter has
 * waited a second (`deadlock_timeout`), so a repeat within milliseconds finds the others still
 * tangled.
 */
const FIRST_PAUSE_MS = 25;

/**
 * True for a write conflict, including a bulk write with one among its failures: the documents
 * inserted beside it are keyed, so repeating the whole write is safe.
 */
export function isWriteConflict(error: unknown): boolean {
  return failedWithCode(error, WRITE_CONFLICT_CODE, 'any');
}

/** Runs a keyed write, repeating it while it fails with a write conflict (a few times at most). */
export async function repeatOnWriteConflict<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= WRITE_CONFLICT_ATTEMPTS || !isWriteConflict(error)) throw error;
      await sleep(FIRST_PAUSE_MS * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
    }
  }
}

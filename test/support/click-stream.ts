// Donors clicking through the HTTP API of several instances at once, each click to the next
// instance in turn, for the multi-instance tests. Every attempt is recorded, answered or not
// (a request in flight to an instance that gets killed has no answer: it may or may not be stored).
import type { KibbleInstance } from './instances';

export interface StreamingDonor {
  id: string;
  token: string;
  /** Things to click, in order; each once. */
  things: readonly string[];
}

export interface ClickAttempt {
  donorId: string;
  thingId: string;
  /** Index of the instance that got the request. */
  instance: number;
  status?: number;
  /** From a 201 answer: the click's id and the month it counts in. */
  id?: string;
  period?: string;
  /** The request failed without an answer (connection refused or reset). */
  error?: string;
}

export interface ClickStreamOptions {
  donors: readonly StreamingDonor[];
  /** The instance for the n-th request (the caller skips dead ones). */
  instanceFor: (n: number) => KibbleInstance;
  /** Pause between two clicks of one donor. */
  paceMs: number;
  /** Checked before each click of a donor, with that donor's attempts so far. */
  doneWhen: (attempts: readonly ClickAttempt[]) => boolean;
}

export async function streamClicks(options: ClickStreamOptions): Promise<ClickAttempt[]> {
  let sent = 0;
  const perDonor = await Promise.all(
    options.donors.map(async (donor) => {
      const attempts: ClickAttempt[] = [];
      for (const thingId of donor.things) {
        if (options.doneWhen(attempts)) break;
        const instance = options.instanceFor(sent++);
        const attempt: ClickAttempt = { donorId: donor.id, thingId, instance: instance.index };
        try {
          const reply = await instance.api<{ id?: string; period?: string }>('POST', `/api/v1/things/${thingId}/flattr`, { token: donor.token });
          attempt.status = reply.status;
          if (reply.status === 201) {
            attempt.id = reply.body.id;
            attempt.period = reply.body.period;
          }
        } catch (error) {
          attempt.error = error instanceof Error ? error.message : String(error);
        }
        attempts.push(attempt);
        await new Promise((resolve) => setTimeout(resolve, options.paceMs));
      }
      return attempts;
    }),
  );
  return perDonor.flat();
}

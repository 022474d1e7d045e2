/**
 * Awaits every promise of a group, then answers all their values, or throws the first failure in
 * the group's order. Unlike Promise.all, it never throws while a member still runs: a caller that
 * stops on a failure knows that no read or write of the group goes on behind it (a scanner's view
 * read still running after its pass failed would set the view that failure dropped; a write
 * running on would race the next pass).
 */
export async function settleAll<T extends readonly unknown[]>(promises: { readonly [K in keyof T]: PromiseLike<T[K]> }): Promise<T> {
  const outcomes = await Promise.allSettled(promises as readonly PromiseLike<unknown>[]);
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

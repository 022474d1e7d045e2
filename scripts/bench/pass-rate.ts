/**
 * bench:scan's verdict over several timed passes (`--passes N`). Issue 13 item 4 compares two
 * rates: the scanner's blocks per second end to end and the node's raw fetch of the same blocks.
 * Each pass times both, but a single pass's quotient is noisy on both sides: over one run of ten
 * passes the raw fetch of the same 100 blocks from the same node took from 98 to 147 ms (session 33,
 * docs/benchmarks.md), so a scanner of constant speed would show per-pass ratios half as large
 * again from one pass to the next. The rates over the
 * whole run are the blocks of all passes over their total time, and every pass scans the same
 * blocks, so their quotient is the sum of the raw fetch times over the sum of the pass times.
 */

export interface PassTimes {
  /** The timed scanOnce. */
  scanMs: number;
  /** The raw fetch of the same blocks, timed just before it. */
  rawFetchMs: number;
}

/** The scanner's rate over all passes as a share of the raw fetch's over the same passes. */
export function ratioOverPasses(passes: readonly PassTimes[]): number {
  if (passes.length === 0) throw new Error('no timed pass');
  let scanMs = 0;
  let rawFetchMs = 0;
  for (const pass of passes) {
    if (!(pass.scanMs > 0) || !(pass.rawFetchMs > 0)) throw new Error(`a timed pass needs positive times, got ${pass.scanMs} and ${pass.rawFetchMs} ms`);
    scanMs += pass.scanMs;
    rawFetchMs += pass.rawFetchMs;
  }
  return rawFetchMs / scanMs;
}

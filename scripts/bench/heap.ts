import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The heap between a bench's phases. A phase that allocates a lot (building a chain, parsing the
 * same blocks forty times) leaves garbage, and V8 collects it later, on helper threads as well as
 * the main one: the CPU lands in whichever phase runs next. A timed phase that should measure only
 * its own work settles the heap first.
 */

let exposedGc: (() => void) | undefined;

function gc(): () => void {
  if (exposedGc === undefined) {
    // `--expose-gc` set at run time: the function appears in contexts created afterwards.
    setFlagsFromString('--expose-gc');
    exposedGc = runInNewContext('gc') as () => void;
  }
  return exposedGc;
}

/** A full collection, then a pause for the helper threads' sweeping to finish. */
export async function settleHeap(): Promise<void> {
  gc()();
  await new Promise((resolve) => setTimeout(resolve, 50));
}

export interface GcPauses {
  /** Collections of the young generation (scavenges). */
  minor: { count: number; ms: number };
  /** Mark-compact and the incremental marking steps of the main thread. */
  major: { count: number; ms: number };
}

/** Counts the main thread's garbage-collection pauses until `stop` is called. */
export function watchGcPauses(): { stop: () => Promise<GcPauses> } {
  const pauses: GcPauses = { minor: { count: 0, ms: 0 }, major: { count: 0, ms: 0 } };
  const count = (entry: PerformanceEntry): void => {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    const into = kind === constants.NODE_PERFORMANCE_GC_MINOR ? pauses.minor : pauses.major;
    into.count += 1;
    into.ms += entry.duration;
  };
  const observer = new PerformanceObserver((list) => list.getEntries().forEach(count));
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: async () => {
      // Entries are delivered asynchronously: let the last ones arrive.
      await new Promise((resolve) => setTimeout(resolve, 0));
      observer.takeRecords().forEach(count);
      observer.disconnect();
      return pauses;
    },
  };
}

export interface RunningLoop {
  stop(): Promise<void>;
}

/**
 * Runs `tick` at once, then `intervalMs` after each pass ends (passes never overlap), until
 * stopped; `stop` waits for the pass in progress. `tick` must handle its own errors (log them and
 * let the next pass retry): the loop does not.
 */
export function repeatEvery(intervalMs: number, tick: () => Promise<void>): RunningLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const run = (): void => {
    current = tick().finally(schedule);
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(run, intervalMs);
  };
  run();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}

import { schedule, type ScheduledTask } from 'node-cron';
import { isKibbleError } from '../errors';
import type { Logger } from '../log';
import type { SettlementService } from '../services/settlement/state-machine';
import type { RunningLoop } from './repeat';

export interface SettlementJobOptions {
  /** SETTLEMENT_CRON, read in UTC. */
  cron: string;
  /** How often broadcast settlements are followed to confirmed, and a catch-up goes on. */
  followIntervalMs: number;
  log: Logger;
  /**
   * Run after each tick's settlement work (the proof of reserves published once a month is
   * confirmed); its failure is logged and retried at the next tick, never stopping the settlement.
   */
  afterTick?: () => Promise<void>;
}

/**
 * The settlement's schedule. The cron tick (and start-up) arms a catch-up that settles every past
 * month due, oldest first; the follower, every `followIntervalMs`, moves broadcast months to
 * confirmed, continues the catch-up once the month before is confirmed, and resumes a run that
 * stopped half-way (a month closed early whose instance died, say). They run only while
 * this instance holds the settlement lease (node-cron's own overlap guard is per process).
 */
export function startSettlementJobs(service: SettlementService, options: SettlementJobOptions): RunningLoop {
  const { log } = options;
  let catchUpArmed = true;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const tick = async (): Promise<void> => {
    try {
      await service.followConfirmations();
      // A run that stopped half-way (its instance died) is resumed here, by whoever holds the lease.
      if (catchUpArmed || (await service.hasStoppedRun())) {
        const settled = await service.settleDuePeriods();
        if (settled.every((settlement) => settlement.state === 'confirmed')) catchUpArmed = false;
        for (const settlement of settled) log.info({ period: settlement._id, state: settlement.state }, 'settlement catch-up');
      }
    } catch (error) {
      if (isKibbleError(error, 'lease-held')) return; // another instance runs it
      log.error({ err: error }, 'settlement step failed; retrying at the next interval (the reason is stored on the settlement)');
    }
    if (options.afterTick === undefined) return;
    try {
      await options.afterTick();
    } catch (error) {
      log.warn({ err: error }, 'after the settlement step: failed, retrying at the next interval');
    }
  };
  const runTick = (): void => {
    running = running.then(tick);
  };
  const loop = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      runTick();
      void running.finally(loop);
    }, options.followIntervalMs);
  };

  const task: ScheduledTask = schedule(
    options.cron,
    () => {
      catchUpArmed = true;
      runTick();
    },
    { timezone: 'UTC', name: 'kibble-settlement' },
  );
  runTick();
  loop();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await task.stop();
      await running;
    },
  };
}

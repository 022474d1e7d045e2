import { currentPeriodAt, periodOf } from '../money/period';
import { settlementStateOf } from './settlement/settlement-store';

/**
 * Which period a click made now belongs to. Normally the month of its timestamp; but once the
 * operator closed the current month early (`settle --close-now`), later clicks go to the next
 * one. Every click would otherwise read the settlement document, so each instance remembers the
 * answer: "closed" for good (a period never reopens), "open" for at most CLOSED_PERIOD_CACHE_MS.
 * Closing a period waits longer than that before it freezes the clicks (see closing.ts), so no
 * instance can still be adding clicks to a period whose clicks were read.
 */
export const CLOSED_PERIOD_CACHE_MS = 1_000;

const closedPeriods = new Set<string>();
const openUntil = new Map<string, number>();

export async function isPeriodClosed(period: string, nowMs: number = Date.now()): Promise<boolean> {
  if (closedPeriods.has(period)) return true;
  const knownOpenUntil = openUntil.get(period);
  if (knownOpenUntil !== undefined && nowMs < knownOpenUntil) return false;
  // Clicks arriving while the state is being read share that read (under load, every flattr of
  // the read's duration would otherwise read it again: bench:clicks saw 0.45 reads a flattr).
  let reading = readingState.get(period);
  if (reading === undefined) {
    reading = readClosed(period, nowMs).finally(() => readingState.delete(period));
    readingState.set(period, reading);
  }
  return reading;
}

const readingState = new Map<string, Promise<boolean>>();

async function readClosed(period: string, nowMs: number): Promise<boolean> {
  const closed = (await settlementStateOf(period)) !== 'open';
  if (closed) {
    closedPeriods.add(period);
    openUntil.delete(period);
  } else {
    openUntil.set(period, nowMs + CLOSED_PERIOD_CACHE_MS);
  }
  return closed;
}

/**
 * The period a click at `now` counts in, which is also "this month" wherever one is shown (the
 * donor, creator and operator pages, `/me`, the button): one rule, currentPeriodAt.
 */
export async function clickPeriodAt(now: Date): Promise<string> {
  // The wall clock, not `now`: the cache lifetime is real time even when a test fakes the click time.
  return currentPeriodAt(now, await isPeriodClosed(periodOf(now)));
}


import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of other processes and their descendants (Linux /proc), for benchmarks on a shared
 * machine: what the regtest node and the database burned during a timed step, beside this
 * process's own `process.cpuUsage()`. Children that exited are counted through their parent's
 * cutime/cstime (a PostgreSQL backend that ended is reaped by the postmaster). Answers 0 for a
 * process that is gone or where /proc is missing.
 */

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface Stat {
  ppid: number;
  /** utime + stime + cutime + cstime, in ms. */
  cpuMs: number;
}

/**
 * The numeric fields of a /proc stat file after the command name, 0-based: 1 ppid, 11 utime,
 * 12 stime, 13 cutime, 14 cstime (in clock ticks). Throws when the file is gone.
 */
function statFields(path: string): (i: number) => number {
  const text = readFileSync(path, 'utf8');
  // The command name is in parentheses and may contain spaces: the fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (i) => Number(fields[i]);
}

const ticksToMs = (ticks: number): number => (ticks * 1000) / CLOCK_TICKS_PER_SECOND;

function statOf(pid: number): Stat | undefined {
  try {
    const tick = statFields(`/proc/${pid}/stat`);
    return { ppid: tick(1), cpuMs: ticksToMs(tick(11) + tick(12) + tick(13) + tick(14)) };
  } catch {
    return undefined;
  }
}

/** CPU ms so far of each process tree rooted at `roots` (each process counted once). */
export function processTreeCpuMs(roots: readonly number[]): number {
  const stats = new Map<number, Stat>();
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return 0;
  }
  for (const pid of pids) {
    const stat = statOf(pid);
    if (stat) stats.set(pid, stat);
  }
  const inTree = (pid: number): boolean => {
    for (let current: number | undefined = pid, hops = 0; current !== undefined && current > 1 && hops < 64; hops++) {
      if (roots.includes(current)) return true;
      current = stats.get(current)?.ppid;
    }
    return false;
  };
  let total = 0;
  for (const [pid, stat] of stats) if (inTree(pid)) total += stat.cpuMs;
  return total;
}

/**
 * CPU ms so far of this process's main thread (the JavaScript) and of its other threads together
 * (V8's garbage collector and compiler helpers, libuv's pool), which `process.cpuUsage()` adds
 * together (/proc/self/task; every thread is named "node", so the main one is told by its id).
 * In 10 ms ticks; undefined where /proc is missing.
 */
export function threadCpuMs(): { main: number; helpers: number } | undefined {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  const split = { main: 0, helpers: 0 };
  for (const tid of tids) {
    try {
      const tick = statFields(`/proc/self/task/${tid}/stat`);
      const ms = ticksToMs(tick(11) + tick(12));
      if (Number(tid) === process.pid) split.main += ms;
      else split.helpers += ms;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return split;
}

/** What the main thread and the others burned since `before` (a reading of threadCpuMs). */
export function threadCpuSince(before: { main: number; helpers: number } | undefined): { main: number; helpers: number } | undefined {
  const after = threadCpuMs();
  return before === undefined || after === undefined ? undefined : { main: after.main - before.main, helpers: after.helpers - before.helpers };
}

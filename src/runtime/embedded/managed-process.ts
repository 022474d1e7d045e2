// Child processes for test and dev helpers (database server, regtest node): spawned with their
// output kept in a bounded buffer for error messages, stopped with SIGTERM then SIGKILL, and
// killed on exit of this process as a safety net so that no server outlives its parent.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Socket } from 'node:net';

const OUTPUT_LIMIT = 64 * 1024;

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ProcessExit>;
  /** The last 64 KiB of stdout and stderr, interleaved. */
  output(): string;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<ProcessExit>;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const live = new Set<ChildProcess>();
const exitCleanups = new Set<() => void>();
let safetyNetInstalled = false;

/**
 * Runs `cleanup` (synchronous: e.g. removing a temp folder) if this process exits before the
 * returned function is called to unregister it.
 */
export function onExitCleanup(cleanup: () => void): () => void {
  installSafetyNet();
  exitCleanups.add(cleanup);
  return () => {
    exitCleanups.delete(cleanup);
  };
}

export function spawnManaged(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): ManagedProcess {
  installSafetyNet();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches kibble only, which then stops the
    // helpers in order (the scanner's last pass must not lose its node mid-way).
    detached: true,
  });
  let output = '';
  const append = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);

  let exitInfo: ProcessExit | undefined;
  live.add(child);
  const exited = new Promise<ProcessExit>((resolve) => {
    const done = (info: ProcessExit): void => {
      if (exitInfo) return;
      exitInfo = info;
      live.delete(child);
      resolve(info);
    };
    child.once('exit', (code, signal) => done({ code, signal }));
    // spawn failures (ENOENT...) emit 'error' and possibly no 'exit'
    child.once('error', (error) => {
      append(Buffer.from(`\n[spawn error] ${error.message}\n`));
      done({ code: null, signal: null });
    });
  });

  // Don't let a forgotten helper keep the parent alive; the exit hook still kills it.
  child.unref();
  // the pipes are sockets: unref them too, or they keep the event loop alive
  (child.stdout as Socket | null)?.unref();
  (child.stderr as Socket | null)?.unref();

  return {
    name,
    pid: child.pid ?? -1,
    exited,
    output: () => output,
    hasExited: () => exitInfo !== undefined,
    async stop(graceMs = 10_000): Promise<ProcessExit> {
      if (exitInfo) return exitInfo;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** A TCP port on 127.0.0.1 that was free a moment ago (callers retry if they lose the race). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not allocate a free port'))));
    });
  });
}

/**
 * Polls `probe` until it resolves true; fails early when the process exits, or after
 * `timeoutMs`, with the process output in the error message.
 */
export async function waitUntilReady(
  proc: ManagedProcess,
  probe: () => Promise<boolean>,
  { timeoutMs, what }: { timeoutMs: number; what: string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (proc.hasExited()) {
      const info = await proc.exited;
      throw new Error(`${proc.name} exited before ${what} (code ${info.code}, signal ${info.signal}). Output:\n${tail(proc.output())}`);
    }
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await proc.stop(2_000);
  throw new Error(
    `${proc.name} did not ${what} within ${timeoutMs} ms (last error: ${lastError || 'none'}). Output:\n${tail(proc.output())}`,
  );
}

export function tail(text: string, max = 4_000): string {
  const trimmed = text.trimEnd();
  return trimmed.length > max ? `...${trimmed.slice(-max)}` : trimmed || '(no output)';
}

function installSafetyNet(): void {
  if (safetyNetInstalled) return;
  safetyNetInstalled = true;
  const killAll = (): void => {
    for (const child of live) child.kill('SIGKILL');
    for (const cleanup of exitCleanups) {
      try {
        cleanup();
      } catch {
        // best effort while exiting
      }
    }
    exitCleanups.clear();
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      // Someone else handles it (kibble serve, the demo): they stop the helpers in order, after
      // the requests in flight and the current scanner pass or settlement step; the 'exit' hook
      // above stays the net.
      if (process.listenerCount(signal) > 1) return;
      killAll();
      // Nobody else handles the signal: keep its default meaning, terminate.
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

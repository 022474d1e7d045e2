import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * `DATA_DIR/stack.json`: while `kibble serve` runs on the embedded default, where its database
 * and node listen, so that `kibble <command>` in another shell finds them without MONGODB_URI.
 * Written once everything is up, removed on a clean stop; a file left by a killed process is
 * recognised by its PID being gone. Mode 0600: the node's URL carries its RPC key (DATA_DIR
 * already holds the development keys). `kibble dev fund` finds the running server's URL here too,
 * and `kibble settle` the test prices the stack serves.
 */
export const STACK_FILE = 'stack.json';

const STACK_SCHEMA = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  chain: z.string(),
  /** With the database name. */
  mongodbUri: z.string().min(1),
  chainRpcUrl: z.string().min(1),
  httpUrl: z.string(),
  /** The embedded regtest node's block interval (0: mining off), when the test-coin faucet runs. */
  blockSeconds: z.number().int().nonnegative().optional(),
  /** The stack's test-price server (its PRICE_SOURCE_URL), when it serves EMBEDDED_TEST_PRICES. */
  priceSourceUrl: z.string().optional(),
});

export type EmbeddedStack = z.infer<typeof STACK_SCHEMA>;

export type StackLookup =
  | { state: 'absent'; file: string }
  | { state: 'unreadable'; file: string; reason: string }
  | { state: 'stale'; file: string; pid: number }
  | { state: 'running'; file: string; stack: EmbeddedStack };

export function stackFileIn(dataDir: string): string {
  return join(dataDir, STACK_FILE);
}

export function writeStackFile(dataDir: string, stack: EmbeddedStack): void {
  mkdirSync(dataDir, { recursive: true });
  const file = stackFileIn(dataDir);
  writeFileSync(file, `${JSON.stringify(stack, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Removes the file if it is this process's (another instance may have started on the same folder since). */
export function removeStackFile(dataDir: string, pid: number = process.pid): void {
  const found = readStackFile(dataDir, () => true);
  if (found.state === 'running' && found.stack.pid === pid) rmSync(found.file, { force: true });
}

export function readStackFile(dataDir: string, isAlive: (pid: number) => boolean = processIsAlive): StackLookup {
  const file = stackFileIn(dataDir);
  if (!existsSync(file)) return { state: 'absent', file };
  let parsed: ReturnType<typeof STACK_SCHEMA.safeParse>;
  try {
    parsed = STACK_SCHEMA.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    return { state: 'unreadable', file, reason: error instanceof Error ? error.message : String(error) };
  }
  if (!parsed.success) return { state: 'unreadable', file, reason: 'not a kibble stack file' };
  if (!isAlive(parsed.data.pid)) return { state: 'stale', file, pid: parsed.data.pid };
  return { state: 'running', file, stack: parsed.data };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

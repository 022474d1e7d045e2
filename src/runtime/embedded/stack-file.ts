import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * DATA_DIR/embedded-stack.json: where the running embedded stack answers, so that `kibble dev
 * fund` (and whatever else needs the running stack from a shell) finds it from DATA_DIR alone.
 * Written once the server listens, removed when it stops. It holds no secret: the operator token
 * stays in dev-keys.json.
 */
const STACK_FILE = 'embedded-stack.json';
const SCHEMA = z.object({ url: z.url(), pid: z.number().int(), blockSeconds: z.number().int() });

export type EmbeddedStack = z.infer<typeof SCHEMA>;

export function stackFilePath(dataDir: string): string {
  return join(dataDir, STACK_FILE);
}

export function writeStackFile(dataDir: string, stack: EmbeddedStack): () => void {
  const file = stackFilePath(dataDir);
  writeFileSync(file, `${JSON.stringify(stack, null, 2)}\n`);
  return () => {
    // Only our own: a second stack on the same DATA_DIR may have written it since.
    if (readStackFile(dataDir)?.pid === stack.pid) rmSync(file, { force: true });
  };
}

/** The stack file's contents, or undefined when there is none (or it is unreadable). */
export function readStackFile(dataDir: string): EmbeddedStack | undefined {
  const file = stackFilePath(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = SCHEMA.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

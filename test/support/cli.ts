import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/main';
import { kibbleNodeArgs } from './child-build';
import { uriOfDatabase } from './database';

const ROOT = join(__dirname, '../..');
const execFileAsync = promisify(execFile);

/**
 * Runs kibble as a child process from the repository root, as `npx kibble` would, but through
 * node directly on the compiled sources (test/support/child-build.ts): npm's exec wrapper and tsx
 * cost a second or more of CPU per call on these 2 cores, and only npx-kibble.test.ts is about
 * npx. Rejects like execFile on a non-zero exit.
 */
export function runKibbleProcess(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(process.execPath, [...kibbleNodeArgs(), ...args], { cwd: ROOT, ...options });
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the kibble CLI in-process with buffered output. */
export async function runKibble(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const exitCode = await runCli(args, {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
  });
  return { exitCode, stdout, stderr };
}

/** The environment of a kibble child process on this test file's database and regtest node. */
export function deploymentEnv(
  db: { uri: string; name: string },
  chain: { name: string },
  rpcUrl: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    MONGODB_URI: uriOfDatabase(db),
    CHAIN: chain.name,
    CHAIN_RPC_URL: rpcUrl,
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

import { runCli } from '../../src/cli/main';
import { uriOfDatabase } from './database';

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

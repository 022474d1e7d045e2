import { runCli } from '../../src/cli/main';

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

import type { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { createLogger } from '../../log';
import { startKibble } from '../../runtime/service';
import { EXIT, type CliIo } from '../io';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function registerServe(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description(
      'run kibble from the environment (see .env.example); with nothing configured, on its embedded default: ' +
        'a local database, a regtest node and development keys under DATA_DIR. Ctrl-C stops it.',
    )
    .action(async () => {
      const config = loadConfig();
      const log = createLogger(config.logLevel);
      const running = await startKibble(config, log);
      io.out(`kibble is running (${running.config.nodeEnv}):\n${running.banner.map((line) => `  ${line}`).join('\n')}\n`);
      const signal = await waitForSignal();
      io.out(`kibble: ${signal} received, stopping\n`);
      await running.stop();
      io.out('kibble: stopped\n');
      setExit(EXIT.ok);
    });
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      for (const name of SHUTDOWN_SIGNALS) process.off(name, onSignal);
      resolve(signal);
    };
    for (const name of SHUTDOWN_SIGNALS) process.on(name, onSignal);
  });
}

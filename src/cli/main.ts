import { Command, CommanderError } from 'commander';
import { isKibbleError } from '../errors';
import { registerAddressCheck } from './commands/address-check';
import { registerAudit } from './commands/audit';
import { registerDecodeBlock } from './commands/decode-block';
import { registerDerive } from './commands/derive';
import { registerDev } from './commands/dev';
import { registerScan } from './commands/scan';
import { registerServe } from './commands/serve';
import { registerSettle } from './commands/settle';
import { registerSign } from './commands/sign';
import { registerSigner } from './commands/signer';
import { registerVerifyProof } from './commands/verify-proof';
import { registerPaydaySnapshot } from './commands/payday-snapshot';
import { registerReplay } from './commands/replay';
import { registerReserves } from './commands/reserves';
import { registerVerifyReserves } from './commands/verify-reserves';
import { EXIT, processIo, type CliIo } from './io';
import { kibbleVersion } from './version';

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command()
    .name('kibble')
    .description('kibble: monthly micro-donations (Flattr-style) on Dogecoin-style chains')
    .version(kibbleVersion(), '-v, --version', "print kibble's version")
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerServe(program, io, setExit);
  registerDerive(program, io, setExit);
  registerAddressCheck(program, io, setExit);
  registerDecodeBlock(program, io, setExit);
  registerScan(program, io, setExit);
  registerSettle(program, io, setExit);
  registerVerifyProof(program, io, setExit);
  registerAudit(program, io, setExit);
  registerSigner(program, io, setExit);
  registerSign(program, io, setExit);
  registerDev(program, io, setExit);
  registerPaydaySnapshot(program, io, setExit);
  registerReplay(program, io, setExit);
  registerReserves(program, io, setExit);
  registerVerifyReserves(program, io, setExit);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
    command.showHelpAfterError(`(run "kibble ${command.name()} --help" for usage)`);
  }
  return program;
}

/** Runs one CLI invocation and returns its exit code; never calls process.exit itself. */
export async function runCli(args: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" for commander; their exit code is 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (isKibbleError(error)) {
      io.err(`kibble: ${error.message} [${error.code}]\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

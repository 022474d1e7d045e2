import type { Command } from 'commander';
import type { ChainProfile } from '../../chain/profiles';
import { checkAddress } from '../../chain/address';
import { EXIT, type CliIo } from '../io';
import { CHAIN_HELP, chainOption } from '../options';

export function registerAddressCheck(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('address-check')
    .description('check that an address is a valid P2PKH or P2SH address of a chain: prints "valid" (exit 0) or the reason (exit 1)')
    .requiredOption('--chain <profile>', CHAIN_HELP, chainOption)
    .argument('<address>', 'the address to check')
    .action((address: string, options: { chain: ChainProfile }) => {
      const check = checkAddress(options.chain, address);
      if (check.valid) {
        io.out('valid\n');
        setExit(EXIT.ok);
      } else {
        io.out(`invalid (${check.reason}): ${check.message}\n`);
        setExit(EXIT.checkFailed);
      }
    });
}

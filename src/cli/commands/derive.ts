import type { Command } from 'commander';
import type { ChainProfile } from '../../chain/profiles';
import { changeAddress, depositAddress, parseAccountXpub } from '../../keys/hd';
import { EXIT, type CliIo } from '../io';
import { CHAIN_HELP, chainOption, indexOption } from '../options';

interface DeriveOptions {
  chain: ChainProfile;
  xpub: string;
  index: number;
  change?: boolean;
}

export function registerDerive(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('derive')
    .description("print the deposit address .../0/<index> (or change address .../1/<index>) of an account xpub")
    .requiredOption('--chain <profile>', CHAIN_HELP, chainOption)
    .requiredOption('--xpub <key>', "account-level extended public key (m/44'/coin'/0')")
    .requiredOption('--index <i>', 'address index, 0 to 2147483647', indexOption)
    .option('--change', 'derive a change address (.../1/<index>) instead of a deposit address')
    .action((options: DeriveOptions) => {
      const node = parseAccountXpub(options.chain, options.xpub);
      const derive = options.change ? changeAddress : depositAddress;
      io.out(`${derive(options.chain, node, options.index)}\n`);
      setExit(EXIT.ok);
    });
}

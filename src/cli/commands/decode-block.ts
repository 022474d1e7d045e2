import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseBlock } from '../../chain/block/block-parser';
import type { ChainProfile } from '../../chain/profiles';
import { KibbleError } from '../../errors';
import { EXIT, type CliIo } from '../io';
import { CHAIN_HELP, chainOption } from '../options';

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

export function registerDecodeBlock(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('decode-block')
    .description('decode a raw block (binary file, hex file or hex string) and print { hash, prevHash, version, auxpow, txids } as JSON')
    .requiredOption('--chain <profile>', CHAIN_HELP, chainOption)
    .argument('<block>', 'path of a raw block file (binary or hex text), or the block as a hex string')
    .action((source: string, options: { chain: ChainProfile }) => {
      const block = parseBlock(readBlockBytes(source), { auxpow: options.chain.auxpow });
      const summary = {
        hash: block.hash,
        prevHash: block.prevHash,
        version: block.version,
        auxpow: block.auxpow,
        txids: block.transactions.map((tx) => tx.txid),
      };
      io.out(`${JSON.stringify(summary, null, 2)}\n`);
      setExit(EXIT.ok);
    });
}

function readBlockBytes(source: string): Uint8Array {
  if (existsSync(source)) {
    const bytes = readFileSync(source);
    const asText = bytes.toString('latin1').trim();
    return HEX.test(asText) ? Buffer.from(asText, 'hex') : bytes;
  }
  if (HEX.test(source)) return Buffer.from(source, 'hex');
  throw new KibbleError('block-invalid', `"${source.slice(0, 40)}" is neither a readable file nor an even-length hex string`);
}

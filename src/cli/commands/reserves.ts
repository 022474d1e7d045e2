import type { Command } from 'commander';
import { KibbleError } from '../../errors';
import { hasKeyInProcess, signerFromConfig } from '../../runtime/settlement';
import { messageSignerOf } from '../../signer/message-signer';
import { formatCoins } from '../../money/amount';
import type { PublishedReserves } from '../../proofs/reserves-snapshot';
import { publishReserves, type PublishOutcome } from '../../services/reserves/reserves';
import { withDatabase } from '../connect';
import { EXIT, type CliIo } from '../io';

interface ReservesOptions {
  publish?: boolean;
  snapshot?: string;
  json?: boolean;
}

export function registerReserves(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('reserves')
    .description(
      'publish a proof of reserves now (docs/proofs.md, "Reserves publication"): the ledger\'s liabilities as a salted Merkle-sum tree and the ' +
        "wallet's unspent outputs as the scanner recorded them (each address signing the snapshot when WALLET_XPRV or WALLET_MNEMONIC is set), served at GET /api/v1/reserves. Needs MONGODB_URI. The settlement publishes one by itself " +
        'after each confirmed month. Refused (exit 1) when the ledger and the wallet do not agree (the scanner behind a settlement, say).',
    )
    .option('--publish', 'take and publish the snapshot (without it: nothing is done, see --help)')
    .option('--snapshot <id>', 'the snapshot id (default h<scanner height>); an id published before is shown, not taken again')
    .option('--json', 'print the published document as JSON')
    .action(async (options: ReservesOptions) => {
      if (options.publish !== true) throw new KibbleError('validation-failed', 'say --publish to take and publish a proof of reserves');
      const progress = (message: string): void => io.err(`${message}\n`);
      let outcome: PublishOutcome;
      try {
        outcome = await withDatabase('reserves', (config) => {
          // With the wallet's signing key configured, each address signs the snapshot (docs/proofs.md).
          const hasKey = hasKeyInProcess(config);
          if (!hasKey) progress('no WALLET_XPRV or WALLET_MNEMONIC: the snapshot carries no address signatures');
          return publishReserves({
            chain: config.chain,
            clock: () => new Date(),
            progress,
            ...(options.snapshot === undefined ? {} : { snapshot: options.snapshot }),
            ...(hasKey ? { messageSigner: () => messageSignerOf(signerFromConfig(config), config.chain) } : {}),
          });
        });
      } catch (error) {
        if (!(error instanceof KibbleError && error.code === 'reserves-refused')) throw error;
        io.err(`NOT published: ${error.message} [${error.code}]\n`);
        setExit(EXIT.checkFailed);
        return;
      }
      io.out(options.json === true ? `${JSON.stringify(outcome.published, null, 2)}\n` : summary(outcome));
      setExit(EXIT.ok);
    });
}

function summary({ created, published }: PublishOutcome): string {
  const p: PublishedReserves = published;
  const owed = BigInt(p.liabilities.total);
  const held = BigInt(p.outputsTotal);
  const coverage = owed === 0n ? 'nothing owed' : `${(Number((held * 10_000n) / owed) / 100).toFixed(2)}% covered`;
  return [
    `${created ? 'published' : 'already published'}: snapshot ${p.snapshot} at height ${p.height} (${p.chain}), taken ${p.takenAt}`,
    `liabilities: ${formatCoins(owed)} in ${p.liabilities.leafCount} leaves, root ${p.liabilities.root}`,
    `reserves: ${formatCoins(held)} in ${p.outputs.length} unspent outputs (${coverage}); ${p.signatures.length} address signatures`,
    'Served at GET /api/v1/reserves; anyone can check it with `kibble verify-reserves`.',
  ].join('\n') + '\n';
}

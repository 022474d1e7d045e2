import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { parsePeriod } from '../../money/period';
import { paydaySnapshot } from '../../services/settlement/payday-snapshot';
import { withDatabase } from '../connect';
import { EXIT, type CliIo } from '../io';

export function registerPaydaySnapshot(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('payday-snapshot')
    .description(
      "write a planned (or later) month's pseudonymised payday snapshot (docs/proofs.md, \"Replay\"): what the planner and the transaction builder took, " +
        'donors as pseudonyms with their donor commitments, and what the month published; `kibble replay` recomputes the month from it. Needs MONGODB_URI',
    )
    .argument('<period>', "the month, 'YYYY-MM' (UTC)", (value: string) => {
      try {
        return parsePeriod(value);
      } catch (error) {
        throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
      }
    })
    .option('--out <file>', 'write the snapshot to this file instead of standard output')
    .action(async (period: string, options: { out?: string }) => {
      const snapshot = await withDatabase('payday-snapshot', () => paydaySnapshot(period));
      const text = `${JSON.stringify(snapshot, null, 1)}\n`;
      if (options.out === undefined) {
        io.out(text);
      } else {
        writeFileSync(options.out, text);
        io.err(`wrote the payday snapshot of ${period} to ${options.out}: ${snapshot.donors.length} donors, ${snapshot.creators.length} creators, ${snapshot.published.transactions.length} transaction(s)\n`);
      }
      setExit(EXIT.ok);
    });
}

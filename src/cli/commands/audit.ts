import type { Command } from 'commander';
import type { AuditReport } from '../../money/ledger-audit';
import { fullAudit } from '../../services/ledger/ledger-audit';
import { ledgerProblems } from '../../services/ledger/ledger-checks';
import { withDatabase } from '../connect';
import { EXIT, type CliIo } from '../io';

interface AuditOptions {
  full?: boolean;
  json?: boolean;
  show: number;
}

const showOption = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new Error('--show takes a whole number from 1 to 10000');
  return n;
};

export function registerAudit(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('audit')
    .description(
      'check the ledger on MONGODB_URI (docs/ledger.md). Without --full: the check the settlement makes before signing ' +
        '(the last closed book against the one before it, and every journal since). With --full: read every entry, book and closing, ' +
        'recompute every balance from all entries, check every journal balances and every closing equals the sum of the entries up to its book. ' +
        'Exit 0 when consistent, 1 with the first differences otherwise.',
    )
    .option('--full', 'read the whole ledger (its cost grows with the ledger; run it weekly and after restores and upgrades)')
    .option('--json', 'print the report as JSON')
    .option('--show <n>', 'how many differences to print', showOption, 20)
    .action(async (options: AuditOptions) => {
      const report = await withDatabase('audit', async () => (options.full ? fullAudit() : quickAudit()));
      io.out(options.json ? `${JSON.stringify({ ...report, differences: report.differences.slice(0, options.show) })}\n` : render(report, options));
      setExit(report.consistent ? EXIT.ok : EXIT.checkFailed);
    });
}

async function quickAudit(): Promise<Pick<AuditReport, 'consistent' | 'differences'>> {
  const problems = await ledgerProblems();
  return { consistent: problems.length === 0, differences: problems };
}

function render(report: Pick<AuditReport, 'consistent' | 'differences'> & Partial<Pick<AuditReport, 'summary'>>, options: AuditOptions): string {
  const lines: string[] = [];
  const s = report.summary;
  if (s !== undefined) {
    lines.push(`entries ${s.entries} (in no book yet: ${s.entriesInNoBook}), journals ${s.journals}, accounts ${s.accounts}`);
    lines.push(`ledger books ${s.books} (closed: ${s.closedBooks}), closings ${s.closings}`);
  }
  if (report.consistent) {
    lines.push(options.full ? 'consistent: every journal balances, every closing equals the sum of its entries, every balance reads as its entries sum' : 'consistent: the last closed book and the journals since check out');
  } else {
    lines.push(`NOT consistent: ${report.differences.length} difference(s)${report.differences.length > options.show ? `, the first ${options.show}` : ''}:`);
    for (const difference of report.differences.slice(0, options.show)) lines.push(`  ${difference}`);
  }
  return `${lines.join('\n')}\n`;
}

import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { KibbleError } from '../../errors';
import { parsePlanSummary, planSummaryText } from '../../signer/plan-summary';
import { SignedLog } from '../../signer/signed-log';
import { SigningDesk } from '../../signer/signing-desk';
import { EXIT, type CliIo } from '../io';
import { addKeyAndLimitOptions, limitsOf, loadSigner, type KeyOptions, type LimitOptions } from './signer';

interface SignOptions extends KeyOptions, LimitOptions {
  summary: string;
  stateDir: string;
  out?: string;
}

/**
 * `kibble sign`: offline signing of exported PSBTs (`settle --export-psbt`), with the very checks
 * and signed log of `kibble signer`. Writes <name>.signed.psbt next to each PSBT (or in --out).
 */
export function registerSign(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('sign')
    .description('sign exported settlement PSBTs offline, after the same checks as `kibble signer`; writes <name>.signed.psbt files for `settle --import-signed`')
    .argument('<psbt...>', 'the PSBT files of one month, as `settle --export-psbt` wrote them')
    .requiredOption('--summary <file>', 'the plan summary JSON written with them')
    .requiredOption('--state-dir <dir>', "the signer's signed log on this machine (keep it: a month is signed once)")
    .option('--mnemonic-file <file>', 'file holding the BIP39 mnemonic (chmod 600)');
  addKeyAndLimitOptions(command)
    .option('--out <dir>', 'where to write the signed PSBTs (default: next to each PSBT)')
    .action((files: string[], options: SignOptions) => {
      const chain = options.chain ?? loadConfig().chain;
      if (options.keyFile === undefined && options.mnemonicFile === undefined) {
        throw new KibbleError('validation-failed', 'kibble sign needs --mnemonic-file <file> or --key-file <file>');
      }
      const signer = loadSigner(chain, options);
      const summaryText = readFileSync(options.summary, 'utf8');
      io.out(planSummaryText(chain, parsePlanSummary(chain, summaryText)));
      const desk = new SigningDesk(chain, signer, SignedLog.open(resolve(options.stateDir)), limitsOf(chain, options));
      const answer = desk.sign(JSON.parse(summaryText) as unknown, files.map((file) => readFileSync(file, 'utf8').trim()));
      answer.transactions.forEach((tx, i) => {
        const file = files[i] ?? '';
        const target = join(options.out ?? dirname(file), `${basename(file).replace(/\.psbt$/, '')}.signed.psbt`);
        writeFileSync(target, `${tx.psbt}\n`);
        io.out(`signed ${basename(file)} -> ${target} (txid ${tx.txid})\n`);
      });
      if (answer.repeat) io.out(`${answer.period} was signed before with these very transactions: the same signatures again\n`);
      setExit(EXIT.ok);
    });
}

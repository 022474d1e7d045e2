import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { outputScriptFor } from '../../chain/address';
import { parseBlock } from '../../chain/block/block-parser';
import { chainProfile, type ChainProfile } from '../../chain/profiles';
import { KibbleError } from '../../errors';
import { formatCoins } from '../../money/amount';
import { JsonRpcChainClient } from '../../node/rpc-client';
import type { PublishedReserves } from '../../proofs/reserves-snapshot';
import { checkReserves, outpointOf, parsePublishedReserves, type OutputFinding, type ReservesVerdictReport } from '../../proofs/verify-reserves';
import { EXIT, type CliIo } from '../io';

interface VerifyReservesOptions {
  rpc?: string;
  proof?: string;
  scanBlocks: number;
  atHeight?: boolean;
  json?: boolean;
}

const scanBlocksOption = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10_000_000) throw new Error('--scan-blocks takes a whole number from 0 to 10000000');
  return n;
};

export function registerVerifyReserves(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('verify-reserves')
    .description(
      'check a published proof of reserves (GET /api/v1/reserves; docs/proofs.md, "Reserves publication"): every listed output exists unspent on chain ' +
        "(or, with --at-height, was unspent at the snapshot's height), the outputs that check out total at least the liabilities, and your own proof " +
        '(GET /api/v1/me/reserves-proof) leads to the published root and total. Exit 0 valid, 1 not valid (with the reasons), 2 unreadable input or node.',
    )
    .argument('<published>', 'the published reserves JSON file')
    .option('--rpc <url>', "a node's JSON-RPC URL (http://user:pass@host:port/) to check the outputs with gettxout; without it the outputs are not checked on chain")
    .option('--proof <file>', 'your inclusion proof JSON file (GET /api/v1/me/reserves-proof)')
    .option('--at-height', "judge the snapshot at its own height: an output spent in a later block still counts (default: only outputs unspent now count)")
    .option('--scan-blocks <n>', "for an output spent since: how many blocks after it to read looking for the spend (to tell whether it was unspent at the snapshot's height)", scanBlocksOption, 10_000)
    .option('--json', 'print the verdict as JSON')
    .action(async (file: string, options: VerifyReservesOptions) => {
      const published = parsePublishedReserves(readJson('reserves document', file));
      const proof = options.proof === undefined ? undefined : readJson('proof', options.proof);
      let chain: ChainProfile;
      try {
        chain = chainProfile(published.chain);
      } catch {
        throw new KibbleError('reserves-invalid', `the document names chain ${JSON.stringify(published.chain)}, which kibble does not know`);
      }
      const findings = options.rpc === undefined ? unchecked(published) : await findingsFromNode(new JsonRpcChainClient(options.rpc, { retries: 1 }), chain, published, options.scanBlocks);
      const report = checkReserves(published, findings, proof, { atHeight: options.atHeight === true, chain });
      io.out(options.json === true ? `${reportJson(report, options.rpc !== undefined)}\n` : describe(report, published, options.rpc !== undefined));
      setExit(report.valid ? EXIT.ok : EXIT.checkFailed);
    });
}

function readJson(what: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new KibbleError('reserves-invalid', `cannot read the ${what} file ${JSON.stringify(file)} (${reason})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new KibbleError('reserves-invalid', `the ${what} file ${JSON.stringify(file)} is not JSON`);
  }
}

/** Without a node every listed output is taken as stated (and the report says so). */
function unchecked(published: PublishedReserves): Map<string, OutputFinding> {
  return new Map(published.outputs.map((output) => [outpointOf(output), { status: 'unspent', matches: true }]));
}

type ListedOutput = PublishedReserves['outputs'][number];

/**
 * Asks the node about every output (gettxout, confirmed chain only). For one that is gone: reads
 * the block at its stated height to see it was there, then the blocks after it, up to the tip or
 * `scanBlocks`, for the transaction that spent it, and compares that height with the snapshot's.
 */
async function findingsFromNode(rpc: JsonRpcChainClient, chain: ChainProfile, published: PublishedReserves, scanBlocks: number): Promise<Map<string, OutputFinding>> {
  const findings = new Map<string, OutputFinding>();
  const gone: ListedOutput[] = [];
  for (const output of published.outputs) {
    const script = Buffer.from(outputScriptFor(chain, output.address)).toString('hex');
    const txOut = await rpc.getTxOut(output.txid, output.vout, false);
    if (txOut === null) gone.push(output);
    else findings.set(outpointOf(output), { status: 'unspent', matches: txOut.value === BigInt(output.amount) && txOut.scriptHex === script });
  }
  if (gone.length === 0) return findings;
  const blockAt = async (height: number) => parseBlock(await rpc.getRawBlock(await rpc.getBlockHash(height)), { auxpow: chain.auxpow });
  const tip = (await rpc.getBlockchainInfo()).blocks;
  const waiting = new Map<string, ListedOutput>();
  for (const output of gone) {
    const tx = output.height <= tip ? (await blockAt(output.height)).transactions.find((candidate) => candidate.txid === output.txid) : undefined;
    const out = tx?.outputs[output.vout];
    const script = Buffer.from(outputScriptFor(chain, output.address)).toString('hex');
    if (out === undefined || out.value !== BigInt(output.amount) || Buffer.from(out.script).toString('hex') !== script) findings.set(outpointOf(output), { status: 'missing' });
    else waiting.set(outpointOf(output), output);
  }
  if (waiting.size === 0) return findings;
  const from = Math.min(...[...waiting.values()].map((output) => output.height)) + 1;
  const to = Math.min(tip, from + scanBlocks - 1);
  for (let height = from; height <= to && waiting.size > 0; height += 1) {
    for (const tx of (await blockAt(height)).transactions) {
      for (const input of tx.inputs) {
        const outpoint = `${input.prevTxid}:${input.prevVout}`;
        if (!waiting.has(outpoint)) continue;
        waiting.delete(outpoint);
        findings.set(outpoint, height > published.height ? { status: 'spent-later', spentAt: height } : { status: 'spent', spentAt: height });
      }
    }
  }
  for (const outpoint of waiting.keys()) findings.set(outpoint, { status: 'spent' });
  return findings;
}

function describe(report: ReservesVerdictReport, published: PublishedReserves, checkedOnChain: boolean): string {
  const lines: string[] = [];
  const owed = `${formatCoins(report.liabilitiesTotal)} (${report.liabilitiesTotal} units)`;
  if (!report.valid) {
    lines.push(`NOT valid: snapshot ${report.snapshot} at height ${report.height}`);
    for (const problem of report.problems) lines.push(`  (${problem.reason}) ${problem.message}`);
    return `${lines.join('\n')}\n`;
  }
  lines.push(`valid: snapshot ${report.snapshot} of ${published.chain} at height ${report.height}, liabilities ${owed} in ${published.liabilities.leafCount} leaves, root ${published.liabilities.root}`);
  lines.push(
    checkedOnChain
      ? `${report.countedOutputs} of ${published.outputs.length} listed outputs checked on chain, ${formatCoins(report.countedTotal)} in all: at least the liabilities`
      : `outputs NOT checked on chain (no --rpc): the ${published.outputs.length} listed outputs total ${formatCoins(report.countedTotal)}, at least the liabilities as stated`,
  );
  lines.push(
    report.addressesSigned > 0
      ? `${report.addressesSigned} of ${report.addresses} addresses signed this snapshot's message with their key: the publisher held those keys`
      : 'no address signatures: it does not show who controls these outputs',
  );
  for (const outpoint of report.spentLater) lines.push(`  ${outpoint} was unspent at height ${report.height} and has been spent since`);
  if (report.proves !== undefined) {
    const whose = report.proves.account === undefined ? 'your leaf' : `account ${report.proves.account}`;
    lines.push(`your proof: ${whose}, ${formatCoins(report.proves.amount)} (${report.proves.amount} units), is included in the published root and total`);
  }
  lines.push(
    'It shows the service held at least what it owed, at that height, in these outputs. It cannot show that no liability was left out (each user checks their own leaf), ' +
      'that another service does not count the same outputs, or that the coins were not borrowed for the moment (docs/proofs.md).',
  );
  return `${lines.join('\n')}\n`;
}

function reportJson(report: ReservesVerdictReport, checkedOnChain: boolean): string {
  return JSON.stringify({ ...report, checkedOnChain }, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
}

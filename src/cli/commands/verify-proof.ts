import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { KibbleError } from '../../errors';
import { formatCoins } from '../../money/amount';
import { JsonRpcChainClient, RpcError } from '../../node/rpc-client';
import { parseAllocationProof } from '../../proofs/proof-format';
import { verifyAllocationProof, type AllocationVerdict, type ProvenAllocations } from '../../proofs/verify-allocation-proof';
import { EXIT, type CliIo } from '../io';

/** Dogecoin Core: -5 "No such mempool [or blockchain] transaction..."; bcoin: -1 "Transaction not found.". */
export const TX_NOT_FOUND = /no such mempool|transaction not found/i;

interface VerifyProofOptions {
  rpc?: string;
  tx?: string;
  json?: boolean;
}

export function registerVerifyProof(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('verify-proof')
    .description(
      'check a month\'s allocation proof (docs/proofs.md) against the transaction that carries its root: prints what it proves (exit 0) or why it fails (exit 1); an unreadable or malformed file is exit 2',
    )
    .argument('<file>', 'the proof JSON file (GET /api/v1/me/proofs/:period)')
    .option('--rpc <url>', "a node's JSON-RPC URL (http://user:pass@host:port/) to fetch the transaction from; the node needs -txindex unless the transaction is in its mempool")
    .option('--tx <raw>', 'the raw transaction as hex, or a file holding that hex (no node needed)')
    .option('--json', 'print the verdict as JSON')
    .action(async (file: string, options: VerifyProofOptions) => {
      if ((options.rpc === undefined) === (options.tx === undefined)) {
        throw new KibbleError('validation-failed', 'give exactly one of --rpc <node URL> and --tx <raw transaction hex>');
      }
      const proofJson = readProofFile(file);
      const { txid } = parseAllocationProof(proofJson); // a malformed file is a usage error, not a verdict
      const rawTx = options.tx !== undefined ? readRawTx(options.tx) : await fetchRawTx(options.rpc as string, txid);
      const verdict = verifyAllocationProof(proofJson, rawTx);
      io.out(options.json === true ? `${verdictJson(verdict)}\n` : describe(verdict));
      setExit(verdict.valid ? EXIT.ok : EXIT.checkFailed);
    });
}

function readProofFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new KibbleError('proof-invalid', `cannot read the proof file ${JSON.stringify(file)} (${reason})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new KibbleError('proof-invalid', `the proof file ${JSON.stringify(file)} is not JSON`);
  }
}

function readRawTx(source: string): string {
  return existsSync(source) ? readFileSync(source, 'latin1').trim() : source;
}

async function fetchRawTx(url: string, txid: string): Promise<string> {
  const client = new JsonRpcChainClient(url, { retries: 1 });
  try {
    return Buffer.from(await client.getRawTransaction(txid)).toString('hex');
  } catch (error) {
    if (error instanceof RpcError && TX_NOT_FOUND.test(error.rpcMessage)) {
      throw new KibbleError('not-found', `the node at ${client.redactedUrl} does not know transaction ${txid} (without -txindex a node finds only mempool transactions, and Dogecoin Core also those with unspent outputs): ask one with -txindex, or pass the raw transaction with --tx`);
    }
    throw error;
  }
}

function describe(verdict: AllocationVerdict): string {
  if (!verdict.valid) return `NOT valid (${verdict.reason}): ${verdict.message} [${verdict.code}]\n`;
  return provenLines(verdict.proves).join('\n') + '\n';
}

function provenLines(proven: ProvenAllocations): string[] {
  const total = proven.leaves.reduce((sum, leaf) => sum + leaf.amount, 0n);
  return [
    `valid: transaction ${proven.txid} (output ${proven.vout}) commits to the allocations of ${proven.period}, root ${proven.root}`,
    `${proven.leaves.length} allocation${proven.leaves.length === 1 ? '' : 's'} in the proof, ${formatCoins(total)} coins in all:`,
    ...proven.leaves.map((leaf) => `  ${formatCoins(leaf.amount)} (${leaf.amount} units) to creator ${leaf.creator} from ${leaf.donor === undefined ? `the donor committed as ${leaf.donorCommitment}` : `donor ${leaf.donor}`}`),
    'It shows that these allocations are part of the committed month; not that the transaction is confirmed, nor that each was paid out (see docs/proofs.md).',
  ];
}

function verdictJson(verdict: AllocationVerdict): string {
  return JSON.stringify(verdict, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
}

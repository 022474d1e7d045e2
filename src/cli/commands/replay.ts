import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseBlock } from '../../chain/block/block-parser';
import { chainProfile } from '../../chain/profiles';
import { KibbleError } from '../../errors';
import { JsonRpcChainClient, RpcError } from '../../node/rpc-client';
import { parsePaydaySnapshot, type PaydaySnapshot } from '../../proofs/payday-snapshot';
import { replayPayday, type ReplayVerdict, type TransactionSighting } from '../../proofs/replay';
import { EXIT, type CliIo } from '../io';
import { TX_NOT_FOUND } from './verify-proof';

interface ReplayOptions {
  rpc?: string;
  json?: boolean;
}

export function registerReplay(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('replay')
    .description(
      'recompute a month from its payday snapshot (docs/proofs.md, "Replay"): the plan, the allocation root and the unsigned transactions, ' +
        'compared with what the month published; with --rpc, also with the transactions on chain and the root in their OP_RETURN output. ' +
        'Prints a verdict per item: exit 0 when everything matches, 1 on a mismatch (saying what), 2 for an unreadable snapshot or a node that cannot be asked',
    )
    .argument('<snapshot>', 'the snapshot JSON file (kibble payday-snapshot)')
    .option('--rpc <url>', "a node's JSON-RPC URL (http://user:pass@host:port/): each published transaction is looked up in the block the snapshot names, else with getrawtransaction")
    .option('--json', 'print the verdict as JSON')
    .action(async (file: string, options: ReplayOptions) => {
      const snapshot = parsePaydaySnapshot(readSnapshotFile(file));
      const sightings = options.rpc === undefined ? undefined : await sightTransactions(options.rpc, snapshot);
      const verdict = replayPayday(snapshot, sightings);
      io.out(options.json === true ? `${JSON.stringify(verdict, null, 2)}\n` : describe(verdict));
      setExit(verdict.matches ? EXIT.ok : EXIT.checkFailed);
    });
}

function readSnapshotFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new KibbleError('snapshot-invalid', `cannot read the snapshot file ${JSON.stringify(file)} (${reason})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new KibbleError('snapshot-invalid', `the snapshot file ${JSON.stringify(file)} is not JSON`);
  }
}

/** Where the node has each signed transaction: in the block at the height the snapshot names, or anywhere getrawtransaction finds it. */
async function sightTransactions(url: string, snapshot: PaydaySnapshot): Promise<Map<string, TransactionSighting>> {
  const client = new JsonRpcChainClient(url, { retries: 1 });
  const chain = chainProfile(snapshot.settings.chain);
  const sightings = new Map<string, TransactionSighting>();
  const tip = await client.getBlockCount();
  for (const tx of snapshot.published.transactions) {
    if (tx.signed === null) continue;
    const { txid, blockHeight } = tx.signed;
    if (blockHeight !== null && blockHeight <= tip) {
      const block = parseBlock(await client.getRawBlock(await client.getBlockHash(blockHeight)), { auxpow: chain.auxpow });
      if (block.transactions.some((t) => t.txid === txid)) {
        sightings.set(txid, { txid, where: 'block', height: blockHeight });
        continue;
      }
    }
    sightings.set(txid, await askNode(client, txid));
  }
  return sightings;
}

async function askNode(client: JsonRpcChainClient, txid: string): Promise<TransactionSighting> {
  try {
    await client.getRawTransaction(txid);
    return { txid, where: 'node' };
  } catch (error) {
    if (error instanceof RpcError && TX_NOT_FOUND.test(error.rpcMessage)) return { txid, where: 'nowhere' };
    throw error;
  }
}

function describe(verdict: ReplayVerdict): string {
  const lines = verdict.items.flatMap((item) => [
    `${item.status === 'match' ? 'match   ' : item.status === 'skipped' ? 'skipped ' : 'MISMATCH'}  ${item.name}: ${item.summary}`,
    ...item.differences.map((difference) => `            ${difference}`),
  ]);
  const mismatches = verdict.items.filter((item) => item.status === 'mismatch').map((item) => item.name);
  lines.push(mismatches.length === 0 ? `replay of ${verdict.period}: everything recomputed matches what was published` : `replay of ${verdict.period}: NOT matching: ${mismatches.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

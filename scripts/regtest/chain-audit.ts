// Reads the regtest chain itself, block by block, with nothing from kibble's database: what every
// transaction paid to which address, and which outputs are unspent. The settlement tests compare
// kibble's ledger and plan against this.
import { addressFromOutputScript } from '../../src/chain/address';
import { parseBlock } from '../../src/chain/block/block-parser';
import type { ChainRpc } from '../../src/node/rpc-client';
import type { ChainProfile } from '../../src/chain/profiles';

export interface ChainOutput {
  txid: string;
  vout: number;
  address: string | undefined;
  value: bigint;
}

export interface ChainAudit {
  tip: number;
  /** Every transaction of the best chain by txid, with its outputs and the outpoints it spends. */
  transactions: Map<string, { height: number; outputs: ChainOutput[]; spends: string[] }>;
  /** Unspent outputs of the best chain, by `txid:vout`. */
  unspent: Map<string, ChainOutput>;
}

export async function auditChain(rpc: ChainRpc, chain: ChainProfile): Promise<ChainAudit> {
  const tip = await rpc.getBlockCount();
  const transactions: ChainAudit['transactions'] = new Map();
  const unspent: ChainAudit['unspent'] = new Map();
  // Fetched AUDIT_GROUP blocks per JSON-RPC batch (two requests a group, not two a block), the next
  // group's requests on their way while this one is read.
  const group = (from: number): Promise<Uint8Array[]> => {
    const heights = Array.from({ length: Math.min(AUDIT_GROUP, tip - from + 1) }, (_, i) => from + i);
    return rpc.getBlockHashes(heights).then((hashes) => rpc.getRawBlocks(hashes.map((hash, i) => hash ?? missing(heights[i] as number))));
  };
  let next: Promise<Uint8Array[]> | undefined = group(0);
  for (let from = 0; next !== undefined; from += AUDIT_GROUP) {
    const raw: Uint8Array[] = await next;
    next = from + AUDIT_GROUP <= tip ? group(from + AUDIT_GROUP) : undefined;
    next?.catch(() => undefined); // awaited next round
    for (const [i, bytes] of raw.entries()) auditBlock(from + i, parseBlock(bytes, { auxpow: chain.auxpow }));
  }
  return { tip, transactions, unspent };

  function auditBlock(height: number, block: ReturnType<typeof parseBlock>): void {
    for (const tx of block.transactions) {
      const spends = tx.coinbase ? [] : tx.inputs.map((input) => `${input.prevTxid}:${input.prevVout}`);
      for (const outpoint of spends) unspent.delete(outpoint);
      const outputs = tx.outputs.map((output, vout) => ({ txid: tx.txid, vout, address: addressFromOutputScript(chain, output.script), value: output.value }));
      for (const output of outputs) unspent.set(`${output.txid}:${output.vout}`, output);
      transactions.set(tx.txid, { height, outputs, spends });
    }
  }
}

const AUDIT_GROUP = 50;

function missing(height: number): never {
  throw new Error(`block ${height} left the chain during the audit`);
}

/** Sum of the unspent outputs paying any of `addresses`. */
export function unspentValueOf(audit: ChainAudit, addresses: ReadonlySet<string>): bigint {
  let total = 0n;
  for (const output of audit.unspent.values()) if (output.address !== undefined && addresses.has(output.address)) total += output.value;
  return total;
}

/** What a transaction of the chain spends: the values of the outputs its inputs name. */
export function spentValueOf(audit: ChainAudit, txid: string): bigint {
  const tx = audit.transactions.get(txid);
  if (tx === undefined) throw new Error(`${txid} is not in the best chain`);
  let total = 0n;
  for (const outpoint of tx.spends) {
    const [prevTxid = '', vout = ''] = outpoint.split(':');
    const value = audit.transactions.get(prevTxid)?.outputs[Number(vout)]?.value;
    if (value === undefined) throw new Error(`${txid} spends ${outpoint}, which is not on chain`);
    total += value;
  }
  return total;
}

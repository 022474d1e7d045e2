import { Transaction } from 'bitcoinjs-lib';
import { transactionBytesInBlock } from '../../chain/block/block-parser';
import type { ChainProfile } from '../../chain/profiles';
import type { UnsignedTransaction } from '../../chain/tx/tx-builder';
import { KibbleError } from '../../errors';
import { parseAccountXpub } from '../../keys/hd';
import type { ChainRpc } from '../../node/rpc-client';
import type { Signer } from '../../signer/hd-signer';
import { planSummaryOf, planSummaryText, planSummaryToJson, type PlanSummary } from '../../signer/plan-summary';
import { settlementPsbt, unsignedTxidOf, unsignedTxidOfPlanned, unsignedTxidOfTransaction } from '../../signer/psbt';
import { checkSignedAgainstPlan } from '../../signer/signed-check';
import type { SignerClient } from '../../signer/signer-client';
import { signSettlementTransaction, type SignedTransaction } from '../../signer/tx-signer';
import { blockHashesOf } from '../wallet-watch/wallet-view';
import type { StoredPlan } from './plan-store';

/**
 * How the settlement's signing step gets its signatures: from the key in this process (today's
 * default), or from `kibble signer` over SIGNER_URL, as PSBTs with a plan summary. Either way the
 * step stores what comes back before anything is sent.
 */
export type SignSettlement = (period: string, stored: StoredPlan, dataScript: string | undefined) => Promise<SignedTransaction[]>;

/** `dataScript`: the planned OP_RETURN output (the month's allocation root, hex), in the first transaction only. */
export function inProcessSigning(chain: ChainProfile, signer: () => Signer): SignSettlement {
  return (_period, stored, dataScript) => {
    const key = signer();
    return Promise.resolve(stored.build.transactions.map((tx, index) => signSettlementTransaction(chain, tx, key, index === 0 ? dataScript : undefined)));
  };
}

export interface RemoteSigningDeps {
  chain: ChainProfile;
  rpc: ChainRpc;
  client: SignerClient;
  walletXpub: string;
}

/**
 * PSBTs to the signer process, its answer checked before it is trusted with anything: exactly the
 * planned transactions (by unsigned txid, in order), every input signed, no byte above the worst
 * case the fee was paid for. A refusal is thrown as the signer's error (its reason included), and
 * the state machine stores it as the settlement's last error.
 */
export function remoteSigning(deps: RemoteSigningDeps): SignSettlement {
  const account = parseAccountXpub(deps.chain, deps.walletXpub);
  return async (period, stored, dataScript) => {
    const { chain, client } = deps;
    const previous = await previousTransactions(deps, stored.build.transactions);
    const psbts = stored.build.transactions.map((tx) => settlementPsbt(chain, tx, previous, account));
    const summary = settlementSummary(chain, period, stored, dataScript === undefined ? [] : [dataScript]);
    const answer = await client.sign({ summary: JSON.parse(planSummaryToJson(summary)) as unknown, psbts: psbts.map((psbt) => psbt.toBase64()) });
    const expected = psbts.map(unsignedTxidOf);
    if (answer.transactions.length !== expected.length) {
      throw new KibbleError('settlement-refused', `the signer answered ${answer.transactions.length} transaction(s) for ${expected.length} planned`);
    }
    return answer.transactions.map((signed, i) => acceptSigned(stored.build.transactions[i] as UnsignedTransaction, expected[i] as string, signed.raw, i));
  };
}

/** The summary the signer checks against: the plan's payments, what the fee payment paid. */
export function settlementSummary(chain: ChainProfile, period: string, stored: StoredPlan, dataOutputs: readonly string[] = []): PlanSummary {
  const { plan, build } = stored;
  return planSummaryOf({
    chain,
    period,
    payments: plan.payments.map(({ address, amount }) => ({ address, amount })),
    feePayment: plan.feePayment === null ? null : { address: plan.feePayment.address, amount: build.feePaymentPaid },
    dataOutputs,
    transactionCount: build.transactions.length,
  });
}

/** A signed transaction is accepted only as the planned one, with every input signed. */
export function acceptSigned(unsigned: UnsignedTransaction, unsignedTxid: string, raw: string, index: number): SignedTransaction {
  let tx: Transaction;
  try {
    tx = Transaction.fromHex(raw);
  } catch {
    throw new KibbleError('settlement-refused', `signed transaction ${index} cannot be read`);
  }
  if (unsignedTxidOfTransaction(tx) !== unsignedTxid) throw new KibbleError('settlement-refused', `signed transaction ${index} is not the planned transaction ${unsignedTxid}`);
  if (tx.ins.some((input) => input.script.length === 0)) throw new KibbleError('settlement-refused', `signed transaction ${index} has an unsigned input`);
  const bytes = tx.byteLength();
  if (bytes > unsigned.worstCaseBytes) throw new KibbleError('settlement-refused', `signed transaction ${index} is ${bytes} bytes, above the ${unsigned.worstCaseBytes} its fee was paid for`);
  return { txid: tx.getId(), raw: tx.toHex(), bytes, fee: unsigned.fee, worstCaseBytes: unsigned.worstCaseBytes };
}

/**
 * The full previous transaction of every input, cut out of the block the scanner saw it in:
 * Dogecoin Core 1.14 has no txindex by default and no blockhash argument to getrawtransaction.
 */
export async function previousTransactions(deps: { chain: ChainProfile; rpc: ChainRpc }, transactions: readonly UnsignedTransaction[]): Promise<Map<string, Uint8Array>> {
  const inputs = transactions.flatMap((tx) => tx.inputs);
  const blocks = await blockHashesOf(inputs.map((input) => `${input.txid}:${input.vout}`));
  const byBlock = new Map<string, Set<string>>();
  for (const input of inputs) {
    const hash = blocks.get(`${input.txid}:${input.vout}`);
    if (hash === undefined) throw new KibbleError('settlement-refused', `input ${input.txid}:${input.vout} is no longer in the best chain as the scanner saw it`);
    const txids = byBlock.get(hash) ?? new Set<string>();
    txids.add(input.txid);
    byBlock.set(hash, txids);
  }
  const previous = new Map<string, Uint8Array>();
  for (const [hash, txids] of byBlock) {
    const block = await deps.rpc.getRawBlock(hash);
    for (const txid of txids) {
      if (previous.has(txid)) continue;
      const raw = transactionBytesInBlock(block, txid, { auxpow: deps.chain.auxpow });
      if (raw === undefined || Transaction.fromBuffer(raw).getId() !== txid) throw new KibbleError('internal', `block ${hash} does not hold transaction ${txid}`);
      previous.set(txid, raw);
    }
  }
  return previous;
}

/** Writes a planned month's PSBTs and summary somewhere for offline signing (`settle --export-psbt`). */
export type ExportForSigning = (period: string, stored: StoredPlan, dataScript: string | undefined) => Promise<void>;

/** Each planned transaction's signed form among `signed` (any order), checked; all must be there. */
export function matchSignedToPlan(chain: ChainProfile, stored: StoredPlan, signed: ReadonlyArray<{ label: string; tx: Transaction }>): SignedTransaction[] {
  const byUnsigned = new Map(signed.map((entry) => [unsignedTxidOfTransaction(entry.tx), entry]));
  if (signed.length !== stored.build.transactions.length) {
    throw new KibbleError('settlement-refused', `the plan has ${stored.build.transactions.length} transaction(s), ${signed.length} signed file(s) were given`);
  }
  return stored.build.transactions.map((unsigned, i) => {
    const entry = byUnsigned.get(unsignedTxidOfPlanned(chain, unsigned));
    if (entry === undefined) throw new KibbleError('settlement-refused', `planned transaction ${i} is in none of the signed files`);
    checkSignedAgainstPlan(chain, unsigned, entry.tx, entry.label);
    return acceptSigned(unsigned, unsignedTxidOfPlanned(chain, unsigned), entry.tx.toHex(), i);
  });
}

/** The files of an export: one PSBT per transaction, the summary as JSON and as text. */
export async function exportFiles(deps: Omit<RemoteSigningDeps, 'client'> & { dataOutputs?: readonly string[] }, period: string, stored: StoredPlan): Promise<Array<{ name: string; text: string }>> {
  const account = parseAccountXpub(deps.chain, deps.walletXpub);
  const previous = await previousTransactions(deps, stored.build.transactions);
  const summary = settlementSummary(deps.chain, period, stored, deps.dataOutputs);
  const width = String(stored.build.transactions.length).length;
  return [
    ...stored.build.transactions.map((tx, i) => ({ name: `${period}-tx${String(i + 1).padStart(width, '0')}.psbt`, text: `${settlementPsbt(deps.chain, tx, previous, account).toBase64()}\n` })),
    { name: `${period}-summary.json`, text: planSummaryToJson(summary) },
    { name: `${period}-summary.txt`, text: planSummaryText(deps.chain, summary) },
  ];
}

import type { BIP32Interface } from 'bip32';
import { crypto as bitcoinCrypto, Transaction, type Psbt } from 'bitcoinjs-lib';
import { addressFromOutputScript, outputScriptFor, p2pkhAddress } from '../chain/address';
import { CHANGE_CHAIN, MAX_DERIVATION_INDEX } from '../chain/key-path';
import type { ChainProfile } from '../chain/profiles';
import { feeFor, worstCaseTxBytes } from '../chain/tx/tx-size';
import { KibbleError } from '../errors';
import { COIN, formatCoinsWithTicker } from '../money/amount';
import type { PlanSummary } from './plan-summary';
import { SETTLEMENT_TX_VERSION, unsignedTxidOf } from './psbt';

/**
 * The signer's own judgement of a signing request (DESIGN section 3, docs/signer.md): it trusts
 * neither the service nor the PSBTs, only its key, the plan summary the operator can read, its
 * signed log and its limits. Every refusal is a 'signing-refused' KibbleError whose
 * details.reason is one of REFUSAL_REASONS and whose message names the transaction and output.
 */

export const REFUSAL_REASONS = [
  'request-invalid',
  'input-not-derived',
  'previous-transaction-mismatch',
  'change-not-derived',
  'output-not-in-plan',
  'data-output-not-in-plan',
  'outputs-differ-from-plan',
  'dust-output',
  'fee-too-high',
  'fee-too-low',
  'transaction-too-large',
  'period-already-signed',
  'daily-ceiling-exceeded',
  'monthly-ceiling-exceeded',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface SigningLimits {
  /** Highest network fee of one transaction (default 1 coin). */
  maxFeePerTransaction: bigint;
  /** Most that may leave the wallet (inputs - change) in transactions signed on one UTC day. */
  dailyCeiling: bigint;
  /** The same over one UTC calendar month. */
  monthlyCeiling: bigint;
}

export const DEFAULT_SIGNING_LIMITS: Readonly<SigningLimits> = {
  maxFeePerTransaction: COIN,
  dailyCeiling: 100_000n * COIN,
  monthlyCeiling: 1_000_000n * COIN,
};

/** What the signed log says about this request. */
export interface SigningHistory {
  /** Unsigned txids signed earlier for the request's period, if it was signed. */
  signedForPeriod: readonly string[] | undefined;
  signedToday: bigint;
  signedThisMonth: bigint;
}

export interface CheckedTransaction {
  psbt: Psbt;
  unsignedTxid: string;
  fee: bigint;
  /** Inputs - change: what this transaction takes out of the wallet, fee included. */
  outgoing: bigint;
}

export interface CheckedRequest {
  period: string;
  transactions: CheckedTransaction[];
  outgoing: bigint;
  /** The same transactions were signed for this period before: answer what the log holds. */
  repeat: boolean;
}

const OP_RETURN = 0x6a;
const SIGHASH_ALL = Transaction.SIGHASH_ALL;

export function refuse(reason: RefusalReason, message: string, details: Record<string, unknown> = {}): never {
  throw new KibbleError('signing-refused', `refusing to sign: ${message}`, { reason, ...details });
}

export function checkSigningRequest(
  chain: ChainProfile, account: BIP32Interface, summary: PlanSummary, psbts: readonly Psbt[], limits: SigningLimits, history: SigningHistory,
): CheckedRequest {
  if (summary.chain !== chain.name) refuse('request-invalid', `the plan is for ${summary.chain}, this signer signs for ${chain.name}`);
  if (psbts.length !== summary.transactionCount) {
    refuse('request-invalid', `the plan has ${summary.transactionCount} transaction(s), the request ${psbts.length}`);
  }
  const keys = new KeyCheck(chain, account);
  const planned = plannedAmounts(summary);
  const paid = new Map<string, bigint>();
  const unusedData = [...summary.dataOutputs];
  const outpoints = new Set<string>();
  const transactions = psbts.map((psbt, t) => {
    const checked = checkTransaction(chain, keys, psbt, t, { planned, paid, unusedData, outpoints });
    if (checked.fee > limits.maxFeePerTransaction) {
      refuse('fee-too-high', `transaction ${t} pays a fee of ${coins(chain, checked.fee)}, above the ceiling of ${coins(chain, limits.maxFeePerTransaction)}`, { transaction: t });
    }
    return checked;
  });
  for (const [address, amount] of planned) {
    const got = paid.get(address) ?? 0n;
    if (got !== amount) {
      refuse('outputs-differ-from-plan', `${address} is paid ${got} ${chain.unitName}, the plan says ${amount}`, { address, expected: String(amount), got: String(got) });
    }
  }
  if (unusedData.length > 0) refuse('outputs-differ-from-plan', `the plan's data output ${unusedData[0] ?? ''} is in no transaction`);
  const txids = transactions.map((tx) => tx.unsignedTxid);
  if (new Set(txids).size !== txids.length) refuse('request-invalid', 'two of the transactions are the same');
  const outgoing = transactions.reduce((sum, tx) => sum + tx.outgoing, 0n);
  const repeat = history.signedForPeriod !== undefined;
  if (repeat) {
    const before = [...(history.signedForPeriod ?? [])].sort();
    if (before.length !== txids.length || [...txids].sort().some((txid, i) => txid !== before[i])) {
      refuse('period-already-signed', `${summary.period} was already signed with other transactions (${before.join(', ')}); a period is signed once`, { period: summary.period });
    }
  } else {
    if (history.signedToday + outgoing > limits.dailyCeiling) {
      refuse('daily-ceiling-exceeded', `signing ${coins(chain, outgoing)} would take today's total to ${coins(chain, history.signedToday + outgoing)}, above the daily ceiling of ${coins(chain, limits.dailyCeiling)}`);
    }
    if (history.signedThisMonth + outgoing > limits.monthlyCeiling) {
      refuse('monthly-ceiling-exceeded', `signing ${coins(chain, outgoing)} would take this month's total to ${coins(chain, history.signedThisMonth + outgoing)}, above the monthly ceiling of ${coins(chain, limits.monthlyCeiling)}`);
    }
  }
  return { period: summary.period, transactions, outgoing, repeat };
}

interface Tally {
  planned: ReadonlyMap<string, bigint>;
  paid: Map<string, bigint>;
  unusedData: string[];
  outpoints: Set<string>;
}

function checkTransaction(chain: ChainProfile, keys: KeyCheck, psbt: Psbt, t: number, tally: Tally): CheckedTransaction {
  if (psbt.version !== SETTLEMENT_TX_VERSION || psbt.locktime !== 0) {
    refuse('request-invalid', `transaction ${t} has version ${psbt.version} and locktime ${psbt.locktime}; settlements use version 1, locktime 0`, { transaction: t });
  }
  if (psbt.inputCount === 0 || psbt.txOutputs.length === 0) refuse('request-invalid', `transaction ${t} needs inputs and outputs`, { transaction: t });
  let inputSum = 0n;
  psbt.txInputs.forEach((txInput, i) => {
    const txid = Buffer.from(txInput.hash).reverse().toString('hex');
    const where = `input ${i} (${txid}:${txInput.index}) of transaction ${t}`;
    if (tally.outpoints.has(`${txid}:${txInput.index}`)) refuse('request-invalid', `${where} is spent twice`, { transaction: t, input: i });
    tally.outpoints.add(`${txid}:${txInput.index}`);
    const data = psbt.data.inputs[i];
    if (data === undefined || data.nonWitnessUtxo === undefined) refuse('previous-transaction-mismatch', `${where} carries no previous transaction`, { transaction: t, input: i });
    if (data.witnessUtxo !== undefined || data.redeemScript !== undefined || data.witnessScript !== undefined || (data.sighashType !== undefined && data.sighashType !== SIGHASH_ALL)) {
      refuse('request-invalid', `${where} is not a plain P2PKH input signed with SIGHASH_ALL`, { transaction: t, input: i });
    }
    let prevTx: Transaction;
    try {
      prevTx = Transaction.fromBuffer(data.nonWitnessUtxo);
    } catch {
      refuse('previous-transaction-mismatch', `${where}: its previous transaction cannot be read`, { transaction: t, input: i });
    }
    if (prevTx.getId() !== txid) {
      refuse('previous-transaction-mismatch', `${where}: its previous transaction hashes to ${prevTx.getId()}, not to the outpoint's txid`, { transaction: t, input: i });
    }
    const prevOut = prevTx.outs[txInput.index];
    if (prevOut === undefined) refuse('previous-transaction-mismatch', `${where}: its previous transaction has no output ${txInput.index}`, { transaction: t, input: i });
    const derivation = data.bip32Derivation;
    if (derivation?.length !== 1 || derivation[0] === undefined) refuse('input-not-derived', `${where} names ${derivation?.length ?? 0} key derivations, not one`, { transaction: t, input: i });
    const script = keys.scriptAt(derivation[0], where, 'input-not-derived', false);
    if (Buffer.compare(script, prevOut.script) !== 0) {
      refuse('input-not-derived', `${where} spends an output that the key at ${derivation[0].path} does not own`, { transaction: t, input: i });
    }
    inputSum += prevOut.value;
  });
  let outputSum = 0n;
  let changeSum = 0n;
  const scriptLengths: number[] = [];
  psbt.txOutputs.forEach((output, o) => {
    const where = `output ${o} of transaction ${t}`;
    outputSum += output.value;
    scriptLengths.push(output.script.length);
    if (output.script[0] === OP_RETURN) {
      const hex = Buffer.from(output.script).toString('hex');
      const at = tally.unusedData.indexOf(hex);
      if (at < 0 || output.value !== 0n) refuse('data-output-not-in-plan', `${where} is a data output (${output.value} ${chain.unitName}) the plan does not list`, { transaction: t, output: o });
      tally.unusedData.splice(at, 1);
      return;
    }
    if (output.value < chain.dustThreshold) {
      refuse('dust-output', `${where} pays ${output.value} ${chain.unitName}, below the dust threshold ${chain.dustThreshold}`, { transaction: t, output: o });
    }
    const derivation = psbt.data.outputs[o]?.bip32Derivation;
    if (derivation !== undefined) {
      if (derivation.length !== 1 || derivation[0] === undefined) refuse('change-not-derived', `${where} names ${derivation.length} key derivations, not one`, { transaction: t, output: o });
      const script = keys.scriptAt(derivation[0], where, 'change-not-derived', true);
      if (Buffer.compare(script, output.script) !== 0) refuse('change-not-derived', `${where} is marked as change at ${derivation[0].path} but pays another address`, { transaction: t, output: o });
      changeSum += output.value;
      return;
    }
    const address = addressFromOutputScript(chain, output.script);
    if (address === undefined || !tally.planned.has(address)) {
      refuse('output-not-in-plan', `${where} pays ${address ?? 'a non-standard script'}, an address the plan does not list`, { transaction: t, output: o, ...(address === undefined ? {} : { address }) });
    }
    tally.paid.set(address, (tally.paid.get(address) ?? 0n) + output.value);
  });
  const fee = inputSum - outputSum;
  const bytes = worstCaseTxBytes(psbt.inputCount, scriptLengths);
  if (bytes >= chain.maxStandardTxBytes) refuse('transaction-too-large', `transaction ${t} may reach ${bytes} bytes, not below the standard ${chain.maxStandardTxBytes}`, { transaction: t });
  if (fee < feeFor(bytes, chain.fee.minRelayPerByte)) {
    refuse('fee-too-low', `transaction ${t} pays a fee of ${fee} ${chain.unitName}, below the relay minimum for ${bytes} bytes`, { transaction: t });
  }
  return { psbt, unsignedTxid: unsignedTxidOf(psbt), fee, outgoing: inputSum - changeSum };
}

/** Derives keys from the signer's own account key and compares them with what a PSBT claims. */
class KeyCheck {
  readonly #chain: ChainProfile;
  readonly #account: BIP32Interface;
  readonly #fingerprint: Buffer;
  readonly #scripts = new Map<string, { pubkey: Uint8Array; script: Uint8Array }>();

  constructor(chain: ChainProfile, account: BIP32Interface) {
    this.#chain = chain;
    this.#account = account;
    this.#fingerprint = Buffer.from(account.fingerprint);
  }

  /** The P2PKH script of the key at the derivation's path, once the derivation is the account's own. */
  scriptAt(
    derivation: { masterFingerprint: Uint8Array; path: string; pubkey: Uint8Array }, where: string, reason: RefusalReason, changeOnly: boolean,
  ): Uint8Array {
    if (Buffer.compare(Buffer.from(derivation.masterFingerprint), this.#fingerprint) !== 0) {
      refuse(reason, `${where} is derived from another key (fingerprint ${Buffer.from(derivation.masterFingerprint).toString('hex')})`);
    }
    const match = /^m\/([01])\/([0-9]{1,10})$/.exec(derivation.path);
    const change = Number(match?.[1]);
    const index = Number(match?.[2]);
    if (match === null || index > MAX_DERIVATION_INDEX || (changeOnly && change !== CHANGE_CHAIN)) {
      refuse(reason, `${where} has the path "${derivation.path}", not m/${changeOnly ? '1' : '<0|1>'}/<index> under the account key`);
    }
    let known = this.#scripts.get(derivation.path);
    if (known === undefined) {
      const pubkey = this.#account.derive(change).derive(index).publicKey;
      known = { pubkey, script: outputScriptFor(this.#chain, p2pkhAddress(this.#chain, bitcoinCrypto.hash160(pubkey))) };
      this.#scripts.set(derivation.path, known);
    }
    if (Buffer.compare(Buffer.from(known.pubkey), Buffer.from(derivation.pubkey)) !== 0) {
      refuse(reason, `${where}: the public key at ${derivation.path} is not the one this signer derives there`);
    }
    return known.script;
  }
}

function plannedAmounts(summary: PlanSummary): Map<string, bigint> {
  const planned = new Map<string, bigint>();
  for (const row of [...summary.payments, ...(summary.feePayment === null ? [] : [summary.feePayment])]) {
    planned.set(row.address, (planned.get(row.address) ?? 0n) + row.amount);
  }
  return planned;
}

function coins(chain: ChainProfile, amount: bigint): string {
  return formatCoinsWithTicker(amount, chain);
}

import { z } from 'zod';
import { CHAIN_NAMES, type ChainName, type ChainProfile } from '../chain/profiles';
import { checkAddress } from '../chain/address';
import { KibbleError } from '../errors';
import { formatCoinsWithTicker } from '../money/amount';
import { PERIOD_PATTERN } from '../money/period';

/**
 * What a month's settlement pays, as the signer is told it: sent with the PSBTs to `kibble signer`
 * and written next to exported PSBTs for `kibble sign`. The signer checks every PSBT output
 * against it (policy.ts). Amounts are per address, summed over all the month's transactions, as
 * decimal strings of the smallest unit in JSON. Versioned: a signer refuses a version it does not
 * know rather than guess.
 */
export const PLAN_SUMMARY_VERSION = 1;

export interface AddressAmount { address: string; amount: bigint }

export interface PlanSummary {
  version: typeof PLAN_SUMMARY_VERSION;
  chain: ChainName;
  /** YYYY-MM: the signed log refuses a second, different transaction set for it. */
  period: string;
  /** Creator payouts, one row per address (sorted), amounts summed. */
  payments: AddressAmount[];
  /** What the platform-fee payment's outputs add up to (after the network fees), or null. */
  feePayment: AddressAmount | null;
  /** Hex scripts of the zero-value OP_RETURN outputs the plan allows (the allocation commitment). */
  dataOutputs: string[];
  transactionCount: number;
}

export interface PlanSummaryInput {
  chain: ChainProfile;
  period: string;
  payments: readonly AddressAmount[];
  feePayment: AddressAmount | null;
  dataOutputs?: readonly string[];
  transactionCount: number;
}

export function planSummaryOf(input: PlanSummaryInput): PlanSummary {
  const byAddress = new Map<string, bigint>();
  for (const { address, amount } of input.payments) byAddress.set(address, (byAddress.get(address) ?? 0n) + amount);
  const payments = [...byAddress].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([address, amount]) => ({ address, amount }));
  return {
    version: PLAN_SUMMARY_VERSION,
    chain: input.chain.name,
    period: input.period,
    payments,
    feePayment: input.feePayment === null || input.feePayment.amount === 0n ? null : { ...input.feePayment },
    dataOutputs: [...(input.dataOutputs ?? [])],
    transactionCount: input.transactionCount,
  };
}

const amountText = z.string().regex(/^(0|[1-9][0-9]{0,19})$/, 'a whole number of the smallest unit, as a decimal string');
const addressAmount = z.object({ address: z.string().min(1).max(128), amount: amountText }).strict();
const summarySchema = z.object({
  version: z.literal(PLAN_SUMMARY_VERSION),
  chain: z.enum(CHAIN_NAMES),
  period: z.string().regex(PERIOD_PATTERN, 'YYYY-MM'),
  payments: z.array(addressAmount).max(100_000),
  feePayment: addressAmount.nullable(),
  dataOutputs: z.array(z.string().regex(/^(?:[0-9a-f]{2}){1,83}$/, 'lower-case hex of at most 83 bytes')).max(16),
  transactionCount: z.number().int().min(1).max(10_000),
}).strict();

export function planSummaryToJson(summary: PlanSummary): string {
  const amount = (row: AddressAmount) => ({ address: row.address, amount: row.amount.toString() });
  return `${JSON.stringify({
    ...summary,
    payments: summary.payments.map(amount),
    feePayment: summary.feePayment === null ? null : amount(summary.feePayment),
  }, null, 2)}\n`;
}

/** Reads a summary (JSON text or an already parsed value) for `chain`; every address is checked. */
export function parsePlanSummary(chain: ChainProfile, input: unknown): PlanSummary {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new KibbleError('psbt-invalid', 'the plan summary is not JSON');
    }
  }
  const parsed = summarySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KibbleError('psbt-invalid', `the plan summary is not valid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  const data = parsed.data;
  if (data.chain !== chain.name) throw new KibbleError('psbt-invalid', `the plan summary is for ${data.chain}, this signer signs for ${chain.name}`);
  const row = (r: { address: string; amount: string }, what: string): AddressAmount => {
    const check = checkAddress(chain, r.address);
    if (!check.valid) throw new KibbleError('psbt-invalid', `the plan summary's ${what} address ${r.address} is not a ${chain.name} address`);
    return { address: r.address, amount: BigInt(r.amount) };
  };
  const payments = data.payments.map((r) => row(r, 'payment'));
  if (new Set(payments.map((p) => p.address)).size !== payments.length) throw new KibbleError('psbt-invalid', 'the plan summary lists an address twice');
  return {
    version: PLAN_SUMMARY_VERSION,
    chain: data.chain,
    period: data.period,
    payments,
    feePayment: data.feePayment === null ? null : row(data.feePayment, 'fee payment'),
    dataOutputs: data.dataOutputs,
    transactionCount: data.transactionCount,
  };
}

/** The words an operator reads before signing; the numbers come from the summary alone. */
export function planSummaryText(chain: ChainProfile, summary: PlanSummary): string {
  const coins = (amount: bigint) => formatCoinsWithTicker(amount, chain);
  const total = summary.payments.reduce((sum, row) => sum + row.amount, 0n);
  const lines = [
    `kibble settlement of ${summary.period} on ${summary.chain}: ${summary.transactionCount} transaction(s)`,
    `Creator payouts: ${summary.payments.length} address(es), ${coins(total)} in all`,
    ...summary.payments.map((row) => `  ${row.address}  ${coins(row.amount)}`),
    summary.feePayment === null ? 'Platform fee payment: none' : `Platform fee payment: ${summary.feePayment.address}  ${coins(summary.feePayment.amount)}`,
    summary.dataOutputs.length === 0 ? 'Data outputs: none' : `Data outputs (zero-value OP_RETURN): ${summary.dataOutputs.join(', ')}`,
    'Everything else goes back to the wallet as change; network fees come out of the platform fee payment or the change.',
  ];
  return `${lines.join('\n')}\n`;
}

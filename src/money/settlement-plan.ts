import { KibbleError } from '../errors';
import { budgetInCoins, validateQuotes, type FiatAmount, type PriceQuote } from './fiat';
import { assertBalancedJournal, creatorAccount, donorAccount, PLATFORM_FEES_ACCOUNT, type Journal, type LedgerLine } from './ledger';
import { parsePeriod } from './period';
import { splitDonorBudget } from './split';

/**
 * The settlement planner (DESIGN.md sections 2 and 5): one period's clicks, budgets and balances
 * in, every charge, credit, refund, payment and the allocation journal out. Pure and
 * deterministic: the same input, in any array order, gives the same plan, so a re-planned period
 * writes the same documents and the same journal again.
 */

export interface PlanDonor {
  id: string;
  /** In the smallest unit; ignored when `fiatBudget` is set. */
  monthlyBudget: bigint;
  /** A budget in a fiat currency: the planner converts it at `PlanInput.rates` (fiat.ts, budgetInCoins). */
  fiatBudget?: FiatAmount | null;
  /** donor:<id> ledger balance before this settlement */
  balance: bigint;
  /** The creator (account id) of each counted click, in click order (real clicks first, then subscription clicks). */
  clickCreators: readonly string[];
}

export interface PlanCreator {
  id: string;
  /** null: no payout address registered (the amount is "unclaimed" and stays owed) */
  payoutAddress: string | null;
  /** creator:<id> ledger balance before this settlement: owed from earlier periods (below dust or unclaimed) */
  owedBefore: bigint;
}

/** What a donor gave a creator in an earlier period, for a creator who still has no payout address after UNCLAIMED_MONTHS: returned to the donor now. */
export interface ExpiringAllocation {
  fromPeriod: string;
  donorId: string;
  creatorId: string;
  amount: bigint;
}

export interface PlanInput {
  period: string; // 'YYYY-MM'
  serviceFeeBps: number; // 0..10000
  dustThreshold: bigint; // chain's dust: no payout below it
  /** platform:fees ledger balance before this settlement (fees not yet paid out, may be 0) */
  platformFeeBefore: bigint;
  /** where the platform fee is paid; null: it stays in platform:fees */
  feeAddress: string | null;
  donors: readonly PlanDonor[];
  /** Every creator that has a click this period, is owed something, or appears in `expiring`. A creator referenced by a click but missing here is a validation error. */
  creators: readonly PlanCreator[];
  expiring: readonly ExpiringAllocation[];
  /** Coin prices the fiat budgets are converted at; absent on inputs stored before fiat budgets. */
  rates?: readonly PriceQuote[];
}

/** For a donor only refunded (absent from the input's donors), budget and balanceBefore are 0n: the planner does not know them. */
export interface DonorCharge {
  donorId: string;
  /** In the smallest unit: a fiat budget as converted. */
  budget: bigint;
  /** Set when the budget was in a fiat currency. */
  fiatBudget?: FiatAmount;
  balanceBefore: bigint;
  clicks: number;
  charge: bigint;
  fee: bigint;
  refunded: bigint;
}

export type CreatorOutcome = 'paid' | 'below-dust' | 'no-payout-address' | 'nothing-owed';

export interface CreatorLine {
  creatorId: string;
  payoutAddress: string | null;
  owedBefore: bigint;
  /** this period's shares */
  credited: bigint;
  /** refunded to donors */
  returned: bigint;
  /** this settlement pays it now, 0n if not */
  paid: bigint;
  /** owedBefore + credited - returned - paid */
  owedAfter: bigint;
  outcome: CreatorOutcome;
}

export interface Allocation {
  donorId: string;
  creatorId: string;
  amount: bigint;
}

export interface Refund {
  donorId: string;
  creatorId: string;
  fromPeriod: string;
  amount: bigint;
}

export interface PlannedPayment {
  /** `creator:<id>` or 'platform-fee' */
  id: string;
  address: string;
  amount: bigint;
}

export interface SettlementPlan {
  period: string;
  /** sorted by donorId; donors without clicks and without refunds are omitted */
  donors: DonorCharge[];
  /** sorted by creatorId; every creator of the input */
  creators: CreatorLine[];
  /** This period's per (donor, creator) amounts, ONLY for creators with no payout address (kept to return them later); sorted donorId, creatorId */
  unclaimedAllocations: Allocation[];
  /** sorted donorId, creatorId, fromPeriod */
  refunds: Refund[];
  /** Creator payouts (amount >= dust, payout address set), sorted by creatorId. */
  payments: PlannedPayment[];
  /** The platform fee payment (whole platform balance = platformFeeBefore + this period's fee) when feeAddress is set and that is >= dust; the transaction builder will take the network fee out of it. */
  feePayment: PlannedPayment | null;
  totals: {
    charged: bigint;
    serviceFee: bigint;
    creditedToCreators: bigint;
    refunded: bigint;
    paidToCreators: bigint;
    /** owedAfter summed */
    carried: bigint;
    clicks: number;
    donorsCharged: number;
    creatorsPaid: number;
  };
  /** The settlement's allocation journal, id `settlement:<period>:allocation`, kind 'settlement-allocation', period set: donor -charge (+refund), creator +credited (-returned), platform:fees +serviceFee; one line per account (merged), zero lines omitted; null when nothing moves. Must pass assertBalancedJournal. */
  journal: Journal | null;
  /** The quotes this month's fiat budgets were converted at (sorted by currency; only those used). */
  rates: PriceQuote[];
}

export const SETTLEMENT_ALLOCATION_KIND = 'settlement-allocation';
export const PLATFORM_FEE_PAYMENT_ID = 'platform-fee';

export function allocationJournalId(period: string): string {
  return `settlement:${period}:allocation`;
}

/**
 * The input with every fiat budget converted at the input's rates (floor to the smallest unit),
 * and the quotes that were used. Pure; the planner and monthAllocations both go through it.
 */
export function withBudgetsInCoins(input: PlanInput): { input: PlanInput; used: PriceQuote[] } {
  const rates = input.rates ?? [];
  validateQuotes(rates);
  const used = new Set<string>();
  const donors = input.donors.map((donor) => {
    if (donor.fiatBudget === undefined || donor.fiatBudget === null) return donor;
    used.add(donor.fiatBudget.currency);
    return { ...donor, monthlyBudget: budgetInCoins(donor.fiatBudget, rates, donor.id) };
  });
  const quotes = rates.filter((quote) => used.has(quote.currency)).sort((a, b) => compareText(a.currency, b.currency));
  return { input: used.size === 0 ? input : { ...input, donors }, used: quotes.map((quote) => ({ ...quote })) };
}

export function planSettlement(original: PlanInput): SettlementPlan {
  const { input, used } = withBudgetsInCoins(original);
  validateScalars(input);
  const creators = indexCreators(input.creators);
  const charges = chargeDonors(input, creators);
  const refunds = planRefunds(input.period, input.expiring, creators);
  const creatorLines = settleCreators(creators, input.dustThreshold);
  const donors = donorCharges(charges.donors, refunds.byDonor);
  const serviceFee = charges.serviceFee;
  const totals = {
    charged: sumOf(donors, (d) => d.charge),
    serviceFee,
    creditedToCreators: sumOf(creatorLines, (c) => c.credited),
    refunded: sumOf(refunds.list, (r) => r.amount),
    paidToCreators: sumOf(creatorLines, (c) => c.paid),
    carried: sumOf(creatorLines, (c) => c.owedAfter),
    clicks: charges.clicks,
    donorsCharged: donors.filter((d) => d.charge > 0n).length,
    creatorsPaid: creatorLines.filter((c) => c.outcome === 'paid').length,
  };
  return {
    period: input.period,
    donors,
    creators: creatorLines,
    unclaimedAllocations: charges.unclaimed,
    refunds: refunds.list,
    payments: creatorPayments(creatorLines),
    feePayment: feePayment(input, serviceFee),
    totals,
    journal: allocationJournal(input.period, donors, creatorLines, serviceFee),
    rates: used,
  };
}

// ---------------------------------------------------------------------------------------------
// Validation

function invalid(message: string): KibbleError {
  return new KibbleError('validation-failed', `settlement plan: ${message}`);
}

function requireAmount(value: unknown, what: string, allowNegative = false): void {
  if (typeof value !== 'bigint') throw invalid(`${what} must be a bigint, got a ${typeof value}`);
  if (!allowNegative && value < 0n) throw invalid(`${what} must not be negative, got ${value}`);
}

function requireId(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value === '') throw invalid(`${what} must be a non-empty string`);
}

function requireAddress(value: unknown, what: string): void {
  if (value !== null && (typeof value !== 'string' || value === '')) throw invalid(`${what} must be null or a non-empty string`);
}

function requirePeriod(value: unknown, what: string): string {
  try {
    return parsePeriod(value);
  } catch (error) {
    throw invalid(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function validateScalars(input: PlanInput): void {
  requirePeriod(input.period, 'period');
  const bps = input.serviceFeeBps;
  if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw invalid(`serviceFeeBps must be a whole number from 0 to 10000, got ${bps}`);
  requireAmount(input.dustThreshold, 'dustThreshold');
  // Network fees are paid from platform:fees, so a (small) negative balance is possible.
  requireAmount(input.platformFeeBefore, 'platformFeeBefore', true);
  requireAddress(input.feeAddress, 'feeAddress');
}

// ---------------------------------------------------------------------------------------------
// Creators: a dense index so the million-click loop touches arrays, not objects.

/** Shares up to this size are added as float64 numbers, which are exact below 2^53. */
const FAST_LIMIT = 2n ** 52n;
const FLUSH_AT = 2 ** 52;

/**
 * Per-creator sums of shares without a bigint operation per click: small shares go to a float64
 * accumulator, which stays exact because it is flushed into the bigint total before it could
 * reach 2^53. Larger shares (whole fortunes) go straight to the bigint total.
 */
class CreditTotals {
  private readonly small: Float64Array;
  private readonly big: bigint[];

  constructor(size: number) {
    this.small = new Float64Array(size);
    this.big = new Array<bigint>(size).fill(0n);
  }

  /** `share` must be a whole number below 2^52. */
  addSmall(index: number, share: number): void {
    const sum = (this.small[index] as number) + share;
    if (sum >= FLUSH_AT) {
      this.big[index] = (this.big[index] as bigint) + BigInt(sum);
      this.small[index] = 0;
    } else {
      this.small[index] = sum;
    }
  }

  addBig(index: number, share: bigint): void {
    this.big[index] = (this.big[index] as bigint) + share;
  }

  total(index: number): bigint {
    return (this.big[index] as bigint) + BigInt(this.small[index] as number);
  }
}

interface CreatorTable {
  /** sorted by id */
  list: readonly PlanCreator[];
  indexOf: ReadonlyMap<string, number>;
  credited: CreditTotals;
  returned: bigint[];
  /** 1 where the creator has no payout address */
  unclaimed: Uint8Array;
}

function indexCreators(creators: readonly PlanCreator[]): CreatorTable {
  const list = [...creators].sort((a, b) => compareText(a.id, b.id));
  const indexOf = new Map<string, number>();
  list.forEach((creator, index) => {
    requireId(creator.id, 'creator id');
    if (indexOf.has(creator.id)) throw invalid(`creator ${creator.id} is listed twice`);
    requireAddress(creator.payoutAddress, `payoutAddress of creator ${creator.id}`);
    // A creator account below zero would mean the ledger paid more than it owed: refuse to go on.
    requireAmount(creator.owedBefore, `owedBefore of creator ${creator.id}`);
    indexOf.set(creator.id, index);
  });
  const unclaimed = Uint8Array.from(list, (creator) => (creator.payoutAddress === null ? 1 : 0));
  return { list, indexOf, credited: new CreditTotals(list.length), returned: new Array<bigint>(list.length).fill(0n), unclaimed };
}

// ---------------------------------------------------------------------------------------------
// Donors: the split, credited to creators as it goes.

interface ChargedDonor {
  donor: PlanDonor;
  charge: bigint;
  fee: bigint;
}

interface ChargeResult {
  donors: ChargedDonor[];
  serviceFee: bigint;
  clicks: number;
  unclaimed: Allocation[];
}

function chargeDonors(input: PlanInput, creators: CreatorTable): ChargeResult {
  const seen = new Set<string>();
  const result: ChargeResult = { donors: [], serviceFee: 0n, clicks: 0, unclaimed: [] };
  for (const donor of input.donors) {
    validateDonor(donor, seen);
    const clicks = donor.clickCreators.length;
    if (clicks === 0) {
      // Kept in case an expiring allocation refunds this donor.
      result.donors.push({ donor, charge: 0n, fee: 0n });
      continue;
    }
    // The split's rule for charge and fee; one click asked, as they do not depend on the count
    // and a million-element shares array is what this planner avoids (shares: creditShares).
    const { charge, fee } = splitDonorBudget({ monthlyBudget: donor.monthlyBudget, balance: donor.balance, clickCount: 1, serviceFeeBps: input.serviceFeeBps });
    creditShares(donor, charge - fee, creators, result.unclaimed);
    result.donors.push({ donor, charge, fee });
    result.serviceFee += fee;
    result.clicks += clicks;
  }
  result.unclaimed.sort((a, b) => compareText(a.donorId, b.donorId) || compareText(a.creatorId, b.creatorId));
  return result;
}

function validateDonor(donor: PlanDonor, seen: Set<string>): void {
  requireId(donor.id, 'donor id');
  if (seen.has(donor.id)) throw invalid(`donor ${donor.id} is listed twice`);
  seen.add(donor.id);
  requireAmount(donor.monthlyBudget, `monthlyBudget of donor ${donor.id}`);
  // A balance may be below zero (a reversed deposit): that donor is simply charged nothing.
  requireAmount(donor.balance, `balance of donor ${donor.id}`, true);
  if (!Array.isArray(donor.clickCreators)) throw invalid(`clickCreators of donor ${donor.id} must be an array`);
}

/**
 * Credits one donor's shares to the creators, as splitDonorBudget would share them: `base` per
 * click and one unit more for each of the first `extra` clicks. Keeps per-(donor, creator)
 * amounts for creators without a payout address only.
 */
function creditShares(donor: PlanDonor, distributable: bigint, creators: CreatorTable, unclaimed: Allocation[]): void {
  const { clickCreators } = donor;
  const count = BigInt(clickCreators.length);
  const base = distributable / count;
  const extra = Number(distributable % count);
  const small = base + 1n < FAST_LIMIT;
  const baseNumber = small ? Number(base) : 0;
  const gives = distributable > 0n;
  let toUnclaimed: Map<number, bigint> | undefined;
  for (let i = 0; i < clickCreators.length; i++) {
    const index = creatorIndex(donor, clickCreators[i] as string, creators);
    if (small) creators.credited.addSmall(index, i < extra ? baseNumber + 1 : baseNumber);
    else creators.credited.addBig(index, i < extra ? base + 1n : base);
    if (creators.unclaimed[index] === 1 && gives) {
      toUnclaimed ??= new Map();
      toUnclaimed.set(index, (toUnclaimed.get(index) ?? 0n) + (i < extra ? base + 1n : base));
    }
  }
  if (toUnclaimed === undefined) return;
  for (const [index, amount] of toUnclaimed) {
    if (amount > 0n) unclaimed.push({ donorId: donor.id, creatorId: (creators.list[index] as PlanCreator).id, amount });
  }
}

function creatorIndex(donor: PlanDonor, creatorId: string, creators: CreatorTable): number {
  const index = creators.indexOf.get(creatorId);
  if (index === undefined) throw invalid(`donor ${donor.id} clicked creator ${creatorId}, who is missing from the creators`);
  if (creatorId === donor.id) throw invalid(`donor ${donor.id} clicked their own thing`);
  return index;
}

function donorCharges(charged: readonly ChargedDonor[], refundedByDonor: ReadonlyMap<string, bigint>): DonorCharge[] {
  const rows = new Map<string, DonorCharge>();
  for (const { donor, charge, fee } of charged) {
    const refunded = refundedByDonor.get(donor.id) ?? 0n;
    if (donor.clickCreators.length === 0 && refunded === 0n) continue;
    const fiat = donor.fiatBudget ? { fiatBudget: { ...donor.fiatBudget } } : {};
    rows.set(donor.id, { donorId: donor.id, budget: donor.monthlyBudget, ...fiat, balanceBefore: donor.balance, clicks: donor.clickCreators.length, charge, fee, refunded });
  }
  for (const [donorId, refunded] of refundedByDonor) {
    if (!rows.has(donorId)) rows.set(donorId, { donorId, budget: 0n, balanceBefore: 0n, clicks: 0, charge: 0n, fee: 0n, refunded });
  }
  return [...rows.values()].sort((a, b) => compareText(a.donorId, b.donorId));
}

// ---------------------------------------------------------------------------------------------
// Expiring unclaimed allocations: returned to their donors.

interface RefundResult {
  list: Refund[];
  byDonor: Map<string, bigint>;
}

function planRefunds(period: string, expiring: readonly ExpiringAllocation[], creators: CreatorTable): RefundResult {
  const rows = [...expiring];
  validateExpiring(period, rows, creators);
  // Deterministic order per creator, so a cap (below) takes the same rows whatever the input order.
  rows.sort((a, b) => compareText(a.creatorId, b.creatorId) || compareText(a.fromPeriod, b.fromPeriod) || compareText(a.donorId, b.donorId));
  const result: RefundResult = { list: [], byDonor: new Map() };
  for (const row of rows) {
    const index = creators.indexOf.get(row.creatorId) as number;
    const creator = creators.list[index] as PlanCreator;
    // The creator registered an address meanwhile: the money is theirs, it is paid as usual.
    if (creator.payoutAddress !== null) continue;
    const owed = creator.owedBefore + creators.credited.total(index) - (creators.returned[index] as bigint);
    const amount = row.amount < owed ? row.amount : owed;
    if (amount <= 0n) continue;
    creators.returned[index] = (creators.returned[index] as bigint) + amount;
    result.byDonor.set(row.donorId, (result.byDonor.get(row.donorId) ?? 0n) + amount);
    result.list.push({ donorId: row.donorId, creatorId: row.creatorId, fromPeriod: row.fromPeriod, amount });
  }
  result.list.sort((a, b) => compareText(a.donorId, b.donorId) || compareText(a.creatorId, b.creatorId) || compareText(a.fromPeriod, b.fromPeriod));
  return result;
}

function validateExpiring(period: string, rows: readonly ExpiringAllocation[], creators: CreatorTable): void {
  const keys = new Set<string>();
  for (const row of rows) {
    requireId(row.donorId, 'expiring allocation donorId');
    requireId(row.creatorId, 'expiring allocation creatorId');
    const fromPeriod = requirePeriod(row.fromPeriod, `expiring allocation ${row.donorId} -> ${row.creatorId}`);
    if (fromPeriod > period) throw invalid(`expiring allocation ${row.donorId} -> ${row.creatorId} is from ${fromPeriod}, after ${period}`);
    requireAmount(row.amount, `expiring allocation ${fromPeriod}:${row.donorId}:${row.creatorId}`);
    if (!creators.indexOf.has(row.creatorId)) throw invalid(`expiring allocation names creator ${row.creatorId}, who is missing from the creators`);
    const key = `${fromPeriod}:${row.donorId}:${row.creatorId}`;
    if (keys.has(key)) throw invalid(`expiring allocation ${key} is listed twice`);
    keys.add(key);
  }
}

// ---------------------------------------------------------------------------------------------
// What each creator is paid now, and what stays owed.

function settleCreators(creators: CreatorTable, dustThreshold: bigint): CreatorLine[] {
  return creators.list.map((creator, index) => {
    const credited = creators.credited.total(index);
    const returned = creators.returned[index] as bigint;
    const due = creator.owedBefore + credited - returned;
    const outcome = creatorOutcome(due, creator.payoutAddress, dustThreshold);
    const paid = outcome === 'paid' ? due : 0n;
    return { creatorId: creator.id, payoutAddress: creator.payoutAddress, owedBefore: creator.owedBefore, credited, returned, paid, owedAfter: due - paid, outcome };
  });
}

function creatorOutcome(due: bigint, payoutAddress: string | null, dustThreshold: bigint): CreatorOutcome {
  if (due === 0n) return 'nothing-owed';
  if (payoutAddress === null) return 'no-payout-address';
  return due >= dustThreshold ? 'paid' : 'below-dust';
}

function creatorPayments(lines: readonly CreatorLine[]): PlannedPayment[] {
  const payments: PlannedPayment[] = [];
  for (const line of lines) {
    if (line.outcome === 'paid' && line.payoutAddress !== null) payments.push({ id: creatorAccount(line.creatorId), address: line.payoutAddress, amount: line.paid });
  }
  return payments;
}

/** The whole platform balance goes out at once; below dust (or without an address) it waits. */
function feePayment(input: PlanInput, serviceFee: bigint): PlannedPayment | null {
  const amount = input.platformFeeBefore + serviceFee;
  if (input.feeAddress === null || amount <= 0n || amount < input.dustThreshold) return null;
  return { id: PLATFORM_FEE_PAYMENT_ID, address: input.feeAddress, amount };
}

// ---------------------------------------------------------------------------------------------
// The allocation journal

function allocationJournal(period: string, donors: readonly DonorCharge[], creators: readonly CreatorLine[], serviceFee: bigint): Journal | null {
  const lines: LedgerLine[] = [];
  for (const donor of donors) pushLine(lines, donorAccount(donor.donorId), donor.refunded - donor.charge);
  for (const creator of creators) pushLine(lines, creatorAccount(creator.creatorId), creator.credited - creator.returned);
  pushLine(lines, PLATFORM_FEES_ACCOUNT, serviceFee);
  if (lines.length === 0) return null;
  const journal: Journal = { id: allocationJournalId(period), kind: SETTLEMENT_ALLOCATION_KIND, period, lines };
  // A planner bug must never reach the ledger.
  assertBalancedJournal(journal);
  return journal;
}

function pushLine(lines: LedgerLine[], account: string, amount: bigint): void {
  if (amount !== 0n) lines.push({ account, amount });
}

// ---------------------------------------------------------------------------------------------

/** Plain code-unit order: unlike localeCompare, the same on every machine and locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sumOf<T>(items: readonly T[], pick: (item: T) => bigint): bigint {
  let sum = 0n;
  for (const item of items) sum += pick(item);
  return sum;
}

// The four invariants of DESIGN.md section 2, checked after the demo month from three sources
// that do not share code paths: the chain itself (read block by block, nothing from kibble's
// database), the ledger (summed here from its entries) and the stored settlement plan. Results
// are data; the caller prints them and picks the exit code.
import type { ChainRpc } from '../../src/node/rpc-client';
import type { ChainProfile } from '../../src/chain/profiles';
import { LedgerEntryModel } from '../../src/db/ledger-entry';
import { WalletAddressModel } from '../../src/db/wallet-address';
import { formatCoins, parseCoins } from '../../src/money/amount';
import { CUSTODY_ACCOUNT, donorAccount } from '../../src/money/ledger';
import { allocationJournalId } from '../../src/money/settlement-plan';
import { accountBalance, balancesByPrefix } from '../../src/services/ledger/balances';
import { unbalancedJournals } from '../../src/services/ledger/ledger-audit';
import type { PlanReportView, SettlementStatusView } from '../../src/services/settlement/views';
import { auditChain, spentValueOf, unspentValueOf, type ChainAudit, type ChainOutput } from '../regtest/chain-audit';
import { transactionBytesInBlock } from '../../src/chain/block/block-parser';
import { committingTransaction } from '../../src/proofs/commitment';

export interface CheckResult {
  invariant: 1 | 2 | 3 | 4;
  title: string;
  ok: boolean;
  /** One line per fact checked (the failing ones say what was expected). */
  details: string[];
}

export interface CheckInput {
  rpc: ChainRpc;
  chain: ChainProfile;
  period: string;
  plan: PlanReportView;
  status: SettlementStatusView;
  /** What the demo itself set up, to compare the plan against something it did not compute. */
  donors: ReadonlyArray<{ id: string; handle: string; budget: bigint; deposit: bigint }>;
  /** Account id -> handle, for readable lines. */
  names: ReadonlyMap<string, string>;
}

const sum = (values: Iterable<bigint>): bigint => {
  let total = 0n;
  for (const value of values) total += value;
  return total;
};

/** Collects facts; one false fact fails the invariant. */
class Facts {
  readonly lines: string[] = [];
  ok = true;
  expect(holds: boolean, line: string): void {
    if (!holds) this.ok = false;
    this.lines.push(`${holds ? '' : 'FAILED: '}${line}`);
  }
}

export async function checkInvariants(input: CheckInput): Promise<{ results: CheckResult[]; audit: ChainAudit }> {
  const audit = await auditChain(input.rpc, input.chain);
  const wallet = new Set((await WalletAddressModel.find({}, { _id: 1 }).lean()).map((row) => row._id));
  const checks: Array<[CheckResult['invariant'], string, (facts: Facts) => Promise<void>]> = [
    [1, 'every journal balances to zero', (facts) => journalsBalance(facts)],
    [2, "the wallet's unspent outputs on chain == donor balances + creator owed + platform fees", (facts) => custodyMatches(facts, input, audit, wallet)],
    [3, 'no donor charged more than min(budget, balance)', (facts) => chargesWithinLimits(facts, input)],
    [4, 'charges == creator credits + fee; on chain inputs == outputs + network fee, each creator paid its planned amount', (facts) => settlementAddsUp(facts, input, audit, wallet)],
  ];
  const results: CheckResult[] = [];
  for (const [invariant, title, run] of checks) {
    const facts = new Facts();
    try {
      await run(facts);
    } catch (error) {
      facts.expect(false, `could not check: ${error instanceof Error ? error.message : String(error)}`);
    }
    results.push({ invariant, title, ok: facts.ok, details: facts.lines });
  }
  return { results, audit };
}

async function journalsBalance(facts: Facts): Promise<void> {
  const journals = (await LedgerEntryModel.distinct('journalId')).length;
  const unbalanced = await unbalancedJournals();
  facts.expect(journals > 0, `${journals} journals in the ledger`);
  facts.expect(unbalanced.length === 0, unbalanced.length === 0 ? 'each sums to 0' : `unbalanced: ${unbalanced.join(', ')}`);
}

async function custodyMatches(facts: Facts, input: CheckInput, audit: ChainAudit, wallet: ReadonlySet<string>): Promise<void> {
  const onChain = unspentValueOf(audit, wallet);
  const donors = sum((await balancesByPrefix('donor:')).values());
  const creators = sum((await balancesByPrefix('creator:')).values());
  const platform = sum((await balancesByPrefix('platform:')).values());
  const custody = -(await accountBalance(CUSTODY_ACCOUNT));
  const c = (units: bigint) => `${formatCoins(units)} ${input.chain.ticker}`;
  facts.expect(
    onChain === donors + creators + platform,
    `on chain ${c(onChain)} in ${wallet.size} wallet addresses (${audit.tip + 1} blocks read) == donors ${c(donors)} + creators owed ${c(creators)} + platform fees ${c(platform)}`,
  );
  facts.expect(custody === onChain, `ledger custody ${c(custody)} == on chain ${c(onChain)}`);
}

async function chargesWithinLimits(facts: Facts, input: CheckInput): Promise<void> {
  const coins = (text: string) => parseCoins(text, input.chain);
  for (const donor of input.donors) {
    const row = input.plan.donors.find((d) => d.donorId === donor.id);
    if (row === undefined) {
      facts.expect(false, `${donor.handle}: missing from the plan`);
      continue;
    }
    const [charge, budget, balance, refunded] = [coins(row.charge), coins(row.budget), coins(row.balanceBefore), coins(row.refunded)];
    const limit = budget < balance ? budget : balance;
    facts.expect(charge <= limit, `${donor.handle}: charged ${row.charge} <= min(budget ${row.budget}, balance ${row.balanceBefore}) = ${formatCoins(limit)}`);
    // The plan's budget and balance must be what the demo set and paid, not just self-consistent,
    // and the ledger must show the charge taken.
    facts.expect(budget === donor.budget && balance === donor.deposit, `${donor.handle}: that budget and balance are what was set over HTTP and deposited on chain`);
    const now = await accountBalance(donorAccount(donor.id));
    facts.expect(now === balance - charge + refunded, `${donor.handle}: ledger balance now ${formatCoins(now)} == ${row.balanceBefore} - ${row.charge}`);
  }
}

async function settlementAddsUp(facts: Facts, input: CheckInput, audit: ChainAudit, wallet: ReadonlySet<string>): Promise<void> {
  const coins = (text: string) => parseCoins(text, input.chain);
  const { plan } = input;
  const charged = sum(plan.donors.map((d) => coins(d.charge)));
  const credited = sum(plan.creators.map((c) => coins(c.credited)));
  const fee = sum(plan.donors.map((d) => coins(d.fee)));
  facts.expect(charged === credited + fee, `plan: charges ${formatCoins(charged)} == creator credits ${formatCoins(credited)} + fee ${formatCoins(fee)}`);

  // The ledger's allocation journal must move the same amounts the plan shows.
  const entries = await LedgerEntryModel.find({ journalId: allocationJournalId(input.period) }, { account: 1, amount: 1, _id: 0 }).lean();
  const byPrefix = (prefix: string) => sum(entries.filter((e) => e.account.startsWith(prefix)).map((e) => e.amount));
  facts.expect(
    -byPrefix('donor:') === charged && byPrefix('creator:') === credited && byPrefix('platform:') === fee,
    `ledger: the allocation journal takes ${formatCoins(-byPrefix('donor:'))} from donors, credits ${formatCoins(byPrefix('creator:'))} to creators and ${formatCoins(byPrefix('platform:'))} to platform fees`,
  );

  // On chain: every settlement transaction, what it spent and where each output went.
  const received = new Map<string, bigint>();
  let networkFee = 0n;
  for (const stored of input.status.transactions) {
    const tx = audit.transactions.get(stored.txid);
    if (tx === undefined) {
      facts.expect(false, `${stored.txid} is not in the best chain`);
      continue;
    }
    const inputs = spentValueOf(audit, stored.txid);
    const outputs = sum(tx.outputs.map((output) => output.value));
    const txFee = coins(stored.fee);
    networkFee += txFee;
    facts.expect(inputs === outputs + txFee, `${stored.txid.slice(0, 16)}…: inputs ${formatCoins(inputs)} == outputs ${formatCoins(outputs)} + network fee ${stored.fee}`);
    for (const output of tx.outputs) {
      if (output.address === undefined && (await isCommittedRoot(facts, input, tx.height, output))) continue;
      const key = output.address ?? `(script) ${output.txid}:${output.vout}`;
      received.set(key, (received.get(key) ?? 0n) + output.value);
    }
  }
  facts.expect(networkFee === coins(plan.networkFee), `network fees on chain ${formatCoins(networkFee)} == the plan's ${plan.networkFee}`);

  const paidTo = new Set<string>();
  const order = [...input.names.keys()];
  const inCastOrder = [...plan.creators].sort((a, b) => order.indexOf(a.creatorId) - order.indexOf(b.creatorId));
  for (const creator of inCastOrder) {
    const name = input.names.get(creator.creatorId) ?? creator.creatorId;
    const paid = coins(creator.paid);
    if (creator.payoutAddress === null) {
      facts.expect(paid === 0n, `${name}: no payout address, nothing paid`);
      continue;
    }
    paidTo.add(creator.payoutAddress);
    const got = received.get(creator.payoutAddress) ?? 0n;
    facts.expect(got === paid, `${name}: ${creator.payoutAddress} received ${formatCoins(got)} == planned ${creator.paid} (${creator.outcome})`);
  }
  if (plan.feePayment !== null) {
    paidTo.add(plan.feePayment.address);
    const got = received.get(plan.feePayment.address) ?? 0n;
    facts.expect(got === coins(plan.feePayment.paid), `fee address ${plan.feePayment.address} received ${formatCoins(got)} == ${plan.feePayment.paid}`);
  }
  // Whatever else the transactions paid must be change back to the wallet.
  const strays = [...received.keys()].filter((address) => !paidTo.has(address) && !wallet.has(address));
  facts.expect(strays.length === 0, strays.length === 0 ? 'every other output is change to the wallet' : `outputs to unexpected addresses: ${strays.join(', ')}`);
}

/** The month's OP_RETURN output: where the plan put it, zero-valued, carrying the planned allocation root (read from the mined bytes). */
async function isCommittedRoot(facts: Facts, input: CheckInput, height: number, output: ChainOutput): Promise<boolean> {
  const { commitment } = input.plan;
  if (commitment.root === null || output.vout !== commitment.vout || input.status.transactions[commitment.transaction ?? 0]?.txid !== output.txid) return false;
  const block = await input.rpc.getRawBlock(await input.rpc.getBlockHash(height));
  const raw = transactionBytesInBlock(block, output.txid, { auxpow: input.chain.auxpow });
  const found = raw === undefined ? undefined : committingTransaction(Buffer.from(raw).toString('hex'));
  const root = found === undefined ? undefined : Buffer.from(found.commitment.root).toString('hex');
  facts.expect(
    output.value === 0n && found?.commitment.vout === output.vout && found.commitment.period === input.period && root === commitment.root,
    `${output.txid.slice(0, 16)}…:${output.vout}: OP_RETURN (value ${formatCoins(output.value)}) commits ${input.period}'s allocation root ${commitment.root}`,
  );
  return true;
}

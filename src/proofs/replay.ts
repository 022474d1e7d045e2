import { chainProfile, type ChainProfile } from '../chain/profiles';
import { buildSettlementTransactions, type BuildResult } from '../chain/tx/tx-builder';
import { KibbleError } from '../errors';
import { monthAllocations } from '../money/allocations';
import { planSettlement, type PlanInput, type SettlementPlan } from '../money/settlement-plan';
import { buildAllocationTree } from './allocation-tree';
import { commitmentScript, findCommitment, parseRawTransaction } from './commitment';
import { bytesEqual, fromHex, toHex } from './encoding';
import { snapshotOutput, type PaydaySnapshot, type SnapshotOutput } from './payday-snapshot';
import { fieldDifferences, firstDifferences, keyedDifferences, sequenceDifferences } from './replay-compare';

/**
 * `kibble replay` (docs/proofs.md, "Replay"): recomputes a month from its payday snapshot with
 * the same pure functions the settlement ran (planSettlement, monthAllocations and the allocation
 * tree, buildSettlementTransactions) and compares each part with what the month published. Pure:
 * what the node says about the transactions comes in as `sightings`.
 */

export type ReplayStatus = 'match' | 'mismatch' | 'skipped';

export interface ReplayItem {
  name: string;
  status: ReplayStatus;
  /** One line: what was compared, or why it was skipped. */
  summary: string;
  /** What differs (empty when it matches). */
  differences: string[];
}

export interface ReplayVerdict {
  period: string;
  /** Every item matched (skipped ones aside). */
  matches: boolean;
  items: ReplayItem[];
}

/** Where the node found a published transaction (kibble replay --rpc). */
export type TransactionSighting = { txid: string; where: 'block'; height: number } | { txid: string; where: 'mempool' | 'node' } | { txid: string; where: 'nowhere' };

const item = (name: string, summary: string, differences: string[]): ReplayItem =>
  ({ name, status: differences.length === 0 ? 'match' : 'mismatch', summary, differences: firstDifferences(differences) });
const skipped = (name: string, summary: string): ReplayItem => ({ name, status: 'skipped', summary, differences: [] });

export function replayPayday(snapshot: PaydaySnapshot, sightings?: ReadonlyMap<string, TransactionSighting>): ReplayVerdict {
  const chain = snapshotChain(snapshot);
  const input = planInputOf(snapshot);
  const items: ReplayItem[] = [];
  let plan: SettlementPlan | undefined;
  try {
    plan = planSettlement(input);
  } catch (error) {
    items.push(item('plan', 'the planner on the snapshot\'s input', [`the planner refuses the snapshot's input: ${messageOf(error)}`]));
  }
  if (plan === undefined) return verdictOf(snapshot.period, items);
  items.push(totalsItem(snapshot, plan), paymentsItem(snapshot, plan));
  const root = allocationRootItem(snapshot, input);
  items.push(root.item);
  // The first transaction carries the recomputed root (else the published one, to compare the rest).
  const committed = root.root ?? (snapshot.published.allocationRoot === null ? null : fromHex('allocation root', snapshot.published.allocationRoot, 32));
  const built = transactionsItem(snapshot, chain, plan, committed);
  items.push(built.item);
  items.push(signedItem(snapshot, chain, built.build));
  items.push(...chainItems(snapshot, root.root, sightings));
  return verdictOf(snapshot.period, items);
}

function verdictOf(period: string, items: ReplayItem[]): ReplayVerdict {
  return { period, matches: items.every((i) => i.status !== 'mismatch'), items };
}

/** The chain's profile with the snapshot's own fee rate and dust threshold: they were inputs too. */
export function snapshotChain(snapshot: PaydaySnapshot): ChainProfile {
  const profile = chainProfile(snapshot.settings.chain);
  return { ...profile, dustThreshold: BigInt(snapshot.settings.dustThreshold), fee: { ...profile.fee, perByte: BigInt(snapshot.settings.feePerByte) } };
}

/** The planner's input as the snapshot gives it, the donors known by their pseudonyms. */
export function planInputOf(snapshot: PaydaySnapshot): PlanInput {
  return {
    period: snapshot.period,
    serviceFeeBps: snapshot.settings.serviceFeeBps,
    dustThreshold: BigInt(snapshot.settings.dustThreshold),
    platformFeeBefore: BigInt(snapshot.platformFeeBefore),
    feeAddress: snapshot.settings.feeAddress,
    donors: snapshot.donors.map((d) => ({ id: d.donor, monthlyBudget: BigInt(d.monthlyBudget), ...(d.fiatBudget ? { fiatBudget: d.fiatBudget } : {}), balance: BigInt(d.balanceBefore), clickCreators: d.clicks })),
    creators: snapshot.creators.map((c) => ({ id: c.id, payoutAddress: c.payoutAddress, owedBefore: BigInt(c.owedBefore) })),
    expiring: snapshot.expiring.map((e) => ({ fromPeriod: e.fromPeriod, donorId: e.donor, creatorId: e.creator, amount: BigInt(e.amount) })),
    ...(snapshot.rates ? { rates: snapshot.rates } : {}),
  };
}

function totalsItem(snapshot: PaydaySnapshot, plan: SettlementPlan): ReplayItem {
  const recomputed = Object.fromEntries(Object.keys(snapshot.published.totals).map((key) => [key, plan.totals[key as keyof SettlementPlan['totals']]]));
  return item('plan totals', 'charged, service fee, credited, refunded, paid, carried, clicks, donors charged, creators paid', fieldDifferences('', snapshot.published.totals, recomputed));
}

function paymentsItem(snapshot: PaydaySnapshot, plan: SettlementPlan): ReplayItem {
  const recomputed = [...plan.payments, ...(plan.feePayment === null ? [] : [plan.feePayment])].map((p) => ({ id: p.id, address: p.address, amount: p.amount.toString() }));
  const published = [...snapshot.published.payments, ...(snapshot.published.feePayment === null ? [] : [snapshot.published.feePayment])];
  const differences = keyedDifferences('payment', published, recomputed, (p) => p.id, (p) => ({ address: p.address, amount: p.amount }));
  return item('payments', `${recomputed.length} payment(s): each creator paid and the platform fee, address and amount`, differences);
}

/** The allocations recomputed from the clicks, each with the snapshot's donor commitment, and their tree's root. */
function allocationRootItem(snapshot: PaydaySnapshot, input: PlanInput): { item: ReplayItem; root: Uint8Array | null } {
  const name = 'allocation root';
  const allocations = monthAllocations(input);
  const commitments = new Map<string, string>(snapshot.donors.flatMap((d) => d.commitments.map((c) => [`${d.donor} -> ${c.creator}`, c.commitment] as const)));
  const differences: string[] = [];
  const leaves = allocations.flatMap((a) => {
    const key = `${a.donorId} -> ${a.creatorId}`;
    const commitment = commitments.get(key);
    commitments.delete(key);
    if (commitment === undefined) {
      differences.push(`allocation ${key} (${a.amount}) has no donor commitment in the snapshot`);
      return [];
    }
    return [{ creator: a.creatorId, amount: a.amount, donor: { commitment: fromHex('donor commitment', commitment, 32) } }];
  });
  for (const key of commitments.keys()) differences.push(`donor commitment ${key}: no such allocation in the replay`);
  const published = snapshot.published.allocationRoot;
  if (differences.length > 0) return { item: item(name, 'the recomputed allocations and the snapshot\'s donor commitments', differences), root: null };
  let root: Uint8Array | null;
  try {
    root = leaves.length === 0 ? null : buildAllocationTree(snapshot.period, leaves).root;
  } catch (error) {
    return { item: item(name, 'the tree of the recomputed allocations', [messageOf(error)]), root: null };
  }
  const recomputed = root === null ? null : toHex(root);
  const summary = `${leaves.length} allocation leaves, root ${recomputed ?? 'none (no allocations)'}`;
  return { item: item(name, summary, recomputed === published ? [] : [`root: published ${published ?? 'none'}, recomputed ${recomputed ?? 'none'}`]), root };
}

function transactionsItem(snapshot: PaydaySnapshot, chain: ChainProfile, plan: SettlementPlan, root: Uint8Array | null): { item: ReplayItem; build: BuildResult | undefined } {
  const name = 'unsigned transactions';
  const slots = snapshot.builder.changeSlots;
  let build: BuildResult;
  try {
    build = buildSettlementTransactions({
      chain,
      payments: plan.payments,
      ...(plan.feePayment === null ? {} : { feePayingPayment: plan.feePayment }),
      utxos: snapshot.builder.utxos.map((u) => ({ ...u, amount: BigInt(u.amount) })),
      changeSlot: (txIndex) => {
        const slot = slots[txIndex];
        if (slot === undefined) throw new KibbleError('validation-failed', `the replay needs a change slot for transaction ${txIndex}; the snapshot lists ${slots.length}`);
        return slot;
      },
      ...(root === null ? {} : { dataOutput: { script: toHex(commitmentScript(snapshot.period, root)) } }),
    });
  } catch (error) {
    return { item: item(name, 'the builder on the snapshot\'s outputs and change slots', [`the builder refuses: ${messageOf(error)}`]), build: undefined };
  }
  const published = snapshot.published;
  const differences = [
    ...fieldDifferences('', { transactions: published.transactions.length, networkFee: published.networkFee, feePaymentPaid: published.feePaymentPaid }, { transactions: build.transactions.length, networkFee: build.networkFee, feePaymentPaid: build.feePaymentPaid }),
    ...published.transactions.flatMap((tx, index) => {
      const mine = build.transactions[index];
      if (mine === undefined) return [];
      return [
        ...sequenceDifferences(`transaction ${index} inputs`, tx.inputs, mine.inputs.map((i) => `${i.txid}:${i.vout}`)),
        ...sequenceDifferences(`transaction ${index} outputs`, tx.outputs.map(outputText), mine.outputs.map((o) => outputText(snapshotOutput(chain, o)))),
        ...fieldDifferences(`transaction ${index} `, { fee: tx.fee }, { fee: mine.fee }),
      ];
    }),
  ];
  return { item: item(name, `${build.transactions.length} transaction(s): inputs, outputs (script, amount, change), fees`, differences), build };
}

/** Each signed transaction: its bytes hash to its txid, and spend and pay exactly what the replay built. */
function signedItem(snapshot: PaydaySnapshot, chain: ChainProfile, build: BuildResult | undefined): ReplayItem {
  const name = 'signed transactions';
  const signed = snapshot.published.transactions.flatMap((tx, index) => (tx.signed === null ? [] : [{ index, signed: tx.signed }]));
  if (signed.length === 0) return skipped(name, 'the month is not signed yet');
  if (build === undefined) return skipped(name, 'no transactions were rebuilt to compare them with');
  const differences = signed.flatMap(({ index, signed: { txid, raw } }) => {
    let tx;
    try {
      tx = parseRawTransaction(raw);
    } catch (error) {
      return [`transaction ${index}: ${messageOf(error)}`];
    }
    if (tx.getId() !== txid) return [`transaction ${index}: its bytes hash to ${tx.getId()}, not ${txid}`];
    const mine = build.transactions[index];
    if (mine === undefined) return [`transaction ${index} (${txid}): the replay built no such transaction`];
    const outpoints = tx.ins.map((input) => `${toHex(Uint8Array.from(input.hash).reverse())}:${input.index}`);
    const outputs = tx.outs.map((out) => `${toHex(out.script)} ${out.value}`);
    return [
      ...sequenceDifferences(`transaction ${index} (${txid}) inputs`, outpoints, mine.inputs.map((i) => `${i.txid}:${i.vout}`)),
      ...sequenceDifferences(`transaction ${index} (${txid}) outputs`, outputs, mine.outputs.map((o) => { const s = snapshotOutput(chain, o); return `${s.script} ${s.amount}`; })),
    ];
  });
  return item(name, `${signed.length} signed transaction(s): txid, outpoints, output scripts and amounts`, differences);
}

/** With --rpc: every signed transaction is known to the node, and the first one's OP_RETURN carries the recomputed root. */
function chainItems(snapshot: PaydaySnapshot, root: Uint8Array | null, sightings: ReadonlyMap<string, TransactionSighting> | undefined): ReplayItem[] {
  const signed = snapshot.published.transactions.flatMap((tx) => (tx.signed === null ? [] : [tx.signed]));
  if (sightings === undefined) return [skipped('on chain', 'not checked against a node (pass --rpc <node URL>)')];
  if (signed.length === 0) return [skipped('on chain', 'the month has no signed transactions')];
  const missing = signed.filter((tx) => (sightings.get(tx.txid)?.where ?? 'nowhere') === 'nowhere').map((tx) => `transaction ${tx.txid}: the node knows no such transaction`);
  const where = signed.map((tx) => {
    const seen = sightings.get(tx.txid);
    return seen?.where === 'block' ? `block ${seen.height}` : (seen?.where ?? 'nowhere');
  });
  const items = [item('on chain', `${signed.length} transaction(s) found: ${where.join(', ')}`, missing)];
  const first = signed[0] as NonNullable<(typeof signed)[number]>;
  if (root === null && snapshot.published.allocationRoot === null) {
    items.push(skipped('allocation root on chain', 'the month has no allocations, so no commitment'));
    return items;
  }
  let differences: string[];
  try {
    const commitment = findCommitment(parseRawTransaction(first.raw));
    differences = [
      ...(commitment.period === snapshot.period ? [] : [`the commitment names ${commitment.period}, not ${snapshot.period}`]),
      ...(root !== null && bytesEqual(commitment.root, root) ? [] : [`root: on chain ${toHex(commitment.root)}, recomputed ${root === null ? 'none' : toHex(root)}`]),
    ];
  } catch (error) {
    differences = [`transaction ${first.txid}: ${messageOf(error)}`];
  }
  items.push(item('allocation root on chain', `the OP_RETURN output of ${first.txid}`, differences));
  return items;
}

function outputText(output: SnapshotOutput): string {
  return `${output.address ?? output.script} ${output.amount}${output.change ? ' (change)' : ''}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

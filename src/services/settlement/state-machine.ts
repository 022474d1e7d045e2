import type { AddressDeriver } from '../../keys/hd';
import type { Signer } from '../../signer/hd-signer';
import type { ChainRpc } from '../../node/rpc-client';
import { buildSettlementTransactions, type BuildResult } from '../../chain/tx/tx-builder';
import type { ChainProfile } from '../../chain/profiles';
import { KibbleError, isKibbleError } from '../../errors';
import type { SlotLease } from '../../db/lease';
import type { Logger } from '../../log';
import { CUSTODY_ACCOUNT } from '../../money/ledger';
import { parsePeriod, periodBounds, periodOf } from '../../money/period';
import { payoutJournal } from '../../money/settlement-journal';
import { planSettlement, type PlanInput } from '../../money/settlement-plan';
import { readChainCursor } from '../wallet-watch/chain-cursor-store';
import { confirmationsAt } from '../wallet-watch/crediting';
import { registerWalletAddress } from '../wallet-watch/wallet-addresses';
import { repairMissedSpends } from '../wallet-watch/spend-repair';
import { inBestChainAmong, spendsOf } from '../wallet-watch/wallet-view';
import { accountBalance } from '../ledger/balances';
import { closeBook } from '../ledger/book-closing';
import { ledgerProblems } from '../ledger/ledger-checks';
import { recordJournal } from '../ledger/ledger-store';
import { findMinedBlock, sendStoredTransaction, sightTransaction, type TransactionSighting } from './chain-steps';
import { closePeriod } from './closing';
import { inProcessSigning, matchSignedToPlan, type ExportForSigning, type SignSettlement } from './signing';
import type { Transaction } from 'bitcoinjs-lib';
import { allocationTreeOf, commitmentScriptHex, committedMonth, planCommitment } from './commitment';
import { committingTransaction } from '../../proofs/commitment';
import { toHex } from '../../proofs/encoding';
import { settlementProblems } from './invariants';
import { loadPlanInput } from './plan-input';
import { withPlanRates, type RateSource } from './plan-rates';
import type { PriceQuote } from '../../money/fiat';
import { deleteOtherPlanAttempts, readPlanChunks, storedPlanInput, writePlanChunks, type BuilderInput, type StoredPlan } from './plan-store';
import { estimateCutoff, subscriptionClicksOf } from '../clicks/subscription-clicks';
import { changeSlots, nextChangeIndex, spendableOutputs, walletHoldings } from './wallet';
import { clickPeriodsBefore } from '../clicks/click-store';
import {
  broadcastSettlements,
  findSettlement,
  hasStoppedSettlement,
  hasUnconfirmedSettlement,
  markAllocationWritten,
  markBroadcast,
  markCommitmentChecked,
  markConfirmed,
  markExportedForSigning,
  markPlanned,
  markSigned,
  recordLastError,
  recordTransactions,
  requireSettlement,
  reservedOutpoints,
  settlementExists,
  settlementStates,
  type Settlement,
  type SettlementTransaction,
} from './settlement-store';
import type { SettlementTransition } from './transitions';
import { writeUnclaimedAllocations } from './unclaimed-store';
import { payoutsIn, recordPayoutEvents, rememberFrozenParticipants } from './settlement-events';

/** Where the crash tests stop the process (after the named step is stored, before the next). */
export type SettlementCheckpoint = 'closed' | 'planned' | 'ledger-closed' | 'signed' | 'sent' | 'recorded-broadcast' | 'payout-journal';

export interface SettlementSettings {
  serviceFeeBps: number;
  minConfirmations: number;
  unclaimedMonths: number;
  feeAddress: string | null;
}

export interface SettlementDeps {
  rpc: ChainRpc;
  chain: ChainProfile;
  settings: SettlementSettings;
  /** Derives change addresses from the xpub. */
  deriver: AddressDeriver;
  /** Called by the signing step only: the one place the service reads a private key. */
  signer: () => Signer;
  /** Where signatures come from instead (SIGNER_URL: `kibble signer`, see signing.ts); default: `signer`. */
  sign?: SignSettlement;
  /** One runner across all instances; every operation holds it. */
  lease: SlotLease;
  clock: () => Date;
  log: Logger;
  sleep?: (ms: number) => Promise<void>;
  checkpoint?: (name: SettlementCheckpoint) => void | Promise<void>;
  /** Told of each transaction whose missed spend records the follower wrote (the metrics' counter). */
  onSpendRepair?: (repair: SpendRepair) => void;
  /** Coin prices for fiat budgets (PRICE_SOURCE_URL); absent: only `settle --rate` gives them. */
  prices?: RateSource;
}

/** Rates the operator gave (`settle --rate EUR=0.12`): they win over the price source's. */
export interface RateOptions {
  rates?: readonly PriceQuote[];
}

export interface SpendRepair {
  period: string;
  txid: string;
  height: number;
  /** Spend records written. */
  spends: number;
}

/** A plan as the operator sees it: stored (the one that runs) or computed for a dry run. */
export interface PlanView {
  period: string;
  state: Settlement['state'];
  stored: boolean;
  plan: StoredPlan['plan'];
  build: BuildResult | null;
  /** Why no transactions could be built (dry run only), e.g. not enough confirmed coins yet. */
  buildError: string | null;
  /**
   * The month's allocation root (hex) the first transaction's data output carries; null without
   * allocations (or for a plan stored before commitments). A dry run's uses a throwaway salt secret.
   */
  commitmentRoot: string | null;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The monthly settlement's state machine (DESIGN.md section 5): open -> closed -> planned ->
 * signed -> broadcast -> confirmed. Each step reads the stored state, does its work idempotently
 * and moves the state forward, so running it again after a crash resumes where it stopped.
 */
export class SettlementService {
  /** Settles when the operation queued last in this process is over (see #withLease). */
  #queue: Promise<void> = Promise.resolve();

  /** Every wait of a run (closing early, looking for a sent transaction) goes through it. */
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: SettlementDeps) {
    this.#sleep = deps.sleep ?? sleepFor;
  }

  /** Dry run: the stored plan once there is one, else what settling now would do (nothing stored). */
  async plan(periodText: string, options: RateOptions = {}): Promise<PlanView> {
    const period = parsePeriod(periodText);
    const settlement = await findSettlement(period);
    if (settlement?.planAttempt && settlement.planChunks) {
      const stored = await readPlanChunks(period, settlement.planAttempt, settlement.planChunks);
      return { period, state: settlement.state, stored: true, plan: stored.plan, build: stored.build, buildError: null, commitmentRoot: stored.commitment?.root ?? null };
    }
    const now = this.deps.clock();
    const implied = settlement?.subscriptionClicksAdded ? [] : await subscriptionClicksOf(period, estimateCutoff(period, now));
    const input = await this.#withRates(await loadPlanInput(period, this.#planSettings(), implied.map(({ click }) => click)), options);
    const plan = planSettlement(input);
    const commitmentRoot = planCommitment(input, plan).root;
    try {
      const { build } = await this.#buildTransactions(plan, commitmentRoot);
      return { period, state: settlement?.state ?? 'open', stored: false, plan, build, buildError: null, commitmentRoot };
    } catch (error) {
      if (!isKibbleError(error, 'insufficient-funds')) throw error;
      return { period, state: settlement?.state ?? 'open', stored: false, plan, build: null, buildError: error.message, commitmentRoot };
    }
  }

  /** Runs the period's settlement as far as it can go now: up to broadcast, and confirmed if it is. */
  async execute(periodText: string, options: { closeNow?: boolean; exportForSigning?: ExportForSigning } & RateOptions = {}): Promise<Settlement> {
    const period = parsePeriod(periodText);
    return this.#withLease(async () => {
      const now = this.deps.clock();
      if (options.closeNow && period !== periodOf(now)) {
        throw new KibbleError('validation-failed', `--close-now closes the current month (${periodOf(now)}) only, not ${period}`);
      }
      if (!options.closeNow && now < periodBounds(period).end && !(await settlementExists(period))) {
        throw new KibbleError('settlement-refused', `${period} has not ended yet; to settle it now, close it early with --close-now (later clicks then go to the next month)`);
      }
      await this.#requireEarlierPeriodsSettled(period);
      let settlement = await this.#recordingErrors(period, () =>
        closePeriod(period, { now, clock: this.deps.clock, early: options.closeNow === true, sleep: this.#sleep }),
      );
      await this.#checkpoint('closed');
      if (settlement.state === 'closed') settlement = await this.#recordingErrors(period, () => this.#planStep(period, options));
      const exportForSigning = options.exportForSigning;
      if (settlement.state === 'planned' && exportForSigning !== undefined) {
        return this.#recordingErrors(period, () => this.#exportStep(settlement, exportForSigning));
      }
      if (settlement.state === 'planned') settlement = await this.#recordingErrors(period, () => this.#signStep(settlement));
      if (settlement.state === 'signed') settlement = await this.#recordingErrors(period, () => this.#broadcastStep(settlement, false));
      if (settlement.state === 'broadcast') settlement = await this.#recordingErrors(period, () => this.#confirmStep(settlement));
      return settlement;
    });
  }

  /** Sends the stored signed transactions again (never new ones); for a stuck broadcast. */
  async rebroadcast(periodText: string): Promise<Settlement> {
    const period = parsePeriod(periodText);
    return this.#withLease(async () => {
      const settlement = await findSettlement(period);
      if (settlement === null || !['signed', 'broadcast'].includes(settlement.state)) {
        throw new KibbleError('settlement-refused', `${period} has no signed transactions waiting to confirm (state: ${settlement?.state ?? 'open'})`);
      }
      return this.#recordingErrors(period, () => this.#broadcastStep(settlement, true));
    });
  }

  /**
   * Stores transactions signed offline (`settle --import-signed`) once each is exactly one of the
   * planned transactions with every input validly signed, then broadcasts them like execute.
   */
  async importSigned(periodText: string, signed: ReadonlyArray<{ label: string; tx: Transaction }>): Promise<Settlement> {
    const period = parsePeriod(periodText);
    return this.#withLease(async () => {
      let settlement = await requireSettlement(period);
      if (settlement.state === 'planned') {
        const planned = settlement;
        const sign: SignSettlement = (_period, stored) => Promise.resolve(matchSignedToPlan(this.deps.chain, stored, signed));
        settlement = await this.#recordingErrors(period, () => this.#signStep(planned, sign));
      } else if (settlement.state !== 'signed') {
        throw new KibbleError('settlement-refused', `${period} is ${settlement.state}: only a planned month takes signed transactions`);
      }
      if (settlement.state === 'signed') {
        const signedMonth = settlement;
        settlement = await this.#recordingErrors(period, () => this.#broadcastStep(signedMonth, false));
      }
      return settlement;
    });
  }

  /** Moves every broadcast period towards confirmed; the service calls it after scanner passes. */
  async followConfirmations(): Promise<Settlement[]> {
    return this.#withLease(async () => {
      const waiting = await broadcastSettlements();
      const results: Settlement[] = [];
      for (const settlement of waiting) results.push(await this.#recordingErrors(settlement._id, () => this.#confirmStep(settlement)));
      return results;
    });
  }

  /**
   * Settles, oldest first, every past period that needs it (one with clicks or subscriptions, or a
   * settlement not confirmed yet). Stops at the first period still waiting for confirmations.
   */
  async settleDuePeriods(): Promise<Settlement[]> {
    const current = periodOf(this.deps.clock());
    const due = await duePeriods(current);
    // A month closed early is the current one, never "past": finish it too once it was started.
    if (await hasUnconfirmedSettlement(current)) due.push(current);
    const done: Settlement[] = [];
    for (const period of due) {
      const settlement = await this.execute(period);
      done.push(settlement);
      if (settlement.state !== 'confirmed') break;
    }
    return done;
  }

  /**
   * True when a run stopped half-way (closed, planned or signed, not sent): its instance died or
   * the step failed. Broadcast ones are the follower's; this tells the jobs to resume the rest.
   */
  async hasStoppedRun(): Promise<boolean> {
    return hasStoppedSettlement();
  }

  async #planStep(period: string, options: RateOptions): Promise<Settlement> {
    await deleteOtherPlanAttempts(period, undefined);
    const input = await this.#withRates(await loadPlanInput(period, this.#planSettings()), options);
    // The closed month's clicks, just read: whom its events from here on concern.
    rememberFrozenParticipants(period, { donors: input.donors.map((donor) => donor.id), creators: [...new Set(input.donors.flatMap((donor) => donor.clickCreators))] });
    const plan = planSettlement(input);
    // Fixed with this plan attempt (a new salt secret each attempt): what the month commits to.
    const commitment = planCommitment(input, plan);
    const { build, tip, builder } = await this.#buildTransactions(plan, commitment.root);
    const now = this.deps.clock();
    // Registered before anything is sent, so the scanner records the change coming back.
    for (const tx of build.transactions) {
      for (const output of tx.outputs) {
        if (output.change) await registerWalletAddress({ address: output.address, kind: 'change', index: output.change.keyPath.index }, now);
      }
    }
    const { attempt, chunks } = await writePlanChunks(period, { plan, build, tip, commitment, input: storedPlanInput(input), builder }, now);
    const root = commitment.root === null ? null : { root: commitment.root };
    this.#moved(period, 'planned', await markPlanned(period, { planAttempt: attempt, planChunks: chunks, summary: summaryOf(plan, build), commitment: root }, now));
    this.deps.log.info({ period, transactions: build.transactions.length, charged: String(plan.totals.charged) }, 'settlement planned');
    await this.#checkpoint('planned');
    return this.#reload(period);
  }

  /** Everything the signing step does before it signs, then the PSBTs out to files instead. */
  async #exportStep(settlement: Settlement, exportForSigning: ExportForSigning): Promise<Settlement> {
    const period = settlement._id;
    const { stored, dataScript } = await this.#prepareSigning(settlement);
    await exportForSigning(period, stored, dataScript);
    this.#moved(period, 'exportedForSigning', await markExportedForSigning(period, this.deps.clock()));
    this.deps.log.info({ period, transactions: stored.build.transactions.length }, 'settlement exported for offline signing');
    return this.#reload(period);
  }

  async #signStep(settlement: Settlement, signWith?: SignSettlement): Promise<Settlement> {
    const period = settlement._id;
    const { stored, dataScript } = await this.#prepareSigning(settlement);
    const now = this.deps.clock();
    const sign = signWith ?? this.deps.sign ?? inProcessSigning(this.deps.chain, this.deps.signer);
    const signedTransactions = await sign(period, stored, dataScript);
    const transactions = stored.build.transactions.map((tx, index) => {
      const signed = signedTransactions[index];
      if (signed === undefined) throw new KibbleError('internal', `no signature for transaction ${index} of ${period}`);
      return { txid: signed.txid, raw: signed.raw, bytes: signed.bytes, worstCaseBytes: signed.worstCaseBytes, fee: signed.fee, inputs: tx.inputs.map((input) => `${input.txid}:${input.vout}`), state: 'signed' as const };
    });
    const carrier = dataScript === undefined || transactions[0] === undefined ? undefined : commitmentCarrier(period, transactions[0].raw, settlement.commitment?.root);
    // Stored before anything is sent: a resume re-sends exactly these bytes.
    this.#moved(period, 'signed', await markSigned(period, transactions, now, carrier));
    this.deps.log.info({ period, txids: transactions.map((tx) => tx.txid) }, 'settlement signed');
    await this.#checkpoint('signed');
    return this.#reload(period);
  }

  /** The allocation written, the month's book closed, the invariants checked: the plan may be signed. */
  async #prepareSigning(settlement: Settlement): Promise<{ stored: StoredPlan; dataScript: string | undefined }> {
    const period = settlement._id;
    const stored = await this.#storedPlan(settlement);
    const now = this.deps.clock();
    if (!settlement.allocationWritten) {
      // Into its own month's book, which closes right below and never before (see BookingOptions).
      if (stored.plan.journal !== null) await recordJournal(stored.plan.journal, now, { book: period });
      await writeUnclaimedAllocations(stored.plan.unclaimedAllocations.map((row) => ({ period, donorId: row.donorId, creatorId: row.creatorId, amount: row.amount })));
      this.#moved(period, 'allocationWritten', await markAllocationWritten(period, now));
    }
    // Issue 13: the month's ledger book closes once its allocation is written (idempotent).
    await closeBook(period, now);
    await this.#checkpoint('ledger-closed');
    const problems = await this.#problemsBeforeSigning(stored);
    if (problems.length > 0) {
      throw new KibbleError('settlement-refused', `${period} is not signed: ${problems.join('; ')}`, { problems });
    }
    return { stored, dataScript: await this.#plannedDataScript(settlement, stored) };
  }

  async #broadcastStep(settlement: Settlement, again: boolean): Promise<Settlement> {
    const period = settlement._id;
    const transactions = [...settlement.transactions];
    let stored: StoredPlan | undefined;
    for (const [index, tx] of transactions.entries()) {
      if (tx.state === 'confirmed' || (tx.state === 'broadcast' && !again)) continue;
      await this.#lease();
      const sighting = await sendStoredTransaction(this.deps.rpc, tx, this.#sleep);
      stored ??= await this.#storedPlan(settlement);
      // Before the transaction's state is stored: a crash in between sends and records again.
      await recordPayoutEvents('payout.sent', period, tx, payoutsIn(stored, index), this.deps.clock());
      await this.#checkpoint('sent');
      transactions[index] = { ...tx, state: tx.state === 'signed' ? 'broadcast' : tx.state, broadcastAt: tx.broadcastAt ?? this.deps.clock() };
      this.#moved(period, 'transactionsUpdated', await recordTransactions(period, transactions, this.deps.clock()));
      this.deps.log.info({ period, txid: tx.txid, seen: sighting.where }, again ? 'settlement transaction re-sent' : 'settlement transaction broadcast');
      await this.#checkpoint('recorded-broadcast');
    }
    // A re-broadcast of a month already out sends again and stays 'broadcast'.
    if (settlement.state === 'signed') this.#moved(period, 'broadcast', await markBroadcast(period, this.deps.clock()));
    return this.#reload(period);
  }

  /**
   * A transaction is confirmed once the scanner saw it spend the wallet's outputs in a block buried
   * under MIN_CONFIRMATIONS; its payout journal is written then. One that vanished (dropped from
   * the mempool, or its block orphaned) is sent again, the same bytes.
   */
  async #confirmStep(settlement: Settlement): Promise<Settlement> {
    const period = settlement._id;
    if (settlement.transactions.every((tx) => tx.state === 'confirmed')) return this.#markConfirmed(period);
    const tip = await this.deps.rpc.getBlockCount();
    // Read only once a payout journal is due: the follower runs every scanner interval.
    let stored: StoredPlan | undefined;
    const transactions = [...settlement.transactions];
    /** Block heights seen since the last write. */
    let unsaved = false;
    const save = async (): Promise<void> => {
      this.#moved(period, 'transactionsUpdated', await recordTransactions(period, transactions, this.deps.clock()));
      unsaved = false;
    };
    for (const [index, tx] of transactions.entries()) {
      if (tx.state === 'confirmed') continue;
      const sighting = await this.#sightOrRepair(period, tx, tip);
      if (sighting.where === 'conflict') {
        throw new KibbleError('settlement-refused', `transaction ${tx.txid} can never confirm: ${sighting.outpoint} was spent by ${sighting.spentBy}`);
      }
      if (tx.blockHeight !== undefined && tx.blockHeight !== null && (sighting.where !== 'block' || sighting.height !== tx.blockHeight) && sighting.where !== 'chain') {
        // The block it was seen in left the best chain: tell the creators, and forget the height.
        stored ??= await this.#storedPlan(settlement);
        await recordPayoutEvents('payout.reorged', period, tx, payoutsIn(stored, index), this.deps.clock());
        transactions[index] = { ...tx, blockHeight: sighting.where === 'block' ? sighting.height : undefined };
        unsaved = true;
      }
      if (sighting.where === 'nowhere') {
        await sendStoredTransaction(this.deps.rpc, tx, this.#sleep);
        continue;
      }
      if (sighting.where !== 'block') continue;
      if (confirmationsAt(sighting.height, tip) < this.deps.settings.minConfirmations) {
        if (tx.blockHeight !== sighting.height) {
          transactions[index] = { ...tx, blockHeight: sighting.height };
          unsaved = true;
        }
        continue;
      }
      stored ??= await this.#storedPlan(settlement);
      if (index === 0) await this.#checkCommitmentMined(settlement, tx);
      await recordJournal(payoutJournal(payoutsOf(period, stored, index, tx)), this.deps.clock());
      await recordPayoutEvents('payout.confirmed', period, { txid: tx.txid, blockHeight: sighting.height }, payoutsIn(stored, index), this.deps.clock());
      await this.#checkpoint('payout-journal');
      transactions[index] = { ...tx, state: 'confirmed', blockHeight: sighting.height, confirmedAt: this.deps.clock() };
      await save();
    }
    if (unsaved) await save();
    return transactions.every((tx) => tx.state === 'confirmed') ? this.#markConfirmed(period) : this.#reload(period);
  }

  /**
   * Where the transaction is, from the scanner's records; when they know nothing of it, the node
   * is asked whether it was mined. Buried MIN_CONFIRMATIONS deep in a block the scanner stored,
   * with its spends missing (the scanner read the block with a stale view), the spend records are
   * written (the scanner's own keyed inserts), logged and counted, and it counts as seen in that
   * block. Mined but not that deep, or in a block the scanner has not stored yet: it waits for the
   * scanner (`chain`), and is never sent again.
   */
  async #sightOrRepair(period: string, tx: SettlementTransaction, tip: number): Promise<TransactionSighting> {
    const { rpc, chain, settings, log } = this.deps;
    const sighting = await sightTransaction(rpc, tx);
    if (sighting.where !== 'nowhere') return sighting;
    const mined = await findMinedBlock(rpc, chain, tx, tip);
    if (mined === undefined) return sighting;
    if (confirmationsAt(mined.height, tip) < settings.minConfirmations) return { where: 'chain' };
    const written = await repairMissedSpends(mined, tx.txid, tx.inputs);
    if (written === undefined) return { where: 'chain' };
    if (written > 0) {
      log.warn({ period, txid: tx.txid, height: mined.height, spends: written }, 'settlement transaction is buried but the scanner recorded none of its spends: recorded them now');
      this.deps.onSpendRepair?.({ period, txid: tx.txid, height: mined.height, spends: written });
    }
    return { where: 'block', height: mined.height };
  }

  async #markConfirmed(period: string): Promise<Settlement> {
    if (this.#moved(period, 'confirmed', await markConfirmed(period, this.deps.clock()))) this.deps.log.info({ period }, 'settlement confirmed');
    return this.#reload(period);
  }

  async #problemsBeforeSigning(stored: StoredPlan): Promise<string[]> {
    const [holdings, custody, ledger, cursor] = await Promise.all([walletHoldings(), accountBalance(CUSTODY_ACCOUNT), ledgerProblems(), readChainCursor(this.deps.chain.name)]);
    const problems = settlementProblems(stored.plan, stored.build, this.deps.chain, { custodyHeld: -custody, walletUnspent: holdings.unspent, uncreditedDeposits: holdings.uncreditedDeposits });
    problems.push(...ledger);
    // A scanner that stopped in the middle of a reorg's rollback left the wallet's records half
    // rolled back (spends forgotten whose outputs still count, say) until its next pass finishes it.
    if (cursor?.rollingBackAbove !== undefined) {
      problems.push(`the deposit scanner's rollback of a reorg above height ${cursor.rollingBackAbove} stopped part-way; its next pass finishes it`);
    }
    const inputs = stored.build.transactions.flatMap((tx) => tx.inputs.map((input) => `${input.txid}:${input.vout}`));
    if (inputs.length > 0) {
      const [inChain, spends] = await Promise.all([inBestChainAmong(inputs), spendsOf(inputs)]);
      const unspent = new Set([...inChain].filter((key) => !spends.has(key)));
      const gone = inputs.filter((key) => !unspent.has(key));
      if (gone.length > 0) problems.push(`${gone.length} of the planned inputs are no longer unspent (first: ${gone[0]}); a reorg or another spend changed the wallet`);
    }
    return problems;
  }

  /**
   * The data output the first transaction may carry: the commitment of the stored root, once the
   * root is rebuilt from the stored plan and clicks (commitment.ts) and found the same, so every
   * proof of the month can be issued later. Undefined when the month commits to nothing.
   */
  async #plannedDataScript(settlement: Settlement, stored: StoredPlan): Promise<string | undefined> {
    const period = settlement._id;
    // A plan stored before months were committed was built without a data output.
    if (stored.commitment === undefined) return undefined;
    const root = settlement.commitment?.root ?? null;
    if (stored.commitment.root !== root) throw new KibbleError('settlement-refused', `${period} is not signed: the settlement's allocation root and its stored plan's differ`);
    if (root === null) return undefined;
    const month = await committedMonth(period, { settlement, stored });
    const rebuilt = toHex(allocationTreeOf({ period, ...month }).root);
    if (rebuilt !== root) throw new KibbleError('settlement-refused', `${period} is not signed: its allocations rebuild to the root ${rebuilt}, not the planned ${root}`);
    return commitmentScriptHex(period, root);
  }

  /** Once the first transaction is confirmed: its stored bytes (the mined ones: same txid) carry the month's root. */
  async #checkCommitmentMined(settlement: Settlement, tx: SettlementTransaction): Promise<void> {
    const commitment = settlement.commitment;
    if (commitment?.txid === undefined || commitment.checkedAt !== undefined) return;
    const period = settlement._id;
    const found = committingTransaction(tx.raw);
    if (found.txid !== commitment.txid || found.commitment.vout !== commitment.vout || found.commitment.period !== period || toHex(found.commitment.root) !== commitment.root) {
      throw new KibbleError('settlement-refused', `${period}: the confirmed transaction ${tx.txid} does not carry the month's allocation root ${commitment.root} at output ${commitment.vout}`);
    }
    this.#moved(period, 'commitmentChecked', await markCommitmentChecked(period, this.deps.clock()));
  }

  async #buildTransactions(plan: StoredPlan['plan'], commitmentRoot: string | null): Promise<{ build: BuildResult; tip: number; builder: BuilderInput }> {
    const { rpc, chain, deriver, settings } = this.deps;
    const tip = await rpc.getBlockCount();
    const utxos = await spendableOutputs(tip, settings.minConfirmations, chain, await reservedOutpoints());
    const changeSlot = changeSlots(deriver, await nextChangeIndex());
    const build = buildSettlementTransactions({
      chain,
      payments: plan.payments,
      ...(plan.feePayment === null ? {} : { feePayingPayment: plan.feePayment }),
      utxos,
      changeSlot,
      ...(commitmentRoot === null ? {} : { dataOutput: { script: commitmentScriptHex(plan.period, commitmentRoot) } }),
    });
    // Every slot the builder could have asked for this many transactions: a replay hands out the same.
    const slots = build.transactions.map((_, txIndex) => changeSlot(txIndex));
    return { build, tip, builder: { chain: chain.name, feePerByte: chain.fee.perByte, utxos, changeSlots: slots } };
  }

  /** The prices of the month's fiat budgets, taken now: the plan stores them with its input. */
  #withRates(input: PlanInput, options: RateOptions): Promise<PlanInput> {
    return withPlanRates(input, options.rates ?? [], this.deps.prices, this.deps.chain.ticker);
  }

  #planSettings() {
    const { settings, chain } = this.deps;
    return { serviceFeeBps: settings.serviceFeeBps, dustThreshold: chain.dustThreshold, unclaimedMonths: settings.unclaimedMonths, feeAddress: settings.feeAddress };
  }

  async #storedPlan(settlement: Settlement): Promise<StoredPlan> {
    if (!settlement.planAttempt || !settlement.planChunks) throw new KibbleError('internal', `${settlement._id} is ${settlement.state} but names no stored plan`);
    return readPlanChunks(settlement._id, settlement.planAttempt, settlement.planChunks);
  }

  async #requireEarlierPeriodsSettled(period: string): Promise<void> {
    const unsettled = (await duePeriods(period)).filter((earlier) => earlier < period);
    if (unsettled.length > 0) {
      throw new KibbleError('settlement-refused', `settle ${unsettled[0]} first: periods are settled in order (${unsettled.join(', ')} not confirmed yet)`, { unsettled });
    }
  }

  /** Runs `step`; its failure is stored on the settlement for operators, then thrown. */
  async #recordingErrors<T>(period: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await recordLastError(period, message, this.deps.clock()).catch(() => undefined);
      throw error;
    }
  }

  /**
   * One operation at a time in this process, each under the lease. They share the lease's holder
   * name, so without the queue the follower's release at the end of its pass would end the hold of
   * an execute still running here (an operator's, through the admin API), and another instance
   * would start the same steps alongside it.
   */
  async #withLease<T>(run: () => Promise<T>): Promise<T> {
    const before = this.#queue;
    let done = (): void => undefined;
    this.#queue = new Promise<void>((resolve) => (done = resolve));
    try {
      await before;
      await this.#lease();
      try {
        return await run();
      } finally {
        await this.deps.lease.release().catch(() => undefined);
      }
    } finally {
      done();
    }
  }

  async #lease(): Promise<void> {
    if (!(await this.deps.lease.holds())) {
      throw new KibbleError('lease-held', 'another kibble instance is running the settlement right now; try again in a minute');
    }
  }

  async #checkpoint(name: SettlementCheckpoint): Promise<void> {
    await this.deps.checkpoint?.(name);
  }

  async #reload(period: string): Promise<Settlement> {
    return requireSettlement(period);
  }

  /**
   * A move that found the settlement in another state than it starts from wrote nothing; the step
   * goes on from what is stored (reloaded by the caller). Under the lease this should not happen,
   * so it is worth a line in the log.
   */
  #moved(period: string, transition: SettlementTransition, moved: boolean): boolean {
    if (!moved) this.deps.log.warn({ period, transition }, 'settlement was not in a state this step moves from: nothing written, continuing from what is stored');
    return moved;
  }
}

/**
 * Past periods, oldest first, that have clicks or subscriptions or a settlement not confirmed.
 * Only the clicks after the latest confirmed month are read: months settle in order (each execute
 * first requires every earlier month with clicks confirmed) and a click only ever joins the month
 * it is made in, so before that month every month with clicks is confirmed. Reading the periods of
 * every click ever made cost a pass over kibble's whole click history on each run.
 */
export async function duePeriods(before: string): Promise<string[]> {
  const settlements = await settlementStates();
  const confirmed = new Set(settlements.filter((s) => s.state === 'confirmed').map((s) => s.period));
  const settledUpTo = [...confirmed].filter((period) => period < before).sort().pop();
  const clickPeriods = await clickPeriodsBefore(before, settledUpTo);
  const open = settlements.filter((s) => s.state !== 'confirmed' && s.period < before).map((s) => s.period);
  return [...new Set([...clickPeriods, ...open])].filter((period) => !confirmed.has(period)).sort();
}

/** Where the signed first transaction carries the month's root: read back from its bytes. */
function commitmentCarrier(period: string, raw: string, root: string | undefined): { txid: string; vout: number } {
  const { txid, commitment } = committingTransaction(raw);
  if (commitment.period !== period || toHex(commitment.root) !== root) {
    throw new KibbleError('settlement-refused', `${period} is not signed: the signed first transaction does not carry the planned root`);
  }
  return { txid, vout: commitment.vout };
}

function payoutsOf(period: string, stored: StoredPlan, index: number, tx: SettlementTransaction) {
  const built = stored.build.transactions[index];
  if (built === undefined) throw new KibbleError('internal', `stored plan of ${period} has no transaction ${index}`);
  const amounts = new Map(stored.plan.payments.map((payment) => [payment.id, payment.amount]));
  const feeId = stored.plan.feePayment?.id;
  const ids = built.outputs.flatMap((output) => output.paymentIds);
  // This transaction's own fee output: the fee payment may be spread over several transactions.
  const feeOutputs = built.outputs.filter((output) => feeId !== undefined && output.paymentIds.includes(feeId));
  return {
    period,
    txid: tx.txid,
    creatorPayments: ids.filter((id) => id !== feeId).map((id) => ({ account: id, amount: amounts.get(id) ?? 0n })),
    feePaymentPaid: feeOutputs.reduce((sum, output) => sum + output.amount, 0n),
    networkFee: built.fee,
  };
}

function summaryOf(plan: StoredPlan['plan'], build: BuildResult) {
  return {
    donorsCharged: plan.totals.donorsCharged,
    clicks: plan.totals.clicks,
    creatorsPaid: plan.totals.creatorsPaid,
    charged: plan.totals.charged,
    serviceFee: plan.totals.serviceFee,
    creditedToCreators: plan.totals.creditedToCreators,
    refunded: plan.totals.refunded,
    paidToCreators: plan.totals.paidToCreators,
    feePaymentPaid: build.feePaymentPaid,
    // What of the platform's balance waits for a later month (0n when the fee was paid in full).
    feePaymentCarried: build.feePayment?.carried ?? 0n,
    networkFee: build.networkFee,
    carried: plan.totals.carried,
    transactionCount: build.transactions.length,
    totalBytes: build.totalWorstCaseBytes,
  };
}


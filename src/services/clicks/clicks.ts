import { PERIOD_PATTERN } from '../../db/fields';
import { KibbleError } from '../../errors';
import { donorAccount } from '../../money/ledger';
import { parsePeriod } from '../../money/period';
import type { DonorFunds } from '../../money/flattr-worth';
import { splitDonorBudget } from '../../money/split';
import { monthlyBudgetOf } from '../accounts/account-store';
import { accountBalance } from '../ledger/balances';
import { clickKey, donorClickPeriods, donorClicksOf, hasClicked, insertClick, type Click } from './click-store';
import { estimateCutoff, subscriptionClicksOf } from './subscription-clicks';
import { clickPeriodAt } from '../period-closure';
import { findThingOwner, objectIdOf } from '../things/things';
import { settlementStateOf } from '../settlement/settlement-store';
import { recordEvent } from '../events/outbox';

export type ClickSource = 'button' | 'subscription';

export interface ClickView {
  id: string;
  period: string;
  donorId: string;
  thingId: string;
  creatorId: string;
  at: Date;
  source: ClickSource;
}

export interface ClickValue {
  /** The stored click's id; null for the click an active subscription will add at settlement. */
  id: string | null;
  thingId: string;
  creatorId: string;
  /** When the donor clicked; null for a click a subscription will add. */
  at: Date | null;
  source: ClickSource;
  /** Set on the clicks a subscription will add. */
  subscriptionId?: string;
  /** The click's share if the period ended now, in koinu. */
  value: bigint;
}

export interface DonorPeriodClicks {
  period: string;
  /** Real clicks in click order, then the clicks subscriptions will add. */
  clicks: ClickValue[];
  totals: { charge: bigint; fee: bigint; clickCount: number };
}

/** Settlement states in which a period's subscription clicks are still only implied (not stored). */
const OPEN_SETTLEMENT_STATES: ReadonlySet<string> = new Set(['open']);

/**
 * One counted click per donor, thing and period (Flattr's rule). The click's `_id`
 * (clickKey(period, donor, thing)) decides, not a prior read: FerretDB does not isolate
 * check-then-write, and 20 racing clicks must yield exactly one.
 */
export async function flattr(donorId: string, thingId: string, now: Date): Promise<ClickView> {
  const donor = objectIdOf(donorId, 'account');
  const thing = await findThingOwner(thingId);
  if (thing.ownerId.equals(donor)) {
    throw new KibbleError('own-thing', 'you cannot flattr your own thing');
  }
  const period = await clickPeriodAt(now);
  // Every field is built here, none comes from the request as is (the ids went through
  // objectIdOf/findThingOwner), so the insert skips Mongoose's document machinery (create()
  // measured at ~0.6 of a plain insert in the click bench): `lean` inserts the object as it is,
  // without casting or validation. The one schema rule the types do not already guarantee is the
  // period's pattern, checked here; the `_id` still decides duplicates.
  if (!PERIOD_PATTERN.test(period)) throw new Error(`clickPeriodAt gave a malformed period ${JSON.stringify(period)}`);
  const click: Click = {
    _id: clickKey(period, donor, thing.thingId),
    period,
    donorId: donor,
    thingId: thing.thingId,
    creatorId: thing.ownerId,
    at: now,
    source: 'button',
  };
  const inserted = (await insertClick(click)) === 'inserted';
  // Keyed by the click's natural key: a repeated click (409) records again as a no-op, which also
  // heals a crash between the insert and this line. A click this call inserted is a new fact: no
  // lookup of an earlier recording.
  await recordEvent(flattrCreatedEvent(click), now, { fresh: inserted });
  if (!inserted) {
    throw new KibbleError('already-flattred', `you already flattred this thing in ${period}`, { period, thingId: thing.thingId.toHexString() });
  }
  return clickView(click);
}

function flattrCreatedEvent(click: Click) {
  return {
    kind: 'flattr.created' as const,
    key: `${click.period}:${String(click.donorId)}:${String(click.thingId)}`,
    occurredAt: click.at,
    accounts: [click.donorId, click.creatorId],
    data: { period: click.period, donorId: String(click.donorId), thingId: String(click.thingId), creatorId: String(click.creatorId) },
  };
}

/**
 * The donor's clicks of a period with what each would be worth if the period ended now: the split
 * of min(budget, balance) over every counted click, including the one each active subscription
 * will add at settlement for a thing the donor has not clicked (listed last, oldest subscription
 * first, so the remainder koinu go to real clicks first, as they will at settlement).
 * `now` is the instant of the estimate: a subscription counts if it existed at `now` and before the
 * period ended (one made in April adds nothing to March).
 */
export async function clicksOf(donorId: string, period: string, serviceFeeBps: number, now: Date = new Date()): Promise<DonorPeriodClicks & { funds: DonorFunds }> {
  const donor = objectIdOf(donorId, 'account');
  const month = parsePeriod(period);
  const monthlyBudget = await monthlyBudgetOf(donor.toHexString());
  if (monthlyBudget === null) throw new KibbleError('not-found', 'no account with this id');

  const stored = orderForSettlement(await donorClicksOf(month, donor));
  const counted: Omit<ClickValue, 'value'>[] = stored.map((click) => {
    const { id, thingId, creatorId, at, source } = clickView(click);
    return { id, thingId, creatorId, at, source };
  });
  if (await subscriptionClicksPending(month)) {
    const implied = await subscriptionClicksOf(month, estimateCutoff(month, now), { donorId: donor, clickedThingIds: new Set(counted.map((c) => c.thingId)) });
    for (const { click, subscriptionId } of implied) {
      counted.push({ id: null, thingId: click.thingId.toHexString(), creatorId: click.creatorId.toHexString(), at: null, source: 'subscription', subscriptionId: subscriptionId.toHexString() });
    }
  }

  const balance = await accountBalance(donorAccount(donor.toHexString()));
  const split = splitDonorBudget({ monthlyBudget, balance, clickCount: counted.length, serviceFeeBps });
  return {
    period: month,
    funds: { monthlyBudget, balance },
    clicks: counted.map((click, index) => ({ ...click, value: split.shares[index] ?? 0n })),
    totals: { charge: split.charge, fee: split.fee, clickCount: counted.length },
  };
}

/**
 * Closing a period stores the subscription clicks as ordinary clicks (source 'subscription');
 * until then they are only implied. A period without a settlement document has not been closed.
 */
async function subscriptionClicksPending(period: string): Promise<boolean> {
  return OPEN_SETTLEMENT_STATES.has(await settlementStateOf(period));
}

/**
 * The order the split uses, remainder koinu going to the earliest: button clicks by time, then the
 * clicks subscriptions added, oldest subscription first (their `at` is the subscription's creation).
 * Expects clicks sorted by { at, _id }; the partition keeps that order within each kind.
 */
export function orderForSettlement<T extends Pick<Click, 'source'>>(clicks: readonly T[]): T[] {
  return [...clicks.filter((click) => click.source !== 'subscription'), ...clicks.filter((click) => click.source === 'subscription')];
}

export function clickView(click: Click): ClickView {
  return {
    // Clicks stored before clickKey became the `_id` still carry an ObjectId (its hex is their id).
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion
    id: String(click._id),
    period: click.period,
    donorId: click.donorId.toHexString(),
    thingId: click.thingId.toHexString(),
    creatorId: click.creatorId.toHexString(),
    at: click.at,
    source: click.source === 'subscription' ? 'subscription' : 'button',
  };
}

/** Every period in which the donor flattred something, oldest first. */
export async function flattredPeriodsOf(donorId: string): Promise<string[]> {
  return (await donorClickPeriods(objectIdOf(donorId, 'account'))).sort();
}

/** Whether the donor flattred the thing in the period. */
export async function hasFlattred(donorId: string, thingId: string, period: string): Promise<boolean> {
  return hasClicked(parsePeriod(period), objectIdOf(donorId, 'account'), objectIdOf(thingId, 'thing'));
}

// One month of kibble played through the HTTP API of a running service, as real users and an
// operator would: sign-ups, budgets, payout addresses, deposits paid on the regtest chain,
// clicks, subscriptions, then the settlement closed early and followed to confirmed.
import type { ChainProfile } from '../../src/chain/profiles';
import { parseCoins } from '../../src/money/amount';
import type { PlanReportView, SettlementStatusView } from '../../src/services/settlement/views';
import { randomP2pkhKey, type RegtestFaucet } from '../regtest/faucet';
import type { Progress } from './progress';

/** The cast. The amounts are chosen so that every outcome of the split shows up (DESIGN.md §2). */
const CREATORS = [
  { handle: 'ana-writes', title: "Ana's essays", payoutAddress: true },
  { handle: 'ben-codes', title: "Ben's parser library", payoutAddress: true },
  // No payout address: what Cleo earns stays owed to her ("unclaimed").
  { handle: 'cleo-draws', title: "Cleo's comic strip", payoutAddress: false },
  // Only Dora's tiny budget reaches Dev: 0.006 DOGE, below the 0.01 dust threshold, so it is carried.
  { handle: 'dev-sings', title: "Dev's first song", payoutAddress: true },
] as const;

type CreatorHandle = (typeof CREATORS)[number]['handle'];

const DONORS: ReadonlyArray<{ handle: string; budget: string; deposit: string; clicks: CreatorHandle[]; subscriptions: CreatorHandle[] }> = [
  { handle: 'bruno', budget: '10', deposit: '50', clicks: ['ana-writes', 'ben-codes'], subscriptions: ['cleo-draws'] },
  // Balance below the budget: charged the whole balance, not the budget.
  { handle: 'carla', budget: '6', deposit: '3.5', clicks: ['ana-writes'], subscriptions: ['ben-codes'] },
  { handle: 'dora', budget: '0.02', deposit: '1', clicks: ['ana-writes', 'ben-codes', 'dev-sings'], subscriptions: [] },
  { handle: 'emil', budget: '5', deposit: '20', clicks: ['ben-codes', 'cleo-draws'], subscriptions: [] },
  // Only a subscription: its click is added when the month closes.
  { handle: 'fay', budget: '4', deposit: '10', clicks: [], subscriptions: ['ana-writes'] },
];

const PASSWORD = 'demo password, regtest only';
const POLL_MS = 200;
const BALANCE_TIMEOUT_MS = 20_000;
const CONFIRMED_TIMEOUT_MS = 30_000;

export interface DemoCreator {
  handle: string;
  id: string;
  payoutAddress: string | null;
  thingId: string;
}

export interface DemoDonor {
  handle: string;
  id: string;
  token: string;
  depositAddress: string;
  budget: bigint;
  deposit: bigint;
}

export class ApiError extends Error {}

/** A thin client of the service's JSON API; a non-2xx answer throws with the service's error. */
export class Api {
  constructor(readonly baseUrl: string) {}

  async call<T>(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new ApiError(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}

/**
 * Polls `probe` until it returns a value; a timeout names what was awaited and what was seen
 * last, because a silent hang is the worst way for a demo to fail.
 */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<{ done: T } | { seen: string }>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await probe();
    if ('done' in result) return result.done;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (last seen: ${result.seen})`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function signUp(api: Api, handle: string): Promise<{ id: string; token: string }> {
  return api.call<{ id: string; token: string }>('POST', '/api/v1/accounts', { body: { handle, password: PASSWORD } });
}

/** Runs `each` on every item at once (sign-ups are mostly scrypt, which runs on the thread pool), keeping the order. */
async function allAtOnce<T, R>(items: readonly T[], what: string, progress: Progress, each: (item: T) => Promise<R>): Promise<R[]> {
  let done = 0;
  progress.detail(`0 of ${items.length} ${what}`);
  return Promise.all(
    items.map(async (item) => {
      const result = await each(item);
      done += 1;
      progress.detail(`${done} of ${items.length} ${what}`);
      return result;
    }),
  );
}

export async function createCreators(api: Api, chain: ChainProfile, progress: Progress): Promise<DemoCreator[]> {
  return allAtOnce(CREATORS, 'creators ready', progress, async (spec) => {
    const { id, token } = await signUp(api, spec.handle);
    // A fresh key nobody keeps: on regtest the coins only need to arrive somewhere checkable.
    const payoutAddress = spec.payoutAddress ? randomP2pkhKey(chain).address : null;
    if (payoutAddress !== null) await api.call('PUT', '/api/v1/me/payout-address', { token, body: { address: payoutAddress } });
    const thing = await api.call<{ id: string }>('POST', '/api/v1/things', { token, body: { url: `https://example.org/${spec.handle}`, title: spec.title } });
    return { handle: spec.handle, id, payoutAddress, thingId: thing.id };
  });
}

export async function createDonors(api: Api, chain: ChainProfile, progress: Progress): Promise<DemoDonor[]> {
  return allAtOnce(DONORS, 'donors ready', progress, async (spec) => {
    const { id, token } = await signUp(api, spec.handle);
    await api.call('PUT', '/api/v1/me/budget', { token, body: { monthlyBudget: spec.budget } });
    const me = await api.call<{ depositAddress: string }>('GET', '/api/v1/me', { token });
    return { handle: spec.handle, id, token, depositAddress: me.depositAddress, budget: parseCoins(spec.budget, chain), deposit: parseCoins(spec.deposit, chain) };
  });
}

/** One faucet transaction pays every deposit address; the service's scanner credits them. */
export async function fundDonors(api: Api, chain: ChainProfile, faucet: RegtestFaucet, donors: readonly DemoDonor[], progress: Progress): Promise<string> {
  const { txid } = await faucet.pay(donors.map((donor) => ({ address: donor.depositAddress, amount: donor.deposit })));
  await faucet.mine(1);
  const credited = new Set<string>();
  await waitFor<undefined>('the deposit scanner to credit every donor', BALANCE_TIMEOUT_MS, async () => {
    for (const donor of donors) {
      if (credited.has(donor.id)) continue;
      const me = await api.call<{ balance: string }>('GET', '/api/v1/me', { token: donor.token });
      if (parseCoins(me.balance, chain) === donor.deposit) credited.add(donor.id);
    }
    progress.detail(`${credited.size} of ${donors.length} balances credited`);
    return credited.size === donors.length ? { done: undefined } : { seen: `${credited.size} of ${donors.length} credited` };
  });
  return txid;
}

/** Clicks and subscriptions; returns the period the clicks landed in (the month to settle). */
export async function playClicks(api: Api, donors: readonly DemoDonor[], creators: readonly DemoCreator[], progress: Progress): Promise<{ period: string; clicks: number; subscriptions: number }> {
  const thingOf = new Map(creators.map((creator) => [creator.handle, creator.thingId]));
  const periods = new Set<string>();
  let clicks = 0;
  let subscriptions = 0;
  for (const spec of DONORS) {
    const donor = donors.find((d) => d.handle === spec.handle);
    if (donor === undefined) throw new Error(`donor ${spec.handle} was not created`);
    for (const creator of spec.clicks) {
      const click = await api.call<{ period: string }>('POST', `/api/v1/things/${thingOf.get(creator)}/flattr`, { token: donor.token });
      periods.add(click.period);
      clicks += 1;
    }
    for (const creator of spec.subscriptions) {
      await api.call('POST', '/api/v1/subscriptions', { token: donor.token, body: { thingId: thingOf.get(creator) } });
      subscriptions += 1;
    }
    progress.detail(`${clicks} clicks, ${subscriptions} subscriptions`);
  }
  const [period, ...others] = [...periods];
  if (period === undefined || others.length > 0) throw new Error(`the clicks landed in ${periods.size} months (${[...periods].join(', ')}); run the demo again`);
  return { period, clicks, subscriptions };
}

/** The operator closes the current month now and settles it; then blocks are mined until it is confirmed. */
export async function settleMonth(api: Api, operatorToken: string, period: string, minConfirmations: number, faucet: RegtestFaucet, progress: Progress): Promise<SettlementStatusView> {
  progress.detail('close, plan, sign, broadcast');
  const executed = await api.call<SettlementStatusView>('POST', `/api/v1/admin/settlements/${period}/execute?closeNow=true`, { token: operatorToken });
  if (executed.state !== 'broadcast' && executed.state !== 'confirmed') {
    throw new Error(`the settlement of ${period} stopped in state ${executed.state}: ${executed.lastError ?? 'no error stored'}`);
  }
  progress.detail(`${executed.transactions.length} transaction(s) broadcast; mining`);
  await faucet.mine(minConfirmations);
  return waitFor<SettlementStatusView>(`the settlement of ${period} to be confirmed`, CONFIRMED_TIMEOUT_MS, async () => {
    const status = await api.call<SettlementStatusView>('GET', `/api/v1/admin/settlements/${period}`, { token: operatorToken });
    progress.detail(`state ${status.state}`);
    // The API caches the node's tip for a second: wait until the confirmations show as well.
    const shown = status.transactions.every((tx) => tx.confirmations >= minConfirmations);
    return status.state === 'confirmed' && shown ? { done: status } : { seen: `state ${status.state}${status.lastError ? ` (${status.lastError})` : ''}` };
  });
}

/** The stored plan (POST .../plan answers it once the month is planned). */
export async function storedPlan(api: Api, operatorToken: string, period: string): Promise<PlanReportView> {
  const plan = await api.call<PlanReportView>('POST', `/api/v1/admin/settlements/${period}/plan`, { token: operatorToken });
  if (!plan.stored) throw new Error(`the plan of ${period} is not stored (state ${plan.state})`);
  return plan;
}

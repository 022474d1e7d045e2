import { randomBytes } from 'node:crypto';
import { pseudonymsFor } from '../../../src/proofs/pseudonyms';
import { parsePaydaySnapshot, type PaydaySnapshot } from '../../../src/proofs/payday-snapshot';
import { replayPayday, type ReplayVerdict, type TransactionSighting } from '../../../src/proofs/replay';
import { kibbleErrorFrom } from '../../support/errors';
import { copyOf, CREATORS, DONORS, settledMonth } from './payday-month';

const statuses = (verdict: ReplayVerdict) => Object.fromEntries(verdict.items.map((i) => [i.name, i.status]));
const differencesOf = (verdict: ReplayVerdict, name: string) => verdict.items.find((i) => i.name === name)?.differences ?? [];
const sightingsOf = (txids: readonly string[], where: 'mempool' | 'nowhere' = 'mempool') => new Map<string, TransactionSighting>(txids.map((txid) => [txid, { txid, where }]));

describe('donor pseudonyms', () => {
  const ids = Array.from({ length: 500 }, (_, i) => i.toString(16).padStart(24, '0'));

  it('gives every id one pseudonym, the same one for the same key, donor-000001 upwards', () => {
    const key = randomBytes(32);
    const first = pseudonymsFor(ids, key);
    expect(pseudonymsFor([...ids].reverse(), key)).toEqual(first);
    expect(new Set(first.values()).size).toBe(ids.length);
    expect([...first.values()].sort()).toEqual(ids.map((_, i) => `donor-${String(i + 1).padStart(6, '0')}`));
  });

  it('is unlinkable to the ids: their order is not kept, and another key numbers them otherwise', () => {
    const a = pseudonymsFor(ids, randomBytes(32));
    const b = pseudonymsFor(ids, randomBytes(32));
    const inIdOrder = ids.map((id) => a.get(id));
    expect(inIdOrder).not.toEqual([...inIdOrder].sort());
    // Two keys agree on a donor's number by chance only (1 in 500 each).
    expect(ids.filter((id) => a.get(id) === b.get(id)).length).toBeLessThan(10);
    for (const [id, name] of a) expect(name).not.toContain(id);
  });

  it('refuses a short key', () => {
    expect(kibbleErrorFrom(() => pseudonymsFor(ids, new Uint8Array(16))).code).toBe('internal');
  });
});

describe('the payday snapshot format', () => {
  const { snapshot } = settledMonth();

  it('round-trips through JSON and its schema', () => {
    expect(parsePaydaySnapshot(JSON.parse(JSON.stringify(snapshot)))).toEqual(snapshot);
  });

  it('holds no donor id and no salt, only pseudonyms and donor commitments', () => {
    const text = JSON.stringify(snapshot);
    for (const donor of Object.values(DONORS)) expect(text).not.toContain(donor);
    // Four donors (three who clicked, one whose unclaimed allocation expires), numbered at random.
    const names = [...snapshot.donors.map((d) => d.donor), ...snapshot.expiring.map((e) => e.donor)];
    expect([...names].sort()).toEqual(['donor-000001', 'donor-000002', 'donor-000003', 'donor-000004']);
    expect(snapshot.donors.map((d) => d.donor)).toEqual([...snapshot.donors.map((d) => d.donor)].sort());
    // 3 + 2 + 3 allocations, each with its commitment.
    expect(snapshot.donors.flatMap((d) => d.commitments)).toHaveLength(8);
  });

  it.each([
    ['another version', (s: PaydaySnapshot) => Object.assign(s, { version: 2 }), 'version'],
    ['an unknown field', (s: PaydaySnapshot) => Object.assign(s, { donorIds: [] }), 'the snapshot'],
    ['a donor named by id', (s: PaydaySnapshot) => Object.assign(s.donors[0] ?? {}, { donor: DONORS.alice }), 'donors.0.donor'],
    ['a negative budget', (s: PaydaySnapshot) => Object.assign(s.donors[0] ?? {}, { monthlyBudget: '-1' }), 'donors.0.monthlyBudget'],
    ['an amount as a number', (s: PaydaySnapshot) => Object.assign(s.creators[0] ?? {}, { owedBefore: 5 }), 'creators.0.owedBefore'],
    ['a short commitment', (s: PaydaySnapshot) => Object.assign(s.donors[0]?.commitments[0] ?? {}, { commitment: 'ab' }), 'donors.0.commitments.0.commitment'],
    ['an unknown chain', (s: PaydaySnapshot) => Object.assign(s.settings, { chain: 'bitcoin' }), 'settings.chain'],
  ])('refuses %s (snapshot-invalid, naming the field)', (_name, edit, path) => {
    const edited = copyOf(snapshot);
    edit(edited);
    const error = kibbleErrorFrom(() => parsePaydaySnapshot(edited));
    expect(error.code).toBe('snapshot-invalid');
    expect(error.details).toEqual({ path });
  });
});

describe('replay', () => {
  const month = settledMonth();

  it('matches the month it came from, item by item', () => {
    const verdict = replayPayday(parsePaydaySnapshot(copyOf(month.snapshot)));
    expect(statuses(verdict)).toEqual({
      'plan totals': 'match',
      payments: 'match',
      'allocation root': 'match',
      'unsigned transactions': 'match',
      'signed transactions': 'match',
      'on chain': 'skipped',
    });
    expect(verdict.matches).toBe(true);
  });

  it('matches a month of several transactions, and names the one whose change slot moved', () => {
    const big = settledMonth({ manyCreators: 3200 });
    expect(big.txids.length).toBeGreaterThan(1);
    expect(replayPayday(big.snapshot, sightingsOf(big.txids)).matches).toBe(true);
    const edited = copyOf(big.snapshot);
    const [first, second] = edited.builder.changeSlots as [PaydaySnapshot['builder']['changeSlots'][number], PaydaySnapshot['builder']['changeSlots'][number]];
    edited.builder.changeSlots = [second, first];
    const verdict = replayPayday(edited);
    expect(statuses(verdict)).toMatchObject({ 'plan totals': 'match', 'allocation root': 'match', 'unsigned transactions': 'mismatch' });
  });

  it('matches a month planned but not signed yet, the signed part skipped', () => {
    const verdict = replayPayday(settledMonth({ signed: false }).snapshot, new Map());
    expect(verdict.matches).toBe(true);
    expect(statuses(verdict)).toMatchObject({ 'signed transactions': 'skipped', 'on chain': 'skipped' });
  });

  it('with the node\'s word: every transaction found is a match, one the node does not know a mismatch', () => {
    expect(statuses(replayPayday(month.snapshot, sightingsOf(month.txids)))).toMatchObject({ 'on chain': 'match', 'allocation root on chain': 'match' });
    const unknown = replayPayday(month.snapshot, sightingsOf(month.txids, 'nowhere'));
    expect(unknown.matches).toBe(false);
    expect(differencesOf(unknown, 'on chain')).toEqual([`transaction ${month.txids[0]}: the node knows no such transaction`]);
  });

  it('names what differs when a click moved to another creator', () => {
    const edited = copyOf(month.snapshot);
    const alice = edited.donors.find((d) => d.clicks.length === 3 && d.clicks.includes(CREATORS.unclaimed)) as PaydaySnapshot['donors'][number];
    alice.clicks[0] = CREATORS.two; // one -> two
    const verdict = replayPayday(edited);
    expect(verdict.matches).toBe(false);
    expect(statuses(verdict)).toMatchObject({ 'plan totals': 'match', payments: 'mismatch', 'allocation root': 'mismatch', 'unsigned transactions': 'mismatch' });
    expect(differencesOf(verdict, 'payments')).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^payment creator:${CREATORS.one} amount: published \\d+, recomputed \\d+$`))]),
    );
    expect(differencesOf(verdict, 'allocation root')).toEqual([`donor commitment ${alice.donor} -> ${CREATORS.one}: no such allocation in the replay`]);
  });

  it('names what differs when a balance changed', () => {
    const edited = copyOf(month.snapshot);
    const bob = edited.donors.find((d) => d.balanceBefore === '300000001') as PaydaySnapshot['donors'][number];
    bob.balanceBefore = '200000000';
    const verdict = replayPayday(edited);
    expect(verdict.matches).toBe(false);
    expect(differencesOf(verdict, 'plan totals')).toEqual(expect.arrayContaining(['charged: published 1302000001, recomputed 1202000000']));
    expect(differencesOf(verdict, 'allocation root')).toEqual([expect.stringMatching(/^root: published [0-9a-f]{64}, recomputed [0-9a-f]{64}$/)]);
  });

  it('names a spendable output that changed, and signed bytes that are not the txid\'s', () => {
    const edited = copyOf(month.snapshot);
    (edited.builder.utxos[0] as PaydaySnapshot['builder']['utxos'][number]).amount = '1900000000';
    const verdict = replayPayday(edited);
    expect(statuses(verdict)).toMatchObject({ 'unsigned transactions': 'mismatch', 'signed transactions': 'mismatch' });
    expect(differencesOf(verdict, 'unsigned transactions')).toEqual(expect.arrayContaining([expect.stringMatching(/^transaction 0 outputs #\d: published .* \(change\), recomputed .* \(change\)$/)]));

    const forged = copyOf(month.snapshot);
    const signed = forged.published.transactions[0]?.signed as NonNullable<PaydaySnapshot['published']['transactions'][number]['signed']>;
    signed.raw = signed.raw.replace(/00000000$/, '01000000'); // another lock time: other bytes, other txid
    expect(differencesOf(replayPayday(forged), 'signed transactions')).toEqual([expect.stringContaining(`not ${signed.txid}`)]);
  });

  it('tells a published root that differs from the recomputed one, which the transaction on chain carries', () => {
    const edited = copyOf(month.snapshot);
    edited.published.allocationRoot = 'ab'.repeat(32);
    const verdict = replayPayday(edited, sightingsOf(month.txids));
    expect(statuses(verdict)).toMatchObject({ 'allocation root': 'mismatch', 'unsigned transactions': 'match', 'allocation root on chain': 'match' });
    expect(differencesOf(verdict, 'allocation root')).toEqual([expect.stringMatching(new RegExp(`^root: published ${'ab'.repeat(32)}, recomputed [0-9a-f]{64}$`))]);
  });

  it('reports a planner that refuses the input as a mismatch, not a crash', () => {
    const edited = copyOf(month.snapshot);
    (edited.donors[0] as PaydaySnapshot['donors'][number]).clicks.push('f'.repeat(24));
    const verdict = replayPayday(edited);
    expect(verdict.matches).toBe(false);
    expect(verdict.items).toEqual([expect.objectContaining({ name: 'plan', status: 'mismatch', differences: [expect.stringContaining('missing from the creators')] })]);
  });
});

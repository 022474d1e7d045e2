import { formatCoins } from '../money/amount';
import type { Payout } from '../services/statements/payouts';
import type { Statement } from '../services/statements/statements';
import { toCsv } from './csv';

/**
 * A statement as the API sends it (JSON: amounts as decimal coin strings, dates ISO) and as CSV
 * (one row per flattr for the donor, per thing and per payout for the creator), from one place
 * so the two always carry the same figures.
 */

function payoutJson(payout: Payout) {
  return {
    txid: payout.txid,
    vout: payout.vout,
    outpoint: `${payout.txid}:${payout.vout}`,
    amount: formatCoins(payout.amount),
    address: payout.address,
    state: payout.state,
    blockHeight: payout.blockHeight,
    confirmations: payout.confirmations,
  };
}

export function statementJson(statement: Statement) {
  const { donor, creator } = statement;
  return {
    period: statement.period,
    settlementState: donor.settlementState,
    donor: {
      charge: formatCoins(donor.charge),
      fee: formatCoins(donor.fee),
      distributed: formatCoins(donor.distributed),
      flattrs: donor.flattrs.map((flattr) => ({
        at: flattr.at.toISOString(),
        thingId: flattr.thingId,
        thingTitle: flattr.thingTitle,
        thingUrl: flattr.thingUrl,
        creatorId: flattr.creatorId,
        creatorHandle: flattr.creatorHandle,
        source: flattr.source,
        value: formatCoins(flattr.value),
      })),
      creators: donor.creators.map((row) => ({
        creatorId: row.creatorId,
        creatorHandle: row.creatorHandle,
        amount: formatCoins(row.amount),
        status: row.status,
        payout: row.payout === null ? null : payoutJson(row.payout),
        returnsOn: row.returnsOn === null ? null : { period: row.returnsOn.period, date: row.returnsOn.date.toISOString() },
      })),
      refunds: donor.refunds.map((refund) => ({ fromPeriod: refund.fromPeriod, creatorId: refund.creatorId, creatorHandle: refund.creatorHandle, amount: formatCoins(refund.amount) })),
    },
    creator:
      creator === null
        ? null
        : {
            supporters: creator.supporters,
            things: creator.things.map((thing) => ({ thingId: thing.thingId, title: thing.title, url: thing.url, flattrs: thing.flattrs, amount: formatCoins(thing.amount) })),
            carriedIn: formatCoins(creator.carriedIn),
            credited: formatCoins(creator.credited),
            returned: formatCoins(creator.returned),
            paid: formatCoins(creator.paid),
            carriedOut: formatCoins(creator.carriedOut),
            outcome: creator.outcome,
            payouts: creator.payouts.map(payoutJson),
          },
  };
}

export const STATEMENT_CSV_HEADER = ['period', 'kind', 'at', 'thing', 'url', 'creator', 'source', 'flattrs', 'amount', 'status', 'txid', 'vout', 'confirmations'] as const;

/**
 * Rows by kind: `flattr` (one per counted flattr, with its creator's payout), `fee` and `refund`
 * for the donor; `thing` (income per thing), `carried-in`, `carried-out` and `payout` for the
 * creator. Amounts in coins, as in the JSON.
 */
export function statementCsv(statement: Statement): string {
  const { period, donor, creator } = statement;
  const rows: string[][] = [];
  const row = (fields: Partial<Record<(typeof STATEMENT_CSV_HEADER)[number], string>>) => rows.push(STATEMENT_CSV_HEADER.map((column) => (column === 'period' ? period : (fields[column] ?? ''))));
  const gifts = new Map(donor.creators.map((gift) => [gift.creatorId, gift]));
  for (const flattr of donor.flattrs) {
    const gift = gifts.get(flattr.creatorId);
    row({
      kind: 'flattr',
      at: flattr.at.toISOString(),
      thing: flattr.thingTitle ?? '',
      url: flattr.thingUrl ?? '',
      creator: flattr.creatorHandle ?? '',
      source: flattr.source,
      flattrs: '1',
      amount: formatCoins(flattr.value),
      status: gift?.status ?? '',
      txid: gift?.payout?.txid ?? '',
      vout: gift?.payout === undefined || gift.payout === null ? '' : String(gift.payout.vout),
      confirmations: gift?.payout?.confirmations === undefined || gift.payout.confirmations === null ? '' : String(gift.payout.confirmations),
    });
  }
  if (donor.charge > 0n) row({ kind: 'fee', amount: formatCoins(donor.fee) });
  for (const refund of donor.refunds) row({ kind: 'refund', creator: refund.creatorHandle ?? '', amount: formatCoins(refund.amount), status: `returned from ${refund.fromPeriod}` });
  if (creator !== null) {
    for (const thing of creator.things) row({ kind: 'thing', thing: thing.title ?? '', url: thing.url ?? '', flattrs: String(thing.flattrs), amount: formatCoins(thing.amount) });
    if (creator.carriedIn > 0n) row({ kind: 'carried-in', amount: formatCoins(creator.carriedIn) });
    for (const payout of creator.payouts) {
      row({ kind: 'payout', amount: formatCoins(payout.amount), status: payout.state, txid: payout.txid, vout: String(payout.vout), confirmations: payout.confirmations === null ? '' : String(payout.confirmations) });
    }
    if (creator.carriedOut > 0n) row({ kind: 'carried-out', amount: formatCoins(creator.carriedOut), status: creator.outcome });
  }
  return toCsv(STATEMENT_CSV_HEADER, rows);
}

import { paydaysAtom } from '../../../src/http/atom';
import { translatorFor } from '../../../src/i18n/translator';
import { allocationRootOf, paydayOf, type Payday } from '../../../src/services/paydays';

const ROOT = 'ab'.repeat(32);
const row = {
  _id: '2026-11',
  updatedAt: new Date('2026-12-01T00:05:00Z'),
  summary: {
    donorsCharged: 3, clicks: 8, creatorsPaid: 2, charged: 1_302_000_001n, serviceFee: 130_200_000n, creditedToCreators: 1_171_800_001n, refunded: 5n,
    paidToCreators: 871_200_001n, feePaymentPaid: 100_000_000n, networkFee: 226_000n, carried: 300_600_000n, transactionCount: 1, totalBytes: 300,
  },
  transactions: [{ txid: 'cd'.repeat(32), blockHeight: 120, confirmedAt: new Date('2026-12-01T00:10:00Z') }],
};

describe('paydays', () => {
  it('a payday is the settlement summary in coins, its txids and roots, and nothing about donors', () => {
    const payday = paydayOf({ ...row, commitment: { root: ROOT } }, 'ef'.repeat(32));
    expect(payday).toEqual({
      period: '2026-11', donors: 3, clicks: 8, creatorsPaid: 2, charged: '13.02000001', paid: '8.71200001', carried: '3.006', returned: '0.00000005',
      serviceFee: '1.302', networkFee: '0.00226', txids: ['cd'.repeat(32)], allocationRoot: ROOT, reservesRoot: 'ef'.repeat(32), confirmedAt: '2026-12-01T00:10:00.000Z',
    });
  });

  it("shows the month's committed allocation root, and none for a month settled before commitments", () => {
    expect(allocationRootOf({})).toBeNull();
    expect(allocationRootOf({ commitment: { root: ROOT } })).toBe(ROOT);
  });
});

describe('the paydays Atom feed', () => {
  const paydays: Payday[] = [paydayOf(row, null), paydayOf({ ...row, _id: '2026-10' }, null)];
  const en = translatorFor('en');
  const xml = paydaysAtom(paydays, { baseUrl: 'https://kibble.example', now: new Date('2027-01-01T00:00:00Z'), ticker: 'DOGE', tr: en });

  it('has the feed elements Atom 1.0 requires, and one entry per month with id, title, updated and link', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">')).toBe(true);
    for (const element of ['<id>https://kibble.example/paydays</id>', '<title>kibble paydays</title>', '<updated>2026-12-01T00:10:00.000Z</updated>', '<author><name>kibble</name>', '<link rel="self" type="application/atom+xml" href="https://kibble.example/paydays.atom"/>']) {
      expect(xml).toContain(element);
    }
    const entries = xml.match(/<entry>[\s\S]*?<\/entry>/g) ?? [];
    expect(entries).toHaveLength(2);
    expect(entries[1]).toContain('<id>https://kibble.example/paydays#2026-10</id>');
    for (const entry of entries) expect(entry).toMatch(/<title>Payday \w+ 2026: [\d.]+\u00a0DOGE to 2 creators<\/title>\n<updated>[^<]+<\/updated>\n<link rel="alternate" type="text\/html" href="[^"]+"\/>\n<summary>[^<]+<\/summary>/);
    expect(entries[0]).toContain('<title>Payday November 2026: 8.71200001\u00a0DOGE to 2 creators</title>');
    expect(entries[0]).toContain('<summary>3 donors, 8 flattrs: 13.02000001\u00a0DOGE charged, 8.71200001\u00a0DOGE paid to 2 creators,');
    // Balanced tags: every opened element is closed.
    for (const name of ['feed', 'entry', 'id', 'title', 'updated', 'summary', 'author', 'name']) {
      expect({ name, open: (xml.match(new RegExp(`<${name}[ >]`, 'g')) ?? []).length }).toEqual({ name, open: (xml.match(new RegExp(`</${name}>`, 'g')) ?? []).length });
    }
  });

  it('escapes what it prints and dates an empty feed by the clock', () => {
    expect(paydaysAtom([], { baseUrl: 'https://k.example/?a=1&b=<2>', now: new Date('2027-01-01T00:00:00Z'), ticker: 'DOGE', tr: en })).toContain('<id>https://k.example/?a=1&amp;b=&lt;2&gt;/paydays</id>');
    expect(paydaysAtom([], { baseUrl: 'https://k.example', now: new Date('2027-01-01T00:00:00Z'), ticker: 'DOGE', tr: en })).toContain('<updated>2027-01-01T00:00:00.000Z</updated>');
  });

  it('writes the human words in the reader\'s language and keeps the machine fields the same', () => {
    const french = paydaysAtom(paydays, { baseUrl: 'https://kibble.example', now: new Date('2027-01-01T00:00:00Z'), ticker: 'DOGE', tr: translatorFor('fr') });
    expect(french).toContain('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">');
    expect(french).toContain('<title>Jours de paie de kibble</title>');
    expect(french).toContain('<title>novembre 2026, jour de paie : 8,71200001\u00a0DOGE à 2 créateurs</title>');
    expect(french).toContain('<summary>3 donateurs, 8 flattrs : 13,02000001\u00a0DOGE prélevés,');
    const machine = (feed: string) => feed.match(/<(id|updated|link)[ >][^\n]*/g);
    expect(machine(french)).toEqual(machine(xml));
  });
});

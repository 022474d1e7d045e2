import fc from 'fast-check';
import { Types } from 'mongoose';
import { clickKey } from '../../../src/db/click';

const objectIdArb = fc.uint8Array({ minLength: 12, maxLength: 12 }).map((bytes) => new Types.ObjectId(Buffer.from(bytes)));
const periodArb = fc.record({ year: fc.integer({ min: 2000, max: 9999 }), month: fc.integer({ min: 1, max: 12 }) }).map(({ year, month }) => `${year}-${String(month).padStart(2, '0')}`);
const tripleArb = fc.record({ period: periodArb, donorId: objectIdArb, thingId: objectIdArb });
type Triple = { period: string; donorId: Types.ObjectId; thingId: Types.ObjectId };

const keyOf = (t: Triple): string => clickKey(t.period, t.donorId, t.thingId);
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const sameTriple = (a: Triple, b: Triple): boolean => a.period === b.period && a.donorId.equals(b.donorId) && a.thingId.equals(b.thingId);

describe('clickKey (a click\'s _id)', () => {
  it('is <period>:<donor hex>:<thing hex>, from which the triple reads back', () => {
    fc.assert(
      fc.property(tripleArb, (triple) => {
        const key = keyOf(triple);
        expect(key).toMatch(/^\d{4}-\d{2}:[0-9a-f]{24}:[0-9a-f]{24}$/);
        const [period, donor, thing] = key.split(':');
        expect({ period, donor, thing }).toEqual({ period: triple.period, donor: triple.donorId.toHexString(), thing: triple.thingId.toHexString() });
      }),
      { numRuns: 500 },
    );
  });

  it('gives two triples the same key only when they are the same triple', () => {
    // Pairs that share parts are the interesting ones: same period, or same donor, or same thing.
    const pairArb = fc.tuple(tripleArb, tripleArb, fc.constantFrom('period', 'donorId', 'thingId', 'none')).map(([a, b, shared]) => (shared === 'none' ? [a, b] : [a, { ...b, [shared]: a[shared] }]) as [Triple, Triple]);
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        expect(keyOf(a) === keyOf(b)).toBe(sameTriple(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('orders one donor\'s clicks of a period by thing id (the tie-break of clicks made at the same instant)', () => {
    fc.assert(
      fc.property(periodArb, objectIdArb, objectIdArb, objectIdArb, (period, donorId, x, y) => {
        // Plain string comparison: the database compares strings byte by byte, without a collation.
        const byKey = compare(clickKey(period, donorId, x), clickKey(period, donorId, y));
        const byThing = compare(x.toHexString(), y.toHexString());
        expect(byKey).toBe(byThing);
      }),
    );
  });
});

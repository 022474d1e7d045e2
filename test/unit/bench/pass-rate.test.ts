import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ratioOverPasses, type PassTimes } from '../../../scripts/bench/pass-rate';

describe("bench:scan's ratio over several passes", () => {
  it('is the raw fetch rate over all passes against the scanner rate over all passes', () => {
    // 100 blocks each time: 300 blocks in 0.5 s end to end, in 0.24 s fetched raw.
    const passes = [
      { scanMs: 200, rawFetchMs: 80 },
      { scanMs: 150, rawFetchMs: 100 },
      { scanMs: 150, rawFetchMs: 60 },
    ];
    expect(ratioOverPasses(passes)).toBeCloseTo(0.48, 12);
  });

  it('of one pass is that pass', () => {
    expect(ratioOverPasses([{ scanMs: 250, rawFetchMs: 125 }])).toBe(0.5);
  });

  it('lies between the lowest and the highest pass, and is their mean weighted by each pass time', () => {
    const times = fc.double({ min: 1, max: 10_000, noNaN: true });
    fc.assert(
      fc.property(fc.array(fc.record({ scanMs: times, rawFetchMs: times }), { minLength: 1, maxLength: 100 }), (passes: PassTimes[]) => {
        const ratio = ratioOverPasses(passes);
        const each = passes.map((pass) => pass.rawFetchMs / pass.scanMs);
        const total = passes.reduce((sum, pass) => sum + pass.scanMs, 0);
        const weighted = passes.reduce((sum, pass) => sum + (pass.rawFetchMs / pass.scanMs) * (pass.scanMs / total), 0);
        // node:assert in the loop over inputs (jest's expect builds a stack trace per call).
        assert.ok(ratio >= Math.min(...each) * (1 - 1e-12), `${ratio} below the lowest pass`);
        assert.ok(ratio <= Math.max(...each) * (1 + 1e-12), `${ratio} above the highest pass`);
        assert.ok(Math.abs(ratio - weighted) <= 1e-9 * weighted, `${ratio} is not the weighted mean ${weighted}`);
      }),
    );
  });

  it.each([
    [[], /no timed pass/],
    [[{ scanMs: 0, rawFetchMs: 100 }], /positive times, got 0 and 100 ms/],
    [[{ scanMs: 100, rawFetchMs: Number.NaN }], /positive times, got 100 and NaN ms/],
  ])('refuses %j', (passes, message) => {
    expect(() => ratioOverPasses(passes)).toThrow(message);
  });
});

import { parseBenchArgs } from '../../../scripts/bench/scan-end-to-end';

describe("bench:scan's arguments", () => {
  it('defaults to 100 blocks at the issue 13 density (no shares given)', () => {
    expect(parseBenchArgs([])).toEqual({ blocks: 100, json: false, profile: false });
  });

  it('takes the blocks, the database processes and the densities', () => {
    expect(parseBenchArgs(['200', '--db-pids', '12,34', '--watched-share', '0.002', '--spend-share', '0.0005'])).toEqual({
      blocks: 200,
      json: false,
      profile: false,
      dbPids: [12, 34],
      watchedShare: 0.002,
      spendShare: 0.0005,
    });
  });

  it('takes how many timed passes to run over the same blocks', () => {
    expect(parseBenchArgs(['--passes', '10'])).toEqual({ blocks: 100, json: false, profile: false, passes: 10 });
  });

  it.each([
    [['--passes'], /--passes needs a whole number from 1 to 100, got ""/],
    [['--passes', '0'], /--passes needs a whole number .*got "0"/],
    [['--passes', '2.5'], /--passes needs a whole number .*got "2.5"/],
    [['--passes', '101'], /--passes needs a whole number .*got "101"/],
    [['--watched-share'], /--watched-share needs a share above 0 and at most 1 .*got ""/],
    [['--watched-share', '0'], /--watched-share needs a share .*got "0"/],
    [['--spend-share', '1.5'], /--spend-share needs a share .*got "1.5"/],
    [['--spend-share', 'lots'], /--spend-share needs a share .*got "lots"/],
    [['--db-pids', 'a,b'], /--db-pids needs process ids/],
    [['--fast'], /unknown argument --fast \(usage: .*--watched-share S/],
  ])('refuses %j with a message saying what it needs', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});

import { moduleOf, summarise } from '../../../scripts/bench/cpu-profile-summary';

describe('cpu-profile-summary', () => {
  it('names the module of a frame: a package under node_modules, a project file, node or V8', () => {
    expect(moduleOf('file:///w/node_modules/mongoose/lib/document.js')).toBe('npm:mongoose');
    expect(moduleOf('file:///w/node_modules/@scope/pkg/index.js')).toBe('npm:@scope/pkg');
    expect(moduleOf('file:///w/node_modules/a/node_modules/bson/lib/bson.cjs')).toBe('npm:bson');
    expect(moduleOf('/work/wt/src/chain/block/block-parser.ts')).toBe('src/chain/block/block-parser.ts');
    expect(moduleOf('node:internal/streams/writable')).toBe('node:internal/streams/writable');
    expect(moduleOf('')).toBe('(native / V8)');
  });

  it('sums self time by function and by module, leaving out the first sample (the profiler starting)', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 3] },
        { id: 2, callFrame: frame('parseBlock', '/w/src/chain/block/block-parser.ts'), children: [4] },
        { id: 3, callFrame: frame('$set', '/w/node_modules/mongoose/lib/document.js') },
        { id: 4, callFrame: frame('readOutput', '/w/src/chain/block/block-parser.ts') },
      ],
      startTime: 0,
      endTime: 10_000,
      samples: [1, 2, 3, 3, 4],
      timeDeltas: [900_000, 1_000, 2_000, 3_000, 500],
    };
    const { totalMs, byFunction, byModule } = summarise(profile);
    expect(totalMs).toBe(6.5);
    expect(byFunction).toEqual([
      { name: '$set npm:mongoose:10', ms: 5 },
      { name: 'parseBlock src/chain/block/block-parser.ts:10', ms: 1 },
      { name: 'readOutput src/chain/block/block-parser.ts:10', ms: 0.5 },
    ]);
    expect(byModule).toEqual([
      { name: 'npm:mongoose', ms: 5 },
      { name: 'src/chain/block/block-parser.ts', ms: 1.5 },
    ]);
  });
});

import { runParseMatchBench, type ParseMatchFigures } from './scan-parse-match';
import { TARGET_COLD_START_MS, TARGET_RATIO_TO_RAW_FETCH, formatEndToEnd, parseBenchArgs, runEndToEndBench, toJson, type EndToEndFigures } from './scan-end-to-end';

/**
 * `npm run bench:scan` (issue 3): the deposit scanner's speed, both ways.
 *   1. parse+match alone over 2,000 synthetic blocks of 50 transactions against 100,000 watched
 *      addresses (scan-parse-match.ts: no node, no database);
 *   2. end to end on a real bcoin regtest node and database (scan-end-to-end.ts): B blocks
 *      (default 100) of 50 transactions built on the node, scanned by a fresh DepositScanner.
 *
 *   npx tsx scripts/bench/scan-bench.ts [blocks=100] [--json] [--profile] [--cpu-profile FILE] [--db-pids PID,...]
 *     [--watched-share S] [--spend-share S] [--passes N]
 *
 * --watched-share 0.002 plants about one deposit in four blocks, what a service of 10,000 donors
 * funding once a month receives on Dogecoin (a block a minute); the default, 0.05, about six a
 * block (scan-end-to-end.ts).
 *
 * MONGODB_URI: the database to use (e.g. DocumentDB); default a FerretDB it starts itself.
 *
 * Exit code 1 when either finds other matches than were planted, or end to end is below half
 * the raw RPC fetch rate, or the cold start takes 2 s or more (issue 13 item 4).
 */

const SYNTHETIC = { blocks: 2_000, txPerBlock: 50, watched: 100_000 };

const n = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function formatSynthetic(f: ParseMatchFigures): string {
  return [
    `synthetic blocks             ${n(f.blocks)} × ${n(SYNTHETIC.txPerBlock)} tx, ${n(f.outputs)} outputs, ${n(f.megabytes, 1)} MB`,
    `watched addresses            ${n(SYNTHETIC.watched)} (index built in ${n(f.indexBuildMs)} ms)`,
    `parse+match                  ${n(f.blocksPerSecond)} blocks/s, ${n(f.txPerSecond)} tx/s (parse ${n(f.parseMs)} ms, match ${n(f.matchMs)} ms)`,
    `received found/planted       ${n(f.found.received)}/${n(f.planted.received)}`,
    `spent found/planted          ${n(f.found.spent)}/${n(f.planted.spent)} (same block ${n(f.found.spentInSameBlock)}/${n(f.planted.spentInSameBlock)})`,
    `result                       ${f.ok ? 'OK' : 'MISMATCH'}`,
  ].join('\n');
}

/** The ratio the target is checked on: over all passes, or of the only one. */
function ratioChecked(figures: EndToEndFigures): string {
  const count = figures.endToEnd.passes.length;
  return `${n(figures.ratioOverPasses, 2)}x the raw fetch${count > 1 ? ` over ${count} passes` : ''}`;
}

async function main(): Promise<number> {
  const { json, ...options } = parseBenchArgs(process.argv.slice(2));
  const { blocks } = options;
  const log = (message: string): void => {
    process.stderr.write(`${message}\n`);
  };

  log(`1/2 parse+match over ${n(SYNTHETIC.blocks)} synthetic blocks...`);
  const synthetic = runParseMatchBench(SYNTHETIC);
  if (!json) console.log(`== parse+match, synthetic blocks (no node, no database)\n${formatSynthetic(synthetic)}\n`);

  log(`2/2 end to end over ${n(blocks)} regtest blocks...`);
  const endToEnd = await runEndToEndBench({ ...options, log });
  if (json) console.log(toJson({ syntheticParseMatch: synthetic, endToEnd }));
  else console.log(`== end to end, bcoin regtest node + ${endToEnd.setup.databaseKind}\n${formatEndToEnd(endToEnd)}`);

  const failures = [
    ...(synthetic.ok ? [] : ['synthetic parse+match found other matches than were planted']),
    ...endToEnd.problems.map((problem) => `end to end: ${problem}`),
    ...(endToEnd.meetsTarget
      ? []
      : [
          `end to end ${ratioChecked(endToEnd)} (target ${TARGET_RATIO_TO_RAW_FETCH}x), ` +
            `cold start ${n(endToEnd.endToEnd.coldStartMs)} ms (target < ${n(TARGET_COLD_START_MS)} ms)`,
        ]),
  ];
  for (const failure of failures) console.error(`FAIL: ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);

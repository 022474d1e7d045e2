// `npm run demo`: one whole month of kibble on a fresh embedded setup (database, regtest node,
// development keys under DATA_DIR, default .data/demo), played through the HTTP API in well
// under a minute, then checked against DESIGN.md section 2 from the chain and the ledger.
// Progress goes to stderr, the outcome and the checks to stdout. Exit 0 when every invariant
// holds, 1 otherwise (or on any failure), 130 on Ctrl-C.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { inspect } from 'node:util';
import { JsonRpcChainClient } from '../../src/node/rpc-client';
import { loadConfig, type Config } from '../../src/config/config';
import { createLogger } from '../../src/log';
import { formatCoins, parseCoins } from '../../src/money/amount';
import { startKibble, type RunningKibble } from '../../src/runtime/service';
import type { PlanReportView, SettlementStatusView } from '../../src/services/settlement/views';
import { freePort } from '../../src/runtime/embedded/managed-process';
import { RegtestFaucet } from '../regtest/faucet';
import { checkInvariants, type CheckResult } from './checks';
import { Api, createCreators, createDonors, fundDonors, playClicks, settleMonth, storedPlan, type DemoCreator, type DemoDonor } from './month';
import { Progress } from './progress';

const ROOT = resolve(__dirname, '../..');
const PROJECT_DATA = join(ROOT, '.data');
const DEFAULT_DATA_DIR = join(PROJECT_DATA, 'demo');
/** Left in every directory the demo wiped and refilled, so that a later run may wipe it again. */
const MARKER = '.kibble-demo';
const STEPS = 10;
const STOP_MS = 30_000;
const INTERRUPTED_STOP_MS = 3_000;

// Variables that would point the demo at something other than its own embedded setup (a real
// database, node or wallet) or change the month's numbers: ignored, so that every run is the same.
const IGNORED_ENV = ['MONGODB_URI', 'CHAIN', 'CHAIN_RPC_URL', 'WALLET_XPUB', 'WALLET_XPRV', 'WALLET_MNEMONIC', 'FEE_ADDRESS', 'OPERATOR_TOKEN', 'SCAN_START_HEIGHT', 'SERVICE_FEE_BPS', 'UNCLAIMED_MONTHS', 'SETTLEMENT_CRON', 'PUBLIC_URL', 'HOST'];

class Interrupted extends Error {}

interface Outcome {
  config: Config;
  period: string;
  creators: DemoCreator[];
  donors: DemoDonor[];
  plan: PlanReportView;
  status: SettlementStatusView;
  checks: CheckResult[];
  elapsed: string;
}

/** Wipes the demo's data directory, refusing anything that could be someone's real data. */
function prepareDataDir(dir: string, explicit: boolean): void {
  const insideProjectData = dir.startsWith(PROJECT_DATA + sep);
  const toRoot = relative(dir, ROOT);
  const holdsTheProject = toRoot === '' || (!toRoot.startsWith('..') && !isAbsolute(toRoot));
  if (dir === PROJECT_DATA || holdsTheProject) {
    throw new Error(`refusing to wipe ${dir}: give the demo a directory of its own (default ${DEFAULT_DATA_DIR})`);
  }
  if (!insideProjectData) {
    if (!explicit) throw new Error(`refusing to wipe ${dir}: outside ${PROJECT_DATA}`);
    // An explicit directory elsewhere is wiped only when empty or left by an earlier demo run.
    if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, MARKER))) {
      throw new Error(`refusing to wipe ${dir}: it is not empty and not an earlier demo's (no ${MARKER} file in it)`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), 'kibble demo data: `npm run demo` wipes this directory\n');
}

async function playMonth(progress: Progress, dataDir: string, onStarted: (running: RunningKibble) => void): Promise<Outcome> {
  progress.step(`fresh data directory ${displayPath(dataDir)}`);
  prepareDataDir(dataDir, process.env['DATA_DIR'] !== undefined && process.env['DATA_DIR'] !== '');

  progress.step('starting kibble: embedded database, regtest node, development keys, HTTP API');
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !(IGNORED_ENV as readonly string[]).includes(key)));
  const port = await freePort();
  const config = loadConfig({ ...env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), SCAN_INTERVAL_SECONDS: '1', MIN_CONFIRMATIONS: '1', LOG_LEVEL: 'warn' });
  // Service logs (warnings and errors only) go through the progress display, on stderr.
  const logger = createLogger(config.logLevel, { write: (line: string) => progress.log(line.trimEnd()) });
  const running = await startKibble(config, logger);
  onStarted(running);
  const { chain } = running.config;
  const api = new Api(`http://127.0.0.1:${port}`);
  const operatorToken = running.config.operatorToken?.reveal();
  if (operatorToken === undefined || running.config.chainRpcUrl === undefined) throw new Error('the embedded setup left no operator token or node URL');
  const rpc = new JsonRpcChainClient(running.config.chainRpcUrl.reveal());

  progress.step('mining 110 regtest blocks for the faucet (coinbase needs 100 to mature)');
  const faucet = new RegtestFaucet(rpc, chain);
  await faucet.prepare();

  progress.step('creators sign up, register a thing each, set payout addresses');
  const creators = await createCreators(api, chain, progress);

  progress.step('donors sign up and set monthly budgets');
  const donors = await createDonors(api, chain, progress);

  progress.step('faucet pays the deposit addresses, one block, the scanner credits the balances');
  await fundDonors(api, chain, faucet, donors, progress);

  progress.step('donors click things and subscribe');
  const { period } = await playClicks(api, donors, creators, progress);

  progress.step(`operator settles ${period} (closed now), mining until confirmed`);
  const status = await settleMonth(api, operatorToken, period, running.config.minConfirmations, faucet, progress);

  progress.step('checking the invariants against the chain and the ledger');
  const plan = await storedPlan(api, operatorToken, period);
  const names = new Map([...creators, ...donors].map((person) => [person.id, person.handle]));
  const { results } = await checkInvariants({ rpc, chain, period, plan, status, donors, names });
  return { config: running.config, period, creators, donors, plan, status, checks: results, elapsed: progress.elapsed() };
}

function displayPath(dir: string): string {
  const rel = relative(process.cwd(), dir);
  return rel !== '' && !rel.startsWith('..') ? rel : dir;
}

function report(outcome: Outcome, dataDir: string): string {
  const { plan, status, config } = outcome;
  const ticker = config.chain.ticker;
  const coins = (text: string) => `${text} ${ticker}`;
  const handleOf = new Map([...outcome.creators, ...outcome.donors].map((person) => [person.id, person.handle]));
  const width = Math.max(...[...handleOf.values()].map((handle) => handle.length));
  const name = (id: string) => (handleOf.get(id) ?? id).padEnd(width);
  const lines: string[] = [`kibble demo: ${outcome.period} played and settled on the embedded regtest chain`, '', 'creators'];

  // In the cast's order (the plan sorts by account id, which differs from run to run).
  const rank = (id: string) => [...outcome.creators, ...outcome.donors].findIndex((person) => person.id === id);
  const byCast = <T>(rows: readonly T[], id: (row: T) => string): T[] => [...rows].sort((a, b) => rank(id(a)) - rank(id(b)));
  for (const creator of byCast(plan.creators, (c) => c.creatorId)) {
    const owed = coins(creator.owedAfter);
    const what: Record<string, string> = {
      paid: `paid ${coins(creator.paid)} to ${creator.payoutAddress ?? '?'}`,
      'below-dust': `carried: below dust (${owed} owed, under ${formatCoins(config.chain.dustThreshold)})`,
      'no-payout-address': `unclaimed: no payout address (${owed} owed)`,
      'nothing-owed': 'nothing owed',
    };
    lines.push(`  ${name(creator.creatorId)}  earned ${coins(creator.credited).padEnd(12)}  ${what[creator.outcome] ?? creator.outcome}`);
  }
  lines.push('', 'donors');
  for (const donor of byCast(plan.donors, (d) => d.donorId)) {
    const left = parseCoins(donor.balanceBefore, config.chain) - parseCoins(donor.charge, config.chain) + parseCoins(donor.refunded, config.chain);
    lines.push(`  ${name(donor.donorId)}  budget ${donor.budget.padEnd(5)} balance ${donor.balanceBefore.padEnd(4)} -> charged ${coins(donor.charge)} for ${donor.clicks} click(s), ${coins(formatCoins(left))} left`);
  }
  lines.push('');
  lines.push(`service fee      ${coins(String(plan.totals['serviceFee'] ?? '?'))} (${config.serviceFeeBps / 100}%)`);
  if (plan.feePayment !== null) lines.push(`fee address      ${plan.feePayment.address}: ${plan.feePayment.note}`);
  lines.push(`network fee      ${coins(plan.networkFee)}`);
  for (const tx of status.transactions) {
    lines.push(`transaction      ${tx.txid}  ${tx.state}, ${tx.confirmations} confirmation(s), block ${tx.blockHeight ?? '-'}, ${tx.bytes} bytes`);
  }
  lines.push(`elapsed          ${outcome.elapsed} s`, '', 'invariants (DESIGN.md section 2), checked against the chain and the ledger');
  for (const check of outcome.checks) {
    lines.push(`  ${check.ok ? '✓' : '✗'} ${check.invariant}. ${check.title}`);
    for (const detail of check.details) lines.push(`      ${detail}`);
  }
  const failed = outcome.checks.filter((check) => !check.ok).length;
  lines.push('', failed === 0 ? 'all invariants hold' : `${failed} invariant(s) FAILED`);
  const given = process.env['DATA_DIR'];
  lines.push(
    '',
    `to look at it: DATA_DIR=${given !== undefined && given !== '' ? given : displayPath(dataDir)} npm start`,
    `  then open /operator/settlements/${outcome.period} in the browser (sign in with the operatorToken of ${displayPath(join(dataDir, 'dev-keys.json'))}),`,
    `  or the admin API: GET /api/v1/admin/settlements/${outcome.period} with Authorization: Bearer <that token>`,
  );
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  const given = process.env['DATA_DIR'];
  const dataDir = given !== undefined && given !== '' ? resolve(given) : DEFAULT_DATA_DIR;
  const progress = new Progress(STEPS);
  let running: RunningKibble | undefined;
  let outcome: Outcome | undefined;
  let failure: unknown;

  // Ctrl-C (or a kill) stops the service before exiting; a second one exits at once. `on`, not
  // `once`: the helpers' safety net (src/runtime/embedded/managed-process.ts) re-raises the signal, ending
  // the process on the spot, when no other listener is left.
  let signals = 0;
  const interrupted = new Promise<never>((_, reject) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        signals += 1;
        if (signals > 1) process.exit(130);
        progress.mute();
        reject(new Interrupted(`${signal} received`));
      });
    }
  });
  try {
    outcome = await Promise.race([playMonth(progress, dataDir, (started) => (running = started)), interrupted]);
  } catch (error) {
    failure = error;
  } finally {
    if (running !== undefined) {
      progress.step('stopping kibble', failure !== undefined);
      const stopped = running.stop().then(
        () => true,
        (error: unknown) => {
          process.stderr.write(`\nstopping failed: ${String(error)}\n`);
          return true;
        },
      );
      // After a signal the helpers' safety net has already killed the database and the node, and
      // the service's loops may wait out their database timeouts: do not make the user wait too.
      const limit = failure instanceof Interrupted ? INTERRUPTED_STOP_MS : STOP_MS;
      const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), limit).unref());
      if (!(await Promise.race([stopped, timer]))) process.stderr.write(`\nthe service did not stop within ${limit / 1000} s; exiting anyway\n`);
    }
  }
  const ok = failure === undefined && outcome !== undefined && outcome.checks.every((check) => check.ok);
  progress.done(ok);
  if (outcome !== undefined) process.stdout.write(report(outcome, dataDir));
  if (failure instanceof Interrupted) {
    process.stderr.write(`demo: ${failure.message}, stopped\n`);
    return 130;
  }
  if (failure !== undefined) {
    process.stderr.write(`demo failed: ${failure instanceof Error ? (failure.stack ?? failure.message) : inspect(failure)}\n`);
    return 1;
  }
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${String(error)}\n`);
    process.exit(1);
  },
);

// `kibble scan --once` runs under the scanner lease, as `kibble serve` does: it refuses or waits
// while another process holds it, and gives it up when done or stopped.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { JsonRpcChainClient } from '../../../src/node/rpc-client';
import { chainProfile } from '../../../src/chain/profiles';
import { ChainCursorModel } from '../../../src/db/chain-cursor';
import { ClaimModel } from '../../../src/db/claim';
import { SCANNER_LEASE_SLOT_MS, scannerLease } from '../../../src/jobs/scanner-lease';
import type { ScanReport } from '../../../src/services/wallet-watch/scanner';
import { kibbleNodeArgs } from '../../support/child-build';
import { deploymentEnv } from '../../support/cli';
import { useTestDatabase } from '../../support/database';
import { RegtestFaucet } from '../../support/faucet';
import { useRegtestNode } from '../../support/regtest';

const ROOT = join(__dirname, '../../..');
const chain = chainProfile('bcoin-regtest');
const OTHER = 'serve:elsewhere:1234';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('kibble scan --once: the scanner lease, and the report after a rollback', () => {
  const db = useTestDatabase();
  const node = useRegtestNode();

  let rpc: JsonRpcChainClient;
  let faucet: RegtestFaucet;

  beforeAll(async () => {
    rpc = new JsonRpcChainClient(node.rpcUrl);
    faucet = new RegtestFaucet(rpc, chain);
    await faucet.prepare();
    await faucet.mine(3);
  });

  afterEach(async () => {
    await ClaimModel.deleteMany({});
  });

  /** The real CLI in a child process; `whileRunning` gets it to send signals. */
  function kibbleScan(args: string[], whileRunning?: (child: ReturnType<typeof spawn>) => void): Promise<Run> {
    const env = deploymentEnv(db, chain, node.rpcUrl, { MIN_CONFIRMATIONS: '2', SCAN_START_HEIGHT: '0' });
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...kibbleNodeArgs(), 'scan', '--once', ...args], { cwd: ROOT, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      whileRunning?.(child);
    });
  }

  /** Another instance holding the lease for this slot and the next (so a slot boundary cannot free it). */
  async function holdElsewhere(): Promise<{ release(): Promise<void> }> {
    const now = scannerLease(OTHER, () => new Date());
    const next = scannerLease(OTHER, () => new Date(Date.now() + SCANNER_LEASE_SLOT_MS));
    expect(await now.holds()).toBe(true);
    expect(await next.holds()).toBe(true);
    return {
      async release() {
        await now.release();
        await next.release();
      },
    };
  }

  const cliClaims = async () => ClaimModel.find({ holder: /^cli:/ }).lean();

  it('refuses at once with --wait 0, naming the holder, and scans nothing', async () => {
    await holdElsewhere();
    const run = await kibbleScan(['--wait', '0']);
    expect(run.code).toBe(75);
    expect(run.stderr).toContain(`the "scanner" lease is held by "${OTHER}"`);
    expect(run.stderr).toContain('--wait <seconds>');
    expect(run.stdout).toBe('');
    expect(await ChainCursorModel.findById(chain.name).lean()).toBeNull();
  });

  it('waits while another process holds the lease, scans once it is given up, and gives it up too', async () => {
    const other = await holdElsewhere();
    let releasedAt = 0;
    const run = await kibbleScan(['--wait', '30', '--json'], (child) => {
      // Given up a moment after the CLI says it waits.
      child.stderr?.once('data', () => setTimeout(() => void other.release().then(() => (releasedAt = Date.now())), 1_000));
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`held by "${OTHER}"; waiting up to 30 s`);
    expect(releasedAt).toBeGreaterThan(0);
    const report = JSON.parse(run.stdout) as ScanReport;
    expect(report).toMatchObject({ fromHeight: 0, toHeight: report.tip, rolledBackTo: null });
    expect(report.blocks).toBeGreaterThan(0);
    expect(await cliClaims()).toEqual([]);
  });

  it('stops waiting on SIGINT: exit 130, no lease left behind', async () => {
    await holdElsewhere();
    const run = await kibbleScan(['--wait', '60'], (child) => {
      let told = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        told += chunk.toString();
        if (told.includes('waiting up to 60 s')) child.kill('SIGINT');
      });
    });
    expect(run.stderr).toContain(`the "scanner" lease is held by "${OTHER}"; waiting up to 60 s`);
    expect(run.code).toBe(130);
    expect(run.stderr).toContain('SIGINT received');
    expect(await cliClaims()).toEqual([]);
  });

  it('reports the heights it ends at after a rollback, and the fork point', async () => {
    const mined = await faucet.mine(3);
    const before = JSON.parse((await kibbleScan(['--json'])).stdout) as ScanReport;
    const top = before.tip;
    expect(before.toHeight).toBe(top);

    // The last two blocks leave the best chain, and nothing replaces them yet.
    await rpc.invalidateBlock(mined[1] as string);
    const run = await kibbleScan([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`scanned 0 block(s): height ${top} -> ${top - 2}, node tip ${top - 2}`);
    expect(run.stdout).toContain(`reorg: rolled back to the fork point at height ${top - 2}`);
    expect(await ChainCursorModel.findById(chain.name).lean()).toMatchObject({ height: top - 2 });

    // A new branch, longer than the old one: rescanned from the fork point.
    await faucet.mine(3);
    expect(JSON.parse((await kibbleScan(['--json'])).stdout)).toMatchObject({ fromHeight: top - 2, toHeight: top + 1, blocks: 3, reorgs: 0, rolledBackTo: null });
  });

  it('rejects a --wait that is not a number of seconds', async () => {
    const run = await kibbleScan(['--wait', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"soon" is not a number of seconds');
  });
});

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressDeriver } from '../../../src/keys/hd';
import { createSigner } from '../../../src/signer/hd-signer';
import { JsonRpcChainClient } from '../../../src/node/rpc-client';
import { DepositModel } from '../../../src/db/deposit';
import { COIN } from '../../../src/money/amount';
import { donorAccount } from '../../../src/money/ledger';
import { allocateDepositAddress } from '../../../src/services/accounts/deposit-address';
import type { ScanReport } from '../../../src/services/wallet-watch/scanner';
import { accountBalance } from '../../../src/services/ledger/balances';
import { deploymentEnv, runKibbleProcess } from '../../support/cli';
import { useTestDatabase } from '../../support/database';
import { RegtestFaucet } from '../../support/faucet';
import { describeEachNode, useRegtestNode } from '../../support/regtest';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

describeEachNode('kibble scan --once (a child process)', (kind) => {
  const db = useTestDatabase();
  const node = useRegtestNode(kind);
  const chain = node.chain;

  async function scanOnce(): Promise<ScanReport> {
    const env = deploymentEnv(db, chain, node.rpcUrl, { MIN_CONFIRMATIONS: '2', SCAN_START_HEIGHT: '0' });
    const { stdout } = await runKibbleProcess(['scan', '--once', '--json'], { env, timeout: 60_000 });
    return JSON.parse(stdout) as ScanReport;
  }

  it('scans to the tip, credits a confirmed deposit, and resumes from its cursor next time', async () => {
    const rpc = new JsonRpcChainClient(node.rpcUrl);
    const faucet = new RegtestFaucet(rpc, chain);
    await faucet.prepare(chain.coinbaseMaturity + 10);
    const deriver = new AddressDeriver(chain, createSigner(chain, { mnemonic: MNEMONIC }).accountXpub());
    const donorId = '65f000000000000000000001';
    const { address } = await allocateDepositAddress(deriver, donorId, new Date());
    const paid = await faucet.pay([{ address, amount: 3n * COIN }]);
    await faucet.mine(2);
    const tip = await rpc.getBlockCount();

    const first = await scanOnce();
    expect(first).toMatchObject({ fromHeight: 0, toHeight: tip, tip, blocks: tip, credited: 1, reorgs: 0 });
    expect(await DepositModel.findById(`${paid.txid}:${paid.vouts[0]}`).lean()).toMatchObject({ status: 'credited' });
    expect(await accountBalance(donorAccount(donorId))).toBe(3n * COIN);

    const second = await scanOnce();
    expect(second).toMatchObject({ fromHeight: tip, toHeight: tip, blocks: 0, credited: 0 });
    expect(await accountBalance(donorAccount(donorId))).toBe(3n * COIN);
  });
});

describe('kibble scan --once (a child process) without configuration', () => {
  it('says what is missing when the database or node is not configured', async () => {
    // A DATA_DIR where no embedded stack runs: nothing to fall back on.
    const env = { ...process.env, MONGODB_URI: '', CHAIN_RPC_URL: '', LOG_LEVEL: 'silent', DATA_DIR: join(tmpdir(), `kibble-no-stack-${process.pid}`) };
    const failed = await runKibbleProcess(['scan', '--once'], { env }).catch((error: unknown) => error as { code: number; stderr: string });
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(/no MONGODB_URI, and no embedded stack is running on DATA_DIR .*set MONGODB_URI and CHAIN_RPC_URL/);
  });
});

import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transaction } from 'bitcoinjs-lib';
import { SettlementModel, type Settlement } from '../../../src/db/settlement';
import { flattr } from '../../../src/services/clicks/clicks';
import { readPsbt, unsignedTxidOf, unsignedTxidOfTransaction } from '../../../src/signer/psbt';
import { deploymentEnv, runKibbleProcess } from '../../support/cli';
import { doge } from '../../support/money';
import { rawsSignedInProcess } from '../../support/planned-signatures';
import { FEE_BPS, MIN_CONFIRMATIONS, SETTLEMENT_MNEMONIC, settlementXpub, useSettlementWorld } from '../../support/settlement-world';

// The offline flow as an operator types it, every step a real `kibble` process (runKibbleProcess):
// `settle --export-psbt` by a deployment holding WALLET_XPUB only, `settlement-status` showing the
// month waiting for signatures, `kibble sign` with nothing but the files and the mnemonic file
// (no database, no node in its environment), `settle --import-signed` broadcasting them.

const PERIOD = '2026-07';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function kibbleProcess(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await runKibbleProcess(args, { env, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Without any key of the test's own environment: the deployment has the xpub, nothing more. */
function keyless(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { WALLET_XPRV: _xprv, WALLET_MNEMONIC: _mnemonic, SIGNER_URL: _signer, ...rest } = env;
  return rest;
}

describe('a month signed offline, every step through the kibble CLI', () => {
  const world = useSettlementWorld();
  let dir: string;
  let deployment: NodeJS.ProcessEnv;
  const files = (suffix: string) => readdirSync(dir).filter((name) => name.endsWith(suffix)).sort().map((name) => join(dir, name));
  const unsignedFiles = () => files('.psbt').filter((file) => !file.endsWith('.signed.psbt'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kibble-offline-cli-'));
    const donor = await world.donor(doge(3));
    await world.fund(donor, doge(10));
    await flattr(donor.id, await world.thing(await world.creator()), new Date(`${PERIOD}-03T00:00:00Z`));
    await flattr(donor.id, await world.thing(await world.creator()), new Date(`${PERIOD}-04T00:00:00Z`));
    writeFileSync(join(dir, 'mnemonic.txt'), `${SETTLEMENT_MNEMONIC}\n`);
    chmodSync(join(dir, 'mnemonic.txt'), 0o600);
    deployment = keyless(deploymentEnv(world.db, world.chain, world.node.rpcUrl, {
      WALLET_XPUB: settlementXpub(),
      FEE_ADDRESS: world.feeAddress,
      SERVICE_FEE_BPS: String(FEE_BPS),
      MIN_CONFIRMATIONS: String(MIN_CONFIRMATIONS),
    }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('settle --export-psbt writes the PSBTs and summary; settlement-status says waiting for signatures; nothing is sent', async () => {
    const exported = await kibbleProcess(deployment, 'settle', PERIOD, '--export-psbt', dir);
    expect({ code: exported.code, stderr: exported.stderr }).toEqual({ code: 0, stderr: '' });
    expect(exported.stdout).toContain(`${PERIOD}-summary.json`);
    expect(unsignedFiles().length).toBeGreaterThan(0);
    expect(await world.rpc.getRawMempool()).toEqual([]);

    const status = await kibbleProcess(deployment, 'settlement-status', PERIOD);
    expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
    expect(status.stdout).toContain(`Settlement ${PERIOD}: planned`);
    expect(status.stdout).toMatch(/waiting for signatures \(PSBTs exported \d{4}-\d\d-\d\dT/);
  }, 120_000);

  test('kibble sign, offline (no database, no node), signs them; settle --import-signed broadcasts the planned transactions', async () => {
    const offline = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent' };
    const signed = await kibbleProcess(offline, 'sign', ...unsignedFiles(), '--summary', join(dir, `${PERIOD}-summary.json`),
      '--mnemonic-file', join(dir, 'mnemonic.txt'), '--state-dir', join(dir, 'signer-state'), '--chain', world.chain.name);
    expect({ code: signed.code, stderr: signed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(signed.stdout).toContain(`kibble settlement of ${PERIOD}`);
    expect(files('.signed.psbt')).toHaveLength(unsignedFiles().length);

    const imported = await kibbleProcess(deployment, 'settle', PERIOD, '--import-signed', ...files('.signed.psbt'));
    expect({ code: imported.code, stderr: imported.stderr }).toEqual({ code: 0, stderr: '' });
    expect(imported.stdout).toContain(`Settlement ${PERIOD}: broadcast`);
    expect(imported.stdout).not.toContain('waiting for signatures');

    const settled = await SettlementModel.findById(PERIOD).lean<Settlement>();
    if (settled === null) throw new Error('no settlement');
    expect(settled.state).toBe('broadcast');
    // Exactly the planned transactions: the exported PSBTs' unsigned ones, signed as the
    // in-process signer signs the stored plan, byte for byte; and those are in the mempool.
    expect(settled.commitment?.root).toMatch(/^[0-9a-f]{64}$/);
    expect(settled.transactions.map((tx) => tx.raw)).toEqual(await rawsSignedInProcess(world.chain, settled, SETTLEMENT_MNEMONIC));
    const exportedUnsigned = unsignedFiles().map((file) => unsignedTxidOf(readPsbt(world.chain, readFileSync(file, 'utf8').trim(), file)));
    expect(settled.transactions.map((tx) => unsignedTxidOfTransaction(Transaction.fromHex(tx.raw)))).toEqual(exportedUnsigned);
    expect((await world.rpc.getRawMempool()).sort()).toEqual(settled.transactions.map((tx) => tx.txid).sort());
  }, 180_000);
});

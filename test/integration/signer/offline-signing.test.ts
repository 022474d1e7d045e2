import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettlementModel, type Settlement } from '../../../src/db/settlement';
import { KibbleError } from '../../../src/errors';
import { flattr } from '../../../src/services/clicks/clicks';
import { exportFiles } from '../../../src/services/settlement/signing';
import { settlementStatusView } from '../../../src/services/settlement/views';
import { createSigner } from '../../../src/signer/hd-signer';
import { signedTransactionFromText } from '../../../src/signer/signed-check';
import { runKibble } from '../../support/cli';
import { rejectedCode } from '../../support/errors';
import { doge } from '../../support/money';
import { rawsSignedInProcess } from '../../support/planned-signatures';
import { SETTLEMENT_MNEMONIC, useSettlementWorld } from '../../support/settlement-world';

// Export -> `kibble sign` (the offline command, with its own signed log) -> import, by a service
// that holds no key: the month is "waiting for signatures" in between, a tampered summary is
// refused offline, an unsigned PSBT is refused at import, and the stored transactions are the
// in-process signer's, byte for byte.

describe('a month signed offline: export, kibble sign, import', () => {
  const world = useSettlementWorld();
  let dir: string;
  const keyless = () => {
    throw new KibbleError('config-invalid', 'this service holds no key');
  };
  const service = () => world.service({ signer: keyless });
  const files = (suffix: string) => readdirSync(dir).filter((name) => name.endsWith(suffix)).sort().map((name) => join(dir, name));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kibble-offline-'));
    const donor = await world.donor(doge(3));
    await world.fund(donor, doge(10));
    await flattr(donor.id, await world.thing(await world.creator()), new Date('2026-07-03T00:00:00Z'));
    writeFileSync(join(dir, 'mnemonic.txt'), `${SETTLEMENT_MNEMONIC}\n`);
    chmodSync(join(dir, 'mnemonic.txt'), 0o600);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('export writes the PSBTs and the summary; the month waits for signatures, nothing is sent', async () => {
    const exported = await service().execute('2026-07', {
      exportForSigning: async (period, stored, dataScript) => {
        const walletXpub = createSigner(world.chain, { mnemonic: SETTLEMENT_MNEMONIC }).accountXpub();
        for (const file of await exportFiles({ chain: world.chain, rpc: world.rpc, walletXpub, dataOutputs: dataScript === undefined ? [] : [dataScript] }, period, stored)) writeFileSync(join(dir, file.name), file.text);
      },
    });
    expect(exported.state).toBe('planned');
    expect(settlementStatusView('2026-07', exported, undefined).awaitingSignaturesSince).not.toBeNull();
    expect(files('.psbt').length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, '2026-07-summary.txt'), 'utf8')).toContain('kibble settlement of 2026-07');
    expect(await world.rpc.getRawMempool()).toEqual([]);
  });

  test('kibble sign refuses a summary that does not match the PSBTs, then signs the real one', async () => {
    const summary = JSON.parse(readFileSync(join(dir, '2026-07-summary.json'), 'utf8')) as { payments: { amount: string }[] };
    const first = summary.payments[0];
    if (first === undefined) throw new Error('no payment');
    first.amount = (BigInt(first.amount) + 1n).toString();
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(summary));
    const args = (summaryFile: string) => ['sign', ...files('.psbt'), '--summary', summaryFile, '--mnemonic-file', join(dir, 'mnemonic.txt'), '--state-dir', join(dir, 'state'), '--chain', world.chain.name];
    const refused = await runKibble(...args(join(dir, 'tampered.json')));
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/refusing to sign: .* is paid \d+ koinu, the plan says \d+ \[signing-refused\]/);

    const signed = await runKibble(...args(join(dir, '2026-07-summary.json')));
    expect(signed.stderr).toBe('');
    expect(signed.exitCode).toBe(0);
    expect(signed.stdout).toContain('kibble settlement of 2026-07');
    expect(files('.signed.psbt')).toHaveLength(files('.psbt').length - files('.signed.psbt').length);
  });

  test('import refuses unsigned PSBTs, takes the signed ones and broadcasts them', async () => {
    const unsigned = files('.psbt').filter((file) => !file.endsWith('.signed.psbt'));
    expect(unsigned.length).toBeGreaterThan(0);
    expect(() => unsigned.map((file) => signedTransactionFromText(world.chain, readFileSync(file, 'utf8'), file))).toThrow(/finalized PSBT/);

    const signedFiles = files('.signed.psbt');
    const settled = await service().importSigned('2026-07', signedFiles.map((file) => ({ label: file, tx: signedTransactionFromText(world.chain, readFileSync(file, 'utf8'), file) })));
    expect(settled.state).toBe('broadcast');
    expect(settled.transactions.map((tx) => tx.raw)).toEqual(await rawsSignedInProcess(world.chain, settled, SETTLEMENT_MNEMONIC));
    expect((await world.rpc.getRawMempool()).sort()).toEqual(settled.transactions.map((tx) => tx.txid).sort());
    // Importing again changes nothing: the month is out.
    expect(await rejectedCode(service().importSigned('2026-07', []))).toBe('settlement-refused');
    expect((await SettlementModel.findById('2026-07').lean<Settlement>())?.state).toBe('broadcast');
  });
});

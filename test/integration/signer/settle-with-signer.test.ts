import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettlementModel, type Settlement } from '../../../src/db/settlement';
import { KibbleError } from '../../../src/errors';
import { flattr } from '../../../src/services/clicks/clicks';
import { remoteSigning } from '../../../src/services/settlement/signing';
import { createSigner } from '../../../src/signer/hd-signer';
import { SignerClient } from '../../../src/signer/signer-client';
import type { SignRequestBody, SignResponseBody } from '../../../src/signer/signer-protocol';
import { capturedLog } from '../../support/captured-log';
import { rejectedCode } from '../../support/errors';
import { doge } from '../../support/money';
import { rawsSignedInProcess } from '../../support/planned-signatures';
import { SETTLEMENT_MNEMONIC, useSettlementWorld } from '../../support/settlement-world';
import { keyMaterialIn, startSignerProcess, type SignerChild } from '../../support/signer-process';

// A month settled by a service that holds no key: PSBTs to a `kibble signer` child process over
// its socket. A tampered request is refused with its reason stored and nothing broadcast; the
// signer killed between logging and answering costs a retry, not a second set of transactions.

/** What a compromised service might send: the plan summary says one koinu more than the PSBT pays. */
class TamperingClient extends SignerClient {
  override sign(body: SignRequestBody): Promise<SignResponseBody> {
    const summary = body.summary as { payments: { amount: string }[] };
    const first = summary.payments[0];
    if (first !== undefined) first.amount = (BigInt(first.amount) + 1n).toString();
    return super.sign(body);
  }
}

describe('a month settled through a separate kibble signer', () => {
  const world = useSettlementWorld();
  const serviceLog = capturedLog('debug');
  const signerOutputs: string[] = [];
  let stateDir: string;
  let signer: SignerChild | undefined;
  const keyless = () => {
    throw new KibbleError('config-invalid', 'this service holds no key');
  };
  const serviceWith = (client: SignerClient) => world.service({
    signer: keyless,
    sign: remoteSigning({ chain: world.chain, rpc: world.rpc, client, walletXpub: createSigner(world.chain, { mnemonic: SETTLEMENT_MNEMONIC }).accountXpub() }),
    log: serviceLog.logger,
  });
  const start = async (args: string[] = []) => {
    signer = await startSignerProcess(stateDir, world.chain.name, args, { WALLET_MNEMONIC: SETTLEMENT_MNEMONIC });
    return signer;
  };
  const stop = async () => {
    if (signer !== undefined) signerOutputs.push(await signer.stop());
    signer = undefined;
  };

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'kibble-settle-signer-'));
    const donor = await world.donor(doge(3));
    await world.fund(donor, doge(10));
    await flattr(donor.id, await world.thing(await world.creator()), new Date('2026-07-03T00:00:00Z'));
    await flattr(donor.id, await world.thing(await world.creator()), new Date('2026-07-04T00:00:00Z'));
  });
  afterAll(async () => {
    await stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('a request that does not match its plan is refused: reason stored, nothing broadcast', async () => {
    const running = await start();
    expect(await rejectedCode(serviceWith(new TamperingClient(running.socketUrl)).execute('2026-07'))).toBe('signing-refused');
    const stopped = await SettlementModel.findById('2026-07').lean<Settlement>();
    expect(stopped?.state).toBe('planned');
    expect(stopped?.lastError).toMatch(/refusing to sign: .* is paid \d+ koinu, the plan says \d+/);
    expect(await world.rpc.getRawMempool()).toEqual([]);
  });

  test('the signer dies after logging, before answering: the retry gets the same bytes, then they are broadcast', async () => {
    await stop();
    const crashing = await start(['--exit-after-logging']);
    expect(await rejectedCode(serviceWith(new SignerClient(crashing.socketUrl)).execute('2026-07'))).toBe('signer-unreachable');
    expect((await SettlementModel.findById('2026-07').lean<Settlement>())?.lastError).toMatch(/signer at unix:.* broke off|cannot be reached/);
    expect(await world.rpc.getRawMempool()).toEqual([]);
    await crashing.exited;
    await stop();

    const running = await start();
    const settled = await serviceWith(new SignerClient(running.socketUrl)).execute('2026-07');
    expect(settled.state).toBe('broadcast');
    expect(running.output()).toContain('period signed before, logged bytes answered');
    // The same transactions, byte for byte, as the in-process signer makes from the stored plan.
    expect(settled.transactions.map((tx) => tx.raw)).toEqual(await rawsSignedInProcess(world.chain, settled, SETTLEMENT_MNEMONIC));
    expect((await world.rpc.getRawMempool()).sort()).toEqual(settled.transactions.map((tx) => tx.txid).sort());
  });

  test('no log line of the service or the signer holds key material', async () => {
    await stop();
    const all = [...serviceLog.lines, ...signerOutputs].join('\n');
    expect(all).toContain('settlement signed');
    expect(keyMaterialIn(all, SETTLEMENT_MNEMONIC)).toEqual([]);
  });
});

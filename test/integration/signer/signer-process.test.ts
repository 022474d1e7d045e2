import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isKibbleError, type KibbleError } from '../../../src/errors';
import { SignerClient } from '../../../src/signer/signer-client';
import { settlementPsbt } from '../../../src/signer/psbt';
import { planSummaryToJson } from '../../../src/signer/plan-summary';
import { signSettlementTransaction } from '../../../src/signer/tx-signer';
import { keyMaterialIn, startSignerProcess, type SignerChild } from '../../support/signer-process';
import { foreignAddress, month, MNEMONIC, wallet, type Month } from '../../unit/signer/signer-fixture';

// `kibble signer` as its own process, driven over its socket by the service's client: the key
// only in the signer's environment, refusals with their reason, the crash between logging and
// answering, and no key material in anything it prints.

const w = wallet();

function startSigner(stateDir: string, extraArgs: string[] = [], env: Record<string, string> = { WALLET_MNEMONIC: MNEMONIC }): Promise<SignerChild> {
  return startSignerProcess(stateDir, w.chain.name, ['--daily-ceiling', '1000', ...extraArgs], env);
}

async function refusal(promise: Promise<unknown>): Promise<KibbleError> {
  try {
    await promise;
  } catch (error) {
    if (isKibbleError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

function requestOf(m: Month, transactions = m.build.transactions) {
  return { summary: JSON.parse(planSummaryToJson(m.summary)) as unknown, psbts: transactions.map((tx) => settlementPsbt(w.chain, tx, m.previous, w.account).toBase64()) };
}

describe('kibble signer, a process of its own', () => {
  let stateDir: string;
  const outputs: string[] = [];
  const m = month(w, { period: '2026-10' });
  const inProcess = m.build.transactions.map((tx) => signSettlementTransaction(w.chain, tx, w.signer).raw);

  beforeAll(() => (stateDir = mkdtempSync(join(tmpdir(), 'kibble-signer-'))));
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  test('signs a month, answers the same bytes again, refuses tampering with its reason', async () => {
    const signer = await startSigner(stateDir);
    try {
      const client = new SignerClient(`unix:${join(stateDir, 'signer.sock')}`);
      expect(await client.identity()).toEqual({ chain: w.chain.name, accountXpub: w.signer.accountXpub() });
      const first = await client.sign(requestOf(m));
      expect(first.repeat).toBe(false);
      expect(first.transactions.map((tx) => tx.raw)).toEqual(inProcess);
      const again = await client.sign(requestOf(m));
      expect(again.repeat).toBe(true);
      expect(again.transactions.map((tx) => tx.raw)).toEqual(inProcess);

      const other = month(w, { period: '2026-11' });
      const foreign = structuredClone(other.build.transactions);
      const output = foreign[0]?.outputs.find((o) => o.change === undefined);
      if (output === undefined) throw new Error('no payment output');
      output.address = foreignAddress(w.chain, 50);
      const refused = await refusal(client.sign(requestOf(other, foreign)));
      expect([refused.code, refused.details?.reason]).toEqual(['signing-refused', 'output-not-in-plan']);
      // Another set for the period already signed.
      const second = month(w, { period: '2026-10', deposits: [41n * 100_000_000n, 25n * 100_000_000n, 3n * 100_000_000n] });
      expect((await refusal(client.sign(requestOf(second)))).details?.reason).toBe('period-already-signed');
      // The daily ceiling (1000 coins here, the first month took about 57).
      const big = month(w, { period: '2026-12', deposits: [2000n * 100_000_000n], payments: [{ id: 'x', address: foreignAddress(w.chain, 3), amount: 1500n * 100_000_000n }] });
      expect((await refusal(client.sign(requestOf(big)))).details?.reason).toBe('daily-ceiling-exceeded');
    } finally {
      signer.child.kill('SIGTERM');
      await signer.exited;
      outputs.push(signer.output());
    }
  });

  test('killed between logging and answering: asked again, it answers the logged bytes', async () => {
    const m2 = month(w, { period: '2027-01', deposits: [30n * 100_000_000n, 30n * 100_000_000n, 3n * 100_000_000n] });
    const crashing = await startSigner(stateDir, ['--exit-after-logging']);
    const client = new SignerClient(`unix:${join(stateDir, 'signer.sock')}`);
    expect((await refusal(client.sign(requestOf(m2)))).code).toBe('signer-unreachable');
    await crashing.exited;
    outputs.push(crashing.output());
    const restarted = await startSigner(stateDir);
    try {
      const answer = await client.sign(requestOf(m2));
      expect(answer.repeat).toBe(true);
      expect(answer.transactions.map((tx) => tx.raw)).toEqual(m2.build.transactions.map((tx) => signSettlementTransaction(w.chain, tx, w.signer).raw));
    } finally {
      restarted.child.kill('SIGTERM');
      await restarted.exited;
      outputs.push(restarted.output());
    }
  });

  test('a key file readable by others is refused; a private one works', async () => {
    const keyFile = join(stateDir, 'key.txt');
    writeFileSync(keyFile, `${MNEMONIC}\n`, { mode: 0o644 });
    chmodSync(keyFile, 0o644);
    await expect(startSigner(stateDir, ['--key-file', keyFile], {})).rejects.toThrow(/chmod 600/);
    chmodSync(keyFile, 0o600);
    const signer = await startSigner(stateDir, ['--key-file', keyFile], {});
    signer.child.kill('SIGTERM');
    await signer.exited;
    outputs.push(signer.output());
  });

  test('nothing the signer printed holds key material', () => {
    const all = outputs.join('\n');
    expect(all).toContain('signer: period signed');
    expect(keyMaterialIn(all, MNEMONIC)).toEqual([]);
    // The check itself finds what it looks for.
    expect(keyMaterialIn(`{"msg":"${MNEMONIC}","k":"tprv${'8'.repeat(100)}"}`, MNEMONIC)).toContain('an extended private key');
    expect(keyMaterialIn(MNEMONIC, MNEMONIC)).toHaveLength(10);
  });
});

import { chainProfile } from '../../../src/chain/profiles';
import { isKibbleError } from '../../../src/errors';
import { AddressDeriver } from '../../../src/keys/hd';
import { toHex } from '../../../src/proofs/encoding';
import { createSigner } from '../../../src/signer/hd-signer';
import { signMessageWith } from '../../../src/signer/message-signer';
import { reservesProofJson } from '../../../src/proofs/reserves-proof';
import { leafIndexOf, publishedReserves, reservesSignedMessage, reservesTree, type PublishedReserves } from '../../../src/proofs/reserves-snapshot';
import { reservesSalt } from '../../../src/proofs/salts';
import { checkReserves, outpointOf, parsePublishedReserves, type OutputFinding } from '../../../src/proofs/verify-reserves';

const SECRET = new Uint8Array(32).fill(3);
const LIABILITIES = [
  { account: 'donor:a', amount: 600n },
  { account: 'creator:b', amount: 300n },
];
const tree = reservesTree('2026-11', SECRET, LIABILITIES);
const OUTPUTS = [
  { txid: '11'.repeat(32), vout: 0, address: 'addr-1', amount: 500n, height: 5 },
  { txid: '22'.repeat(32), vout: 1, address: 'addr-2', amount: 450n, height: 6 },
];
const published: PublishedReserves = publishedReserves({ snapshot: '2026-11', chain: 'bcoin-regtest', takenAt: new Date(0), height: 10, outputs: OUTPUTS }, tree);
const proofOf = (account: string) => reservesProofJson(tree, leafIndexOf(tree, SECRET, account) as number, { account, salt: reservesSalt(SECRET, '2026-11', account) });
const findings = (second: OutputFinding): Map<string, OutputFinding> =>
  new Map([
    [outpointOf(OUTPUTS[0]!), { status: 'unspent', matches: true }],
    [outpointOf(OUTPUTS[1]!), second],
  ]);

describe('verify-reserves logic', () => {
  it('passes when every output is unspent and they cover the liabilities, with the user proof', () => {
    const report = checkReserves(published, findings({ status: 'unspent', matches: true }), proofOf('donor:a'));
    expect(report).toMatchObject({ valid: true, countedOutputs: 2, countedTotal: 950n, liabilitiesTotal: 900n, problems: [], proves: { account: 'donor:a', amount: 600n } });
  });

  it('counts an output spent after the snapshot height only when judging the snapshot at its height, and says so', () => {
    const atHeight = checkReserves(published, findings({ status: 'spent-later', spentAt: 11 }), undefined, { atHeight: true });
    expect(atHeight).toMatchObject({ valid: true, spentLater: [outpointOf(OUTPUTS[1]!)] });
    const now = checkReserves(published, findings({ status: 'spent-later', spentAt: 11 }));
    expect(now.valid).toBe(false);
    expect(now.problems.map((problem) => problem.reason)).toEqual(['output-spent', 'outputs-short']);
    expect(now.problems[0]?.message).toContain("spent at height 11, after the snapshot's height 10");
  });

  it('fails when a spent output leaves the outputs short of the liabilities, naming both reasons', () => {
    const report = checkReserves(published, findings({ status: 'spent', spentAt: 10 }));
    expect(report.valid).toBe(false);
    expect(report.problems.map((problem) => problem.reason)).toEqual(['output-spent', 'outputs-short']);
    expect(report.problems[1]?.message).toContain('total 500 units, less than the liabilities\' 900: short by 400');
  });

  it('fails an output whose value or script differs, and one not found at all', () => {
    expect(checkReserves(published, findings({ status: 'unspent', matches: false })).problems.map((p) => p.reason)).toEqual(['output-mismatch', 'outputs-short']);
    expect(checkReserves(published, new Map()).problems.map((p) => p.reason)).toEqual(['output-missing', 'output-missing', 'outputs-short']);
  });

  it('fails a tampered proof, or one of another snapshot', () => {
    const tampered = { ...proofOf('creator:b'), leaf: { ...proofOf('creator:b').leaf, amount: '1' } };
    expect(checkReserves(published, findings({ status: 'unspent', matches: true }), tampered).problems.map((p) => p.reason)).toEqual(['proof-mismatch']);
    const other = reservesTree('2026-12', SECRET, LIABILITIES);
    const foreign = reservesProofJson(other, leafIndexOf(other, SECRET, 'donor:a') as number, { account: 'donor:a', salt: reservesSalt(SECRET, '2026-12', 'donor:a') });
    expect(checkReserves(published, findings({ status: 'unspent', matches: true }), foreign).problems.map((p) => p.reason)).toEqual(['proof-mismatch']);
  });

  it('refuses a malformed document or one whose stated outputs total is not their sum', () => {
    const code = (json: unknown): string | undefined => {
      try {
        parsePublishedReserves(json);
        return undefined;
      } catch (error) {
        return isKibbleError(error) ? error.code : 'other';
      }
    };
    expect(code(published)).toBeUndefined();
    expect(code({ ...published, outputsTotal: '951' })).toBe('reserves-invalid');
    expect(code({ ...published, liabilities: { ...published.liabilities, total: '-1' } })).toBe('reserves-invalid');
    expect(code({ ...published, extra: 1 })).toBe('reserves-invalid');
  });
});

describe('verify-reserves: address signatures', () => {
  const chain = chainProfile('bcoin-regtest');
  const signer = createSigner(chain, { mnemonic: 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about' });
  const deriver = new AddressDeriver(chain, signer.accountXpub());
  const outputs = [
    { txid: '33'.repeat(32), vout: 0, address: deriver.depositAddress(0), amount: 1000n, height: 5 },
    { txid: '44'.repeat(32), vout: 0, address: deriver.changeAddress(0), amount: 1000n, height: 6 },
  ];
  const message = reservesSignedMessage('2026-11', toHex(tree.root.hash));
  const signatures = [
    { address: outputs[0]!.address, message, signature: signMessageWith(signer, chain, { change: 0, index: 0 }, message) },
    { address: outputs[1]!.address, message, signature: signMessageWith(signer, chain, { change: 1, index: 0 }, message) },
  ];
  const signedDoc = publishedReserves({ snapshot: '2026-11', chain: chain.name, takenAt: new Date(0), height: 10, outputs }, tree, signatures);
  const allUnspent = new Map<string, OutputFinding>(outputs.map((output) => [outpointOf(output), { status: 'unspent', matches: true }]));

  it('counts the addresses whose key signed this snapshot', () => {
    expect(checkReserves(signedDoc, allUnspent, undefined, { chain })).toMatchObject({ valid: true, addresses: 2, addressesSigned: 2 });
    expect(checkReserves({ ...signedDoc, signatures: signatures.slice(1) }, allUnspent, undefined, { chain })).toMatchObject({ valid: true, addressesSigned: 1 });
  });

  it('refuses a signature of another snapshot\'s message, or by another key', () => {
    const replayed = { ...signatures[0]!, message: reservesSignedMessage('2026-10', toHex(tree.root.hash)) };
    const swapped = { ...signatures[0]!, signature: signatures[1]!.signature };
    for (const bad of [replayed, swapped]) {
      const report = checkReserves({ ...signedDoc, signatures: [bad, signatures[1]!] }, allUnspent, undefined, { chain });
      expect(report.problems.map((problem) => problem.reason)).toEqual(['signature-invalid']);
    }
  });
});

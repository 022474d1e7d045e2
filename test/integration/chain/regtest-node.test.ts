import { createHash } from 'node:crypto';
import { p2pkhAddress } from '../../../src/chain/address';
import { parseBlock } from '../../../src/chain/block-parser';
import { chainProfile } from '../../../src/config/chains';
import { useRegtestNode } from '../../support/regtest';

const profile = chainProfile('bcoin-regtest');
const PUBKEY_HASH = Uint8Array.from(Buffer.from('00112233445566778899aabbccddeeff00112233', 'hex'));
const ADDRESS = p2pkhAddress(profile, PUBKEY_HASH);
const P2PKH_SCRIPT = `76a914${Buffer.from(PUBKEY_HASH).toString('hex')}88ac`;

function sha256d(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();
}

describe('bcoin regtest node', () => {
  const node = useRegtestNode();

  it('starts on regtest with an empty chain', async () => {
    const info = await node.rpc<{ chain: string; blocks: number }>('getblockchaininfo');
    expect(info).toMatchObject({ chain: 'regtest', blocks: 0 });
  });

  it('mines to a bcoin-regtest P2PKH address (version byte 0x3c)', async () => {
    const hashes = await node.rpc<string[]>('generatetoaddress', [3, ADDRESS]);
    expect(hashes).toHaveLength(3);
    expect(await node.rpc<number>('getblockcount')).toBe(3);
    expect(await node.rpc<string>('getblockhash', [3])).toBe(hashes[2]);
  });

  it('serves raw blocks that parseBlock decodes', async () => {
    const hash = await node.rpc<string>('getblockhash', [2]);
    const previous = await node.rpc<string>('getblockhash', [1]);
    const rawHex = await node.rpc<string>('getblock', [hash, false]);
    const raw = Uint8Array.from(Buffer.from(rawHex, 'hex'));

    // independent of the parser: the block hash is double-SHA256 of the 80-byte header, reversed
    expect(sha256d(raw.subarray(0, 80)).reverse().toString('hex')).toBe(hash);

    const block = parseBlock(raw, { auxpow: profile.auxpow });
    expect(block).toMatchObject({ hash, prevHash: previous, auxpow: false, auxpowBytes: 0 });
    expect(block.transactions).toHaveLength(1);
    const coinbase = block.transactions[0];
    expect(coinbase?.coinbase).toBe(true);
    const payout = coinbase?.outputs.find((output) => Buffer.from(output.script).toString('hex') === P2PKH_SCRIPT);
    expect(payout?.value).toBe(50n * 100_000_000n); // regtest subsidy before the first halving
  });
});

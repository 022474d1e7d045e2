import validJson from '../../fixtures/dogecoin/base58_keys_valid.json';
import invalidJson from '../../fixtures/dogecoin/base58_keys_invalid.json';
import { checkAddress, type AddressCheck } from '../../../src/chain/address';
import { chainProfile } from '../../../src/chain/profiles';

/** Dogecoin Core 1.14.7's base58 vectors (see test/fixtures/dogecoin/README.md). */

interface CoreVector {
  text: string;
  payloadHex: string;
  isPrivkey: boolean;
  isTestnet: boolean;
  addrType: 'pubkey' | 'script' | undefined;
}

/** The JSON is untyped tuples: check the shape so a malformed vector fails loudly, not silently. */
function toVector(entry: unknown): CoreVector {
  if (!Array.isArray(entry) || entry.length !== 3) throw new Error(`malformed vector ${JSON.stringify(entry)}`);
  const [text, payloadHex, meta] = entry as [unknown, unknown, Record<string, unknown>];
  if (typeof text !== 'string' || typeof payloadHex !== 'string' || typeof meta !== 'object') {
    throw new Error(`malformed vector ${JSON.stringify(entry)}`);
  }
  const addrType = meta.addrType;
  if (addrType !== undefined && addrType !== 'pubkey' && addrType !== 'script') {
    throw new Error(`unknown addrType ${JSON.stringify(addrType)}`);
  }
  return { text, payloadHex, isPrivkey: meta.isPrivkey === true, isTestnet: meta.isTestnet === true, addrType };
}

const valid = (validJson as unknown[]).map(toVector);
const invalid = (invalidJson as unknown[]).map((entry) => {
  const text = Array.isArray(entry) ? (entry[0] as unknown) : undefined;
  if (typeof text !== 'string') throw new Error(`malformed vector ${JSON.stringify(entry)}`);
  return text;
});

const mainnet = chainProfile('dogecoin');
const testnet = chainProfile('dogecoin-testnet');

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function expectedCheck(vector: CoreVector): Partial<AddressCheck> {
  if (vector.isPrivkey) return { valid: false, reason: 'unsupported-type' };
  return { valid: true, type: vector.addrType === 'script' ? 'p2sh' : 'p2pkh' };
}

describe('Dogecoin Core base58_keys_valid.json', () => {
  it('has the 50 vectors the README describes', () => {
    expect(valid).toHaveLength(50);
    expect(valid.filter((v) => v.isPrivkey)).toHaveLength(24);
  });

  it.each(valid.map((v) => [v.isPrivkey ? '(private key)' : v.text, v] as const))('%s', (_name, vector) => {
    const profile = vector.isTestnet ? testnet : mainnet;
    const check = checkAddress(profile, vector.text);
    expect(check).toMatchObject(expectedCheck(vector));
    if (check.valid) {
      expect(hexOf(check.hash)).toBe(vector.payloadHex);
    } else {
      // A WIF key pasted where an address belongs must be named, and never repeated back.
      expect(check.message).toContain('private key');
      expect(check.message).not.toContain(vector.text);
      expect(check.message).not.toContain(vector.payloadHex.slice(0, 64));
    }
  });
});

describe('Dogecoin Core base58_keys_invalid.json', () => {
  it('has the 50 vectors the README describes', () => {
    expect(invalid).toHaveLength(50);
  });

  it.each(invalid.map((text) => [JSON.stringify(text), text] as const))('rejects %s on mainnet and testnet', (_name, text) => {
    for (const profile of [mainnet, testnet]) {
      const check = checkAddress(profile, text);
      expect(check.valid).toBe(false);
    }
  });
});

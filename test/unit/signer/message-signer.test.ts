import { chainProfile } from '../../../src/chain/profiles';
import { messageHash, verifySignedMessage } from '../../../src/chain/signed-message';
import { AddressDeriver } from '../../../src/keys/hd';
import { createSigner } from '../../../src/signer/hd-signer';
import { signMessageWith } from '../../../src/signer/message-signer';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

describe('signed messages (the proof of reserves\' address signatures)', () => {
  for (const name of ['dogecoin', 'bcoin-regtest', 'litecoin'] as const) {
    it(`${name}: a signature by a wallet key verifies with that address, and with nothing else`, () => {
      const chain = chainProfile(name);
      const signer = createSigner(chain, { mnemonic: MNEMONIC });
      const deriver = new AddressDeriver(chain, signer.accountXpub());
      for (const index of [0, 1, 7]) {
        const address = deriver.depositAddress(index);
        const signature = signMessageWith(signer, chain, { change: 0, index }, 'kibble proof of reserves 2026-11 ab');
        expect(Buffer.from(signature, 'base64')).toHaveLength(65);
        expect(verifySignedMessage(chain, address, 'kibble proof of reserves 2026-11 ab', signature)).toBe(true);
        expect(verifySignedMessage(chain, address, 'kibble proof of reserves 2026-12 ab', signature)).toBe(false);
        expect(verifySignedMessage(chain, deriver.depositAddress(index + 1), 'kibble proof of reserves 2026-11 ab', signature)).toBe(false);
        expect(verifySignedMessage(chain, address, 'kibble proof of reserves 2026-11 ab', `${signature.slice(0, -4)}AAA=`)).toBe(false);
        expect(verifySignedMessage(chain, address, 'kibble proof of reserves 2026-11 ab', 'not base64!')).toBe(false);
      }
      const change = signMessageWith(signer, chain, { change: 1, index: 2 }, 'm');
      expect(verifySignedMessage(chain, deriver.changeAddress(2), 'm', change)).toBe(true);
    });
  }

  it('hashes with the chain family\'s prefix (Dogecoin\'s for the Dogecoin-style test chain)', () => {
    const doge = Buffer.from(messageHash(chainProfile('dogecoin'), 'm')).toString('hex');
    expect(Buffer.from(messageHash(chainProfile('bcoin-regtest'), 'm')).toString('hex')).toBe(doge);
    expect(Buffer.from(messageHash(chainProfile('litecoin'), 'm')).toString('hex')).not.toBe(doge);
  });
});

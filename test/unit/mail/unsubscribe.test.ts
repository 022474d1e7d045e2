import { randomBytes } from 'node:crypto';
import { readUnsubscribeToken, unsubscribeToken } from '../../../src/services/mail/unsubscribe';

describe('one-click unsubscribe tokens', () => {
  const key = randomBytes(32);
  const target = { subject: 'account:65a1b2c3d4e5f60718293a4b', kind: 'payout-sent' } as const;

  it('reads back what it signed', () => {
    expect(readUnsubscribeToken(key, unsubscribeToken(key, target))).toEqual(target);
    const address = { subject: 'address:ops@kibble.example', kind: 'operator-alert' } as const;
    expect(readUnsubscribeToken(key, unsubscribeToken(key, address))).toEqual(address);
  });

  it('refuses another key, another kind, another subject and garbage', () => {
    const token = unsubscribeToken(key, target);
    const [subject, , mac] = token.split('.');
    expect(readUnsubscribeToken(randomBytes(32), token)).toBeUndefined();
    expect(readUnsubscribeToken(key, `${subject}.payout-confirmed.${mac}`)).toBeUndefined();
    expect(readUnsubscribeToken(key, `${Buffer.from('account:other').toString('base64url')}.payout-sent.${mac}`)).toBeUndefined();
    expect(readUnsubscribeToken(key, `${subject}.not-a-kind.${mac}`)).toBeUndefined();
    expect(readUnsubscribeToken(key, 'x')).toBeUndefined();
  });
});

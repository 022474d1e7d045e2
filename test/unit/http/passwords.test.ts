import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../../src/services/accounts/passwords';

const cheap = { ln: 10, r: 8, p: 1 };

describe('scrypt password hashes', () => {
  it('verify the right password only', async () => {
    const stored = await hashPassword('correct horse battery', cheap);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('record their parameters and a random salt', async () => {
    const a = await hashPassword('same password', cheap);
    const b = await hashPassword('same password', { ln: 11, r: 8, p: 2 });
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(b).toMatch(/^\$scrypt\$ln=11,r=8,p=2\$/);
    expect(a).not.toBe(await hashPassword('same password', cheap));
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('treat composed and decomposed accents as the same password (NFKC)', async () => {
    const stored = await hashPassword('caf\u00e9 au lait!', cheap);
    expect(await verifyPassword('cafe\u0301 au lait!', stored)).toBe(true);
  });

  it('refuse unreadable or absurd stored hashes instead of running them', async () => {
    const stored = await hashPassword('pw-0123456789', cheap);
    expect(await verifyPassword('pw-0123456789', 'plain text')).toBe(false);
    expect(await verifyPassword('pw-0123456789', stored.replace('ln=10', 'ln=40'))).toBe(false);
    expect(await verifyPassword('pw-0123456789', stored.replace('p=1', 'p=0'))).toBe(false);
    expect(await verifyPassword('pw-0123456789', stored.slice(0, -20))).toBe(false);
  });

  it('refuse to create hashes with parameters out of range', async () => {
    await expect(hashPassword('x', { ln: 4, r: 8, p: 1 })).rejects.toThrow(RangeError);
  });

  it('offer a dummy verification for unknown handles', async () => {
    await expect(verifyAgainstDummy('whatever', cheap)).resolves.toBeUndefined();
  });
});

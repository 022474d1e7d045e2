import fc from 'fast-check';
import { isKibbleError } from '../../../src/errors';
import { CUSTODY_ACCOUNT, donorAccount, ledgerEntryId } from '../../../src/money/ledger';

describe('ledgerEntryId', () => {
  it('joins journal and account', () => {
    expect(ledgerEntryId('deposit:ab:0:credit:0', CUSTODY_ACCOUNT)).toBe('deposit:ab:0:credit:0|custody');
    expect(ledgerEntryId('settlement:2026-10:allocation', donorAccount('d1'))).toBe('settlement:2026-10:allocation|donor:d1');
  });

  it('gives distinct pairs distinct ids, even when journal ids contain the separator', () => {
    const journal = fc.string({ unit: fc.constantFrom('a', ':', '|', 'b') });
    const account = fc.string({ unit: fc.constantFrom('a', ':', 'b') });
    fc.assert(
      fc.property(journal, account, journal, account, (j1, a1, j2, a2) => {
        fc.pre(j1 !== j2 || a1 !== a2);
        expect(ledgerEntryId(j1, a1)).not.toBe(ledgerEntryId(j2, a2));
      }),
    );
  });

  it('refuses an account containing the separator', () => {
    let caught: unknown;
    try {
      ledgerEntryId('deposit:x', 'donor:a|b');
    } catch (error) {
      caught = error;
    }
    expect(isKibbleError(caught, 'ledger-inconsistent')).toBe(true);
  });
});

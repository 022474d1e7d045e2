import { KibbleError } from '../errors';

/** Where a wallet key sits under the account: m/44'/coin'/0'/change/index (DESIGN section 3). */
export interface KeyPath {
  change: 0 | 1;
  index: number;
}

export const MAX_DERIVATION_INDEX = 0x7fffffff;
export const RECEIVE_CHAIN = 0;
export const CHANGE_CHAIN = 1;

export function assertDerivationIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index > MAX_DERIVATION_INDEX) {
    throw new KibbleError(
      'derivation-index-invalid',
      `derivation index must be an integer from 0 to ${MAX_DERIVATION_INDEX}, got ${String(index)}`,
      { index },
    );
  }
}

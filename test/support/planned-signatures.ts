import type { ChainProfile } from '../../src/chain/profiles';
import type { Settlement } from '../../src/db/settlement';
import { commitmentScriptHex } from '../../src/services/settlement/commitment';
import { readPlanChunks } from '../../src/services/settlement/plan-store';
import { createSigner } from '../../src/signer/hd-signer';
import { signSettlementTransaction } from '../../src/signer/tx-signer';

/**
 * The raw transactions the in-process signer makes from a month's stored plan (RFC 6979: the same
 * bytes every time), with the month's commitment as the first transaction's planned data output:
 * what a signer process or an offline signature must have produced too.
 */
export async function rawsSignedInProcess(chain: ChainProfile, settlement: Settlement, mnemonic: string): Promise<string[]> {
  const stored = await readPlanChunks(settlement._id, settlement.planAttempt ?? '', settlement.planChunks ?? 0);
  const root = settlement.commitment?.root;
  const dataScript = root === undefined ? undefined : commitmentScriptHex(settlement._id, root);
  const key = createSigner(chain, { mnemonic });
  return stored.build.transactions.map((tx, index) => signSettlementTransaction(chain, tx, key, index === 0 ? dataScript : undefined).raw);
}

import { WalletOutputModel, type WalletOutput } from '../../db/wallet-output';
import { WalletSpendModel, type WalletSpend } from '../../db/wallet-spend';

/**
 * The wallet as the scanner recorded it: outputs in the best chain, less those a recorded block
 * spent. Two plain reads (no join: FerretDB's aggregation is a subset, and both are small).
 */
export async function unspentWalletOutputs(): Promise<WalletOutput[]> {
  const [outputs, spent] = await Promise.all([WalletOutputModel.find({ status: 'unspent' }).lean(), spentOutpoints()]);
  return outputs.filter((output) => !spent.has(output._id));
}

export async function spentOutpoints(): Promise<Set<string>> {
  return new Set((await WalletSpendModel.find({}, { _id: 1 }).lean()).map((spend) => spend._id));
}

/** The recorded spends of these outpoints, by outpoint. */
export async function spendsOf(outpoints: readonly string[]): Promise<Map<string, WalletSpend>> {
  if (outpoints.length === 0) return new Map();
  const spends = await WalletSpendModel.find({ _id: { $in: outpoints } }).lean();
  return new Map(spends.map((spend) => [spend._id, spend]));
}

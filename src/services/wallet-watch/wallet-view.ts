import { walletOutpointsInBestChain, walletOutputsInBestChain, type WalletOutput } from './wallet-output-store';
import { spentOutpoints } from './wallet-spend-store';

export { spendsOf, spentOutpoints } from './wallet-spend-store';
export { blockHashesOf, inBestChainAmong } from './wallet-output-store';

/**
 * The wallet as the scanner recorded it: outputs in the best chain, less those a recorded block
 * spent. Two plain reads (no join: FerretDB's aggregation is a subset, and both are small).
 */
export async function unspentWalletOutputs(): Promise<WalletOutput[]> {
  const [outputs, spent] = await Promise.all([walletOutputsInBestChain(), spentOutpoints()]);
  return outputs.filter((output) => !spent.has(output._id));
}

/** The outpoints of those alone (the scanner's view). */
export async function unspentWalletOutpoints(): Promise<Set<string>> {
  const [outpoints, spent] = await Promise.all([walletOutpointsInBestChain(), spentOutpoints()]);
  return new Set(outpoints.filter((key) => !spent.has(key)));
}

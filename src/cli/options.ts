import { InvalidArgumentError } from 'commander';
import { CHAIN_NAMES, chainProfile, type ChainProfile } from '../chain/profiles';

/** commander argument parsers: each turns bad input into a usage error that names the problem. */

export function chainOption(value: string): ChainProfile {
  try {
    return chainProfile(value);
  } catch {
    throw new InvalidArgumentError(`unknown chain "${value}"; expected one of: ${CHAIN_NAMES.join(', ')}`);
  }
}

export function indexOption(value: string): number {
  const index = /^(0|[1-9][0-9]{0,9})$/.test(value) ? Number(value) : Number.NaN;
  if (!(index >= 0 && index < 2 ** 31)) {
    throw new InvalidArgumentError(`"${value}" is not a derivation index (a whole number from 0 to 2147483647)`);
  }
  return index;
}

/** A whole number of seconds, 0 to 3600 (an hour: a longer wait is a mistake, not a plan). */
export function secondsOption(value: string): number {
  const seconds = /^(0|[1-9][0-9]{0,3})$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= 0 && seconds <= 3600)) {
    throw new InvalidArgumentError(`"${value}" is not a number of seconds (a whole number from 0 to 3600)`);
  }
  return seconds;
}

export const CHAIN_HELP = `chain profile: ${CHAIN_NAMES.join(', ')}`;

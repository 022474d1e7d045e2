import { splitDonorBudget, type DonorSplitInput } from '../../../src/money/split';
import { plainJson, readVectors, units } from '../vector-files';

interface SplitJson {
  monthlyBudget: string;
  balance: string;
  clickCount: number;
  serviceFeeBps: number;
}
interface Vectors {
  valid: { description: string; input: SplitJson; expected: { charge: string; fee: string; shares: string[] } }[];
  invalid: { description: string; input: SplitJson; throws: 'RangeError' }[];
}

const vectors = readVectors('money/split.json') as Vectors;

function splitInput(json: SplitJson): DonorSplitInput {
  return { monthlyBudget: units(json.monthlyBudget), balance: units(json.balance), clickCount: json.clickCount, serviceFeeBps: json.serviceFeeBps };
}

describe('splitDonorBudget vectors (test/fixtures/money/split.json)', () => {
  it.each(vectors.valid)('$description', ({ input, expected }) => {
    expect(plainJson(splitDonorBudget(splitInput(input)))).toEqual(expected);
  });

  // The split has no catalogue code of its own: these are RangeErrors (see the file's comment).
  it.each(vectors.invalid)('refuses $description', ({ input, throws }) => {
    expect(throws).toBe('RangeError');
    expect(() => splitDonorBudget(splitInput(input))).toThrow(RangeError);
  });
});

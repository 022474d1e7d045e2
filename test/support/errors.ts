import { isKibbleError, KibbleError } from '../../src/errors';

// Error assertions by code (STYLE.md: expected errors are asserted by code, not message text).

/** The code `fn` threw, 'no error', or what else it threw: for vector loops that compare codes. */
export function thrownCode(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return isKibbleError(error) ? error.code : `non-KibbleError: ${String(error)}`;
  }
}

/** thrownCode for a promise. */
export async function rejectedCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return isKibbleError(error) ? error.code : `non-KibbleError: ${String(error)}`;
  }
}

/** The KibbleError `fn` threw; any other outcome fails the test. */
export function kibbleErrorFrom(fn: () => unknown): KibbleError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KibbleError) return error;
    throw error;
  }
  throw new Error('expected a KibbleError, but nothing was thrown');
}

/** Test names must show invisible characters, or "1\u200b" and "1" look like the same case. */
export function showInvisible(input: unknown): string {
  const json = (JSON.stringify(input) as string | undefined) ?? String(input); // undefined for a function or undefined
  return json.replace(/[^\x20-\x7e]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

import type { ErrorCode } from '../errors';
import type { Translator } from './translator';

/**
 * An error's message for a reader of `translator`'s locale. English keeps the specific message the
 * error was thrown with (it names the exact problem); other locales get the code's message from
 * the `errors` namespace, with the error's details filling its placeholders. The code never changes.
 * `variant` picks a more specific message of the same code (`csrf-refused` for a 'forbidden').
 */
export function localizedErrorMessage(
  translator: Translator,
  error: { code: ErrorCode; message: string; details?: Readonly<Record<string, unknown>> | undefined },
  variant?: string,
): string {
  if (translator.locale === 'en') return error.message;
  const key = `errors:${variant ?? error.code}`;
  if (!translator.has(key)) return error.message;
  return translator.tDynamic(key, printableDetails(error.details));
}

function printableDetails(details: Readonly<Record<string, unknown>> | undefined): Record<string, string | number | bigint> {
  const vars: Record<string, string | number | bigint> = {};
  for (const [name, value] of Object.entries(details ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') vars[name] = value;
  }
  return vars;
}

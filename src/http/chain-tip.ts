import type { AppDeps } from './deps';

/**
 * The node's tip, or undefined while the node does not answer (logged): pages and replies still
 * show, without confirmations. `what` names the caller in the log line.
 */
export function tipOrUndefined(deps: Pick<AppDeps, 'chainTip' | 'logger'>, what: string): Promise<number | undefined> {
  return deps.chainTip().catch((error: unknown) => {
    deps.logger.warn({ err: error }, `chain tip unavailable for ${what}`);
    return undefined;
  });
}

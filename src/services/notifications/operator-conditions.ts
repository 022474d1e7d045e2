import { periodBounds } from '../../money/period';

/**
 * What is wrong, for the operator alert job: pure conditions over an observation of existing state
 * (the settlements, the node, the scanner's cursor, custody against the ledger). Each condition has
 * a key that names its episode's subject (one per failing month, one for the node, ...) and how
 * long it must hold before anyone is told, so a blip (one failed RPC call) mails nobody.
 */

export type OperatorConditionKind = 'settlement-failed' | 'settlement-stuck' | 'scanner-lagging' | 'node-unreachable' | 'custody-below-liabilities';

export const OPERATOR_CONDITION_KINDS: readonly OperatorConditionKind[] = ['settlement-failed', 'settlement-stuck', 'scanner-lagging', 'node-unreachable', 'custody-below-liabilities'];

export interface OperatorObservation {
  now: Date;
  settlements: ReadonlyArray<{ period: string; state: string; lastError: string | null }>;
  /** The node's tip, or why it could not be read. */
  node: { reachable: true; tip: number } | { reachable: false };
  /** The deposit scanner's stored height; undefined before its first pass. */
  scannerHeight: number | undefined;
  /** Custody against the ledger (services/reserves/coverage.ts); undefined when it could not be read. */
  coverage: { liabilities: bigint; surplus: bigint } | undefined;
}

export interface OperatorThresholds {
  /** Blocks the scanner may be behind the node's tip. */
  maxLagBlocks: number;
  /** A past month not confirmed this long after it ended is stuck. */
  stuckAfterMs: number;
  /** How long each kind must hold before it is told (its episode fires). */
  holdMs: Readonly<Record<OperatorConditionKind, number>>;
}

const MINUTE = 60_000;

/** Matches docs/alerts.yml, so a mail and a Prometheus alert tell of the same thing. */
export const DEFAULT_OPERATOR_THRESHOLDS: OperatorThresholds = {
  maxLagBlocks: 10,
  stuckAfterMs: 6 * 60 * MINUTE,
  holdMs: {
    'settlement-failed': 15 * MINUTE,
    'settlement-stuck': 0,
    'scanner-lagging': 10 * MINUTE,
    'node-unreachable': 5 * MINUTE,
    'custody-below-liabilities': 30 * MINUTE,
  },
};

export interface OperatorCondition {
  /** The episode's subject: `kind` or `kind:period`. */
  key: string;
  kind: OperatorConditionKind;
  holdMs: number;
  /** What the mail and the event say (numbers and amounts as decimal strings of koinu). */
  details: Record<string, string>;
}

export function operatorConditions(observation: OperatorObservation, thresholds: OperatorThresholds = DEFAULT_OPERATOR_THRESHOLDS): OperatorCondition[] {
  const conditions: OperatorCondition[] = [];
  const add = (kind: OperatorConditionKind, subject: string | undefined, details: Record<string, string>): void => {
    conditions.push({ key: subject === undefined ? kind : `${kind}:${subject}`, kind, holdMs: thresholds.holdMs[kind], details });
  };
  const now = observation.now.getTime();
  for (const settlement of observation.settlements) {
    if (settlement.state === 'confirmed') continue;
    if (settlement.lastError !== null && settlement.lastError !== '') {
      add('settlement-failed', settlement.period, { period: settlement.period, state: settlement.state, error: settlement.lastError });
    }
    const ended = periodBounds(settlement.period).end.getTime();
    if (now - ended >= thresholds.stuckAfterMs) {
      add('settlement-stuck', settlement.period, { period: settlement.period, state: settlement.state, hours: String(Math.floor((now - ended) / (60 * MINUTE))) });
    }
  }
  if (!observation.node.reachable) add('node-unreachable', undefined, {});
  else if (observation.scannerHeight !== undefined && observation.node.tip - observation.scannerHeight > thresholds.maxLagBlocks) {
    add('scanner-lagging', undefined, { lag: String(observation.node.tip - observation.scannerHeight), height: String(observation.scannerHeight), tip: String(observation.node.tip) });
  }
  if (observation.coverage !== undefined && observation.coverage.surplus < 0n) {
    add('custody-below-liabilities', undefined, { shortfall: String(-observation.coverage.surplus), liabilities: String(observation.coverage.liabilities) });
  }
  return conditions;
}

import { recordEvent } from '../events/outbox';
import { custodyCoverage } from '../reserves/coverage';
import { settlementHealth } from '../settlement/settlement-store';
import { readChainCursor } from '../wallet-watch/chain-cursor-store';
import { episodeSteps, type EpisodeStep } from './episodes';
import { notificationIds } from './notification-ids';
import type { NotifyDeps } from './notify-deps';
import { mailFormat } from './mail-format';
import { insertEpisode, markEpisodeFired, openEpisodes, removeEpisode } from './operator-alert-store';
import { DEFAULT_OPERATOR_THRESHOLDS, operatorConditions, type OperatorObservation, type OperatorThresholds } from './operator-conditions';

/**
 * The operator alert pass: observes existing state (settlements, node, scanner cursor, custody
 * against the ledger), turns it into conditions and episodes (pure), and tells each episode once
 * when it fires and once when it resolves: an `operator.alert` event in the outbox (the operator's
 * webhooks get it) and, with OPERATOR_EMAIL, a mail. Ids come from the episode, so a pass repeated
 * after a crash between telling and storing tells nothing twice.
 */

export interface OperatorAlertOptions {
  /** The node's tip (a cheap call); a rejection or a timeout is "unreachable". */
  nodeTip: () => Promise<number>;
  operatorEmail: string | undefined;
  thresholds?: OperatorThresholds;
  nodeTimeoutMs?: number;
}

export interface OperatorAlertReport {
  fired: string[];
  resolved: string[];
}

const NODE_TIMEOUT_MS = 5_000;

export async function observeOperatorState(options: Pick<OperatorAlertOptions, 'nodeTip' | 'nodeTimeoutMs'>, deps: Pick<NotifyDeps, 'chain' | 'clock' | 'log'>): Promise<OperatorObservation> {
  const [settlements, tip, cursor, coverage] = await Promise.all([
    settlementHealth(),
    tipWithin(options.nodeTip, options.nodeTimeoutMs ?? NODE_TIMEOUT_MS),
    readChainCursor(deps.chain.name),
    custodyCoverage().catch((error: unknown) => {
      deps.log.warn({ err: error }, 'operator alerts: custody coverage could not be read');
      return undefined;
    }),
  ]);
  return {
    now: deps.clock(),
    settlements,
    node: tip === undefined ? { reachable: false } : { reachable: true, tip },
    scannerHeight: cursor?.height,
    coverage,
  };
}

export async function runOperatorAlerts(options: OperatorAlertOptions, deps: NotifyDeps): Promise<OperatorAlertReport> {
  const observation = await observeOperatorState(options, deps);
  const conditions = operatorConditions(observation, options.thresholds ?? DEFAULT_OPERATOR_THRESHOLDS);
  const steps = episodeSteps(conditions, await openEpisodes(), observation.now);
  const report: OperatorAlertReport = { fired: [], resolved: [] };
  // An episode another pass opened meanwhile is theirs to tell (its `since`, so its id, differs).
  const openedElsewhere = new Set<string>();
  for (const step of steps) {
    if (step.kind === 'open') {
      if (!(await insertEpisode(step.key, step.since))) openedElsewhere.add(step.key);
      continue;
    }
    if (!openedElsewhere.has(step.key)) await applyStep(step, options, deps, observation.now, report);
  }
  return report;
}

async function applyStep(step: Exclude<EpisodeStep, { kind: 'open' }>, options: OperatorAlertOptions, deps: NotifyDeps, now: Date, report: OperatorAlertReport): Promise<void> {
  const state = step.kind === 'fire' ? 'fired' : 'resolved';
  if (step.kind === 'resolve' && !step.fired) {
    await removeEpisode(step.key, step.since);
    return;
  }
  const conditionKind = step.kind === 'fire' ? step.condition.kind : step.key.split(':')[0] ?? step.key;
  const details = step.kind === 'fire' ? step.condition.details : {};
  await recordEvent(
    {
      kind: 'operator.alert',
      key: `${step.episodeId}:${state}`,
      occurredAt: now,
      accounts: [],
      data: { condition: conditionKind, subject: step.key, state, since: step.since.toISOString(), ...details },
    },
    now,
  );
  if (options.operatorEmail !== undefined) {
    await deps.send({
      id: notificationIds.operatorAlert(state, step.episodeId),
      to: { address: options.operatorEmail },
      kind: 'operator-alert',
      locale: 'en',
      template: step.kind === 'fire' ? `operatorAlert-${conditionKind}` : 'operatorAlertResolved',
      data: {
        condition: conditionKind,
        subject: step.key,
        since: step.since.toISOString(),
        operatorUrl: `${deps.publicUrl}/operator`,
        ...operatorWords(details, deps),
      },
    });
  }
  if (step.kind === 'fire') {
    await markEpisodeFired(step.key, step.since, now);
    report.fired.push(step.episodeId);
  } else {
    await removeEpisode(step.key, step.since);
    report.resolved.push(step.episodeId);
  }
}

async function tipWithin(nodeTip: () => Promise<number>, timeoutMs: number): Promise<number | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([nodeTip().catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The details as the operator reads them: amounts (kept in koinu in the event) in coins. */
function operatorWords(details: Readonly<Record<string, string>>, deps: Pick<NotifyDeps, 'chain'>): Record<string, string> {
  const format = mailFormat('en', deps.chain.ticker);
  const words: Record<string, string> = { ...details };
  for (const name of ['shortfall', 'liabilities']) {
    const koinu = details[name];
    if (koinu !== undefined && /^[0-9]+$/.test(koinu)) words[name] = format.amount(BigInt(koinu));
  }
  return words;
}

import type { OperatorCondition } from './operator-conditions';

/**
 * Episodes of operator conditions: a condition is told once when it has held for its hold time
 * (it "fires"), and once more when it ends after firing (it "resolves"), however often the job
 * looks in between. A condition that ends before firing is forgotten silently. Pure: the job
 * stores the open episodes and applies the steps.
 */

export interface OpenEpisode {
  key: string;
  since: Date;
  firedAt: Date | null;
}

export type EpisodeStep =
  | { kind: 'open'; key: string; since: Date }
  | { kind: 'fire'; episodeId: string; key: string; since: Date; condition: OperatorCondition }
  | { kind: 'resolve'; episodeId: string; key: string; since: Date; fired: boolean };

/** The stable id of an episode, for its mail and its events: the subject and when it began. */
export function episodeId(key: string, since: Date): string {
  return `${key}@${since.toISOString()}`;
}

export function episodeSteps(conditions: readonly OperatorCondition[], open: readonly OpenEpisode[], now: Date): EpisodeStep[] {
  const steps: EpisodeStep[] = [];
  const openByKey = new Map(open.map((episode) => [episode.key, episode]));
  const activeKeys = new Set<string>();
  for (const condition of conditions) {
    if (activeKeys.has(condition.key)) continue;
    activeKeys.add(condition.key);
    const episode = openByKey.get(condition.key);
    const since = episode?.since ?? now;
    if (episode === undefined) steps.push({ kind: 'open', key: condition.key, since });
    if ((episode?.firedAt ?? null) === null && now.getTime() - since.getTime() >= condition.holdMs) {
      steps.push({ kind: 'fire', episodeId: episodeId(condition.key, since), key: condition.key, since, condition });
    }
  }
  for (const episode of open) {
    if (!activeKeys.has(episode.key)) steps.push({ kind: 'resolve', episodeId: episodeId(episode.key, episode.since), key: episode.key, since: episode.since, fired: episode.firedAt !== null });
  }
  return steps;
}

import { isDuplicateKeyError } from '../../db/errors';
import { OperatorAlertModel } from '../../db/operator-alert';
import type { OpenEpisode } from './episodes';

/** The one owner of `operator_alerts`: the open episodes of operator conditions. */

export async function openEpisodes(): Promise<OpenEpisode[]> {
  const rows = await OperatorAlertModel.find({}).lean();
  return rows.map((row) => ({ key: row._id, since: row.since, firedAt: row.firedAt ?? null }));
}

/** Opens an episode; false when the condition has one open already (another pass opened it). */
export async function insertEpisode(key: string, since: Date): Promise<boolean> {
  try {
    await OperatorAlertModel.create({ _id: key, since, firedAt: null });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/** The operator was told of this episode (the one that began at `since`). */
export async function markEpisodeFired(key: string, since: Date, at: Date): Promise<void> {
  await OperatorAlertModel.updateOne({ _id: key, since }, { $set: { firedAt: at } });
}

/** The condition ended: its episode is closed (a later one starts afresh, with a new id). */
export async function removeEpisode(key: string, since: Date): Promise<void> {
  await OperatorAlertModel.deleteOne({ _id: key, since });
}

import { randomBytes } from 'node:crypto';
import { WatchSnapshotModel } from '../../db/watch-snapshot';

/**
 * The one owner of `watch_snapshots`: the scanner's compact copy of its watched addresses (see
 * db/watch-snapshot.ts). Written whole under a fresh generation, then the head is pointed at it,
 * then older parts go: a reader sees one complete generation or, when a writer raced it, parts
 * that do not add up, which it ignores.
 */

const HEAD = 'head';

export interface WatchSnapshot {
  parts: Buffer[];
  /** Records in all parts together. */
  count: number;
  /** When the addresses it holds were read. */
  takenAt: Date;
  /** The addresses' version counter read before them (address-counters.ts), if there was one. */
  version?: number;
}

/** The complete snapshot, or undefined when there is none or its parts do not add up. */
export async function readWatchSnapshot(): Promise<WatchSnapshot | undefined> {
  const head = await WatchSnapshotModel.findById(HEAD).lean();
  if (head === null || head.parts === undefined || head.parts === null) return undefined;
  const parts = await WatchSnapshotModel.find({ generation: head.generation, _id: { $ne: HEAD } }, { part: 1, entries: 1, count: 1 }).lean();
  if (parts.length !== head.parts) return undefined;
  parts.sort((a, b) => (a.part ?? 0) - (b.part ?? 0));
  const buffers: Buffer[] = [];
  for (const { entries } of parts) {
    if (!entries) return undefined;
    // lean() reads a BSON Binary; value() is its bytes (Buffer in older drivers).
    const bytes = Buffer.isBuffer(entries) ? entries : entries.value();
    buffers.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  const count = parts.reduce((sum, part) => sum + part.count, 0);
  if (count !== head.count) return undefined;
  return { parts: buffers, count, takenAt: head.takenAt, ...(typeof head.version === 'number' ? { version: head.version } : {}) };
}

/** Replaces the snapshot with these parts (`counts[i]` records in `parts[i]`). */
export async function writeWatchSnapshot(parts: readonly Buffer[], counts: readonly number[], takenAt: Date, version: number | undefined): Promise<void> {
  const generation = `${takenAt.getTime()}-${randomBytes(4).toString('hex')}`;
  for (const [part, entries] of parts.entries()) {
    await WatchSnapshotModel.create({ _id: `${generation}:${part}`, generation, part, entries, count: counts[part] ?? 0, takenAt });
  }
  const count = counts.reduce((sum, n) => sum + n, 0);
  await WatchSnapshotModel.replaceOne({ _id: HEAD }, { _id: HEAD, generation, parts: parts.length, count, takenAt, ...(version === undefined ? {} : { version }) }, { upsert: true });
  await WatchSnapshotModel.deleteMany({ _id: { $ne: HEAD }, generation: { $ne: generation } });
}
